package io.synscope.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.synscope.agent.testing.ForkedJvm;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One {@code OBS} line of a test app (see {@code apps.Observation}), read back. */
record AppObservation(Map<String, String> fields) {
  private static final String PREFIX = "OBS\t";

  static AppObservation parse(String line) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String field : line.substring(PREFIX.length()).split("\t")) {
      int eq = field.indexOf('=');
      fields.put(field.substring(0, eq), field.substring(eq + 1));
    }
    return new AppObservation(fields);
  }

  /** Every observation the app printed so far, in order. */
  static List<AppObservation> all(ForkedJvm app) {
    return app.stdoutLines().stream()
        .filter(line -> line.startsWith(PREFIX))
        .map(AppObservation::parse)
        .toList();
  }

  /** The one observation of this kind and case. */
  static AppObservation find(List<AppObservation> all, String kind, String caseName) {
    List<AppObservation> matching =
        all.stream().filter(o -> o.kind().equals(kind) && o.caseName().equals(caseName)).toList();
    assertThat(matching).as("observations %s %s among %s", kind, caseName, all).hasSize(1);
    return matching.get(0);
  }

  String get(String key) {
    String value = fields.get(key);
    assertThat(value).as("field %s of %s", key, fields).isNotNull();
    return value;
  }

  boolean has(String key) {
    return fields.containsKey(key);
  }

  long number(String key) {
    return Long.parseLong(get(key));
  }

  String kind() {
    return get("kind");
  }

  String caseName() {
    return get("case");
  }

  /** Wall clock before the call, epoch nanoseconds. */
  long before() {
    return number("before");
  }

  /** Wall clock after the call, epoch nanoseconds. */
  long after() {
    return number("after");
  }

  /** Monotonic nanoseconds the call took. */
  long nanos() {
    return number("nanos");
  }
}
