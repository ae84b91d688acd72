package io.synscope.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.synscope.agent.testing.ForkedJvm;
import io.synscope.agent.testing.Json;
import io.synscope.agent.testing.apps.ConnectOnCommandApp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code otel.traces.exporter=logging-otlp}: the spans are logged as OTLP JSON, one resource's
 * spans a log record, as OpenTelemetry's exporter of that name logs them.
 */
class OtlpJsonLoggingIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @Test
  void spansAreLoggedAsOtlpJson() {
    try (ForkedJvm app = connectingApp("json")) {
      app.awaitOutputLine(line -> line.equals("DONE json"), TIMEOUT);
      // The batch goes out within the agent's schedule delay (1 s).
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  app.stderr().contains("\"tcp.connect\"")
                      && app.stderr().contains("\"tcp.accept\""));
      app.closeStdin();
      app.awaitSuccess();
      AppObservation client =
          AppObservation.find(AppObservation.all(app), "connect", "json");

      List<Map<String, Object>> spans = loggedSpans(app);
      assertThat(spans).extracting(s -> s.get("name"))
          .containsExactlyInAnyOrder("tcp.connect", "tcp.accept");
      Map<String, Object> connect =
          spans.stream().filter(s -> "tcp.connect".equals(s.get("name"))).findFirst().get();
      // OTLP JSON: the span kind as its number (3, CLIENT), int values as strings.
      assertThat(connect.get("kind")).isEqualTo(3L);
      assertThat(attribute(connect, "network.local.port"))
          .isEqualTo(Long.toString(client.number("localPort")));
      assertThat(attribute(connect, "tcp.api")).isEqualTo("socket");
    }
  }

  /**
   * An application that exits right after its connection: the spans leave in the SDK's flush at
   * exit, which can come after java.util.logging's own shutdown hook has closed its handlers.
   */
  @Test
  void spansOfAnApplicationThatExitsAtOnceAreLoggedToo() {
    try (ForkedJvm app = connectingApp("exit")) {
      app.closeStdin();
      app.awaitSuccess();

      List<Map<String, Object>> spans = loggedSpans(app);
      assertThat(spans).extracting(s -> s.get("name"))
          .containsExactlyInAnyOrder("tcp.connect", "tcp.accept");
      AppObservation client = AppObservation.find(AppObservation.all(app), "connect", "exit");
      Map<String, Object> connect =
          spans.stream().filter(s -> "tcp.connect".equals(s.get("name"))).findFirst().get();
      assertThat(attribute(connect, "network.local.port"))
          .isEqualTo(Long.toString(client.number("localPort")));
    }
  }

  /** An app that logs its spans as OTLP JSON, told to make one connection ({@code caseName}). */
  private static ForkedJvm connectingApp(String caseName) {
    ForkedJvm app =
        ForkedJvm.builder(ConnectOnCommandApp.class)
            .withAgent("otel.traces.exporter=logging-otlp,otel.service.name=json-logging")
            .timeout(TIMEOUT)
            .start();
    try {
      app.awaitOutputLine(line -> line.startsWith("READY"), TIMEOUT);
      app.sendLine("CONNECT " + caseName);
      return app;
    } catch (RuntimeException | Error e) {
      app.close();
      throw e;
    }
  }

  /**
   * The spans of every OTLP JSON record on the app's stderr (as the console handler prints them:
   * a line {@code INFO: } and the JSON), each resource checked to be the app's.
   */
  private static List<Map<String, Object>> loggedSpans(ForkedJvm app) {
    List<Map<String, Object>> spans = new ArrayList<>();
    for (String line : app.stderr().split("\n")) {
      if (!line.startsWith("INFO: {")) {
        continue;
      }
      Map<String, Object> resourceSpans = Json.object(line.substring("INFO: ".length()));
      assertThat(attribute(resource(resourceSpans), "service.name")).isEqualTo("json-logging");
      for (Object scope : list(resourceSpans.get("scopeSpans"))) {
        for (Object span : list(map(scope).get("spans"))) {
          spans.add(map(span));
        }
      }
    }
    return spans;
  }

  private static Map<String, Object> resource(Map<String, Object> resourceSpans) {
    return map(resourceSpans.get("resource"));
  }

  /** An attribute's value from OTLP JSON's key/value list: string or int, as its text. */
  private static String attribute(Map<String, Object> holder, String key) {
    for (Object kv : list(holder.get("attributes"))) {
      if (key.equals(map(kv).get("key"))) {
        Map<String, Object> value = map(map(kv).get("value"));
        Object v = value.containsKey("stringValue") ? value.get("stringValue") : value.get("intValue");
        return String.valueOf(v);
      }
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) {
    return o == null ? List.of() : (List<Object>) o;
  }
}
