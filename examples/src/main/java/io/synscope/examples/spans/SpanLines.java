package io.synscope.examples.spans;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How an example application hands its own spans to the example's runner: one line on standard
 * output per span, {@code SPAN trace span parent|- kind start end status attributes name}, with
 * the attributes as URL-encoded {@code key=value&...} (values prefixed {@code i:} for integers,
 * {@code s:} for the rest). Standard output needs no network connection, so the app's span
 * traffic does not show up among the connections the example is about.
 */
public final class SpanLines {
  public static final String PREFIX = "SPAN ";

  private SpanLines() {}

  public static String format(SpanRecord s) {
    StringBuilder attrs = new StringBuilder();
    s.attributes()
        .forEach(
            (k, v) -> {
              if (attrs.length() > 0) {
                attrs.append('&');
              }
              String typed = (v instanceof Long || v instanceof Integer ? "i:" : "s:") + v;
              attrs.append(encode(k)).append('=').append(encode(typed));
            });
    return PREFIX
        + s.traceId()
        + ' '
        + s.spanId()
        + ' '
        + (s.isRoot() ? "-" : s.parentSpanId())
        + ' '
        + s.kind()
        + ' '
        + s.startEpochNanos()
        + ' '
        + s.endEpochNanos()
        + ' '
        + s.status()
        + ' '
        + (attrs.length() == 0 ? "-" : attrs)
        + ' '
        + s.name();
  }

  /** The span of a {@code SPAN} line; fails with the line on anything malformed. */
  public static SpanRecord parse(String line) {
    String[] f = line.startsWith(PREFIX) ? line.substring(PREFIX.length()).split(" ", 9) : null;
    if (f == null || f.length != 9) {
      throw new IllegalArgumentException("not a span line: " + line);
    }
    Map<String, Object> attributes = new LinkedHashMap<>();
    if (!f[7].equals("-")) {
      for (String pair : f[7].split("&")) {
        int eq = pair.indexOf('=');
        String value = decode(pair.substring(eq + 1));
        attributes.put(
            decode(pair.substring(0, eq)),
            value.startsWith("i:") ? (Object) Long.parseLong(value.substring(2)) : value.substring(2));
      }
    }
    return new SpanRecord(
        SpanRecord.Source.APP,
        f[0],
        f[1],
        f[2].equals("-") ? "" : f[2],
        f[8],
        f[3],
        Long.parseLong(f[4]),
        Long.parseLong(f[5]),
        attributes,
        f[6],
        "");
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
