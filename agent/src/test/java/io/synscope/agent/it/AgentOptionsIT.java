package io.synscope.agent.it;

import static io.synscope.agent.it.SpanChecks.ACCEPT;
import static io.synscope.agent.it.SpanChecks.CONNECT;
import static io.synscope.agent.it.SpanChecks.named;
import static org.assertj.core.api.Assertions.assertThat;

import io.synscope.agent.testing.ForkedJvm;
import io.synscope.agent.testing.OtlpReceiver;
import io.synscope.agent.testing.ReceivedSpan;
import io.synscope.agent.testing.apps.ConnectOnCommandApp;
import io.synscope.agent.testing.apps.SocketApp;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How the agent takes its options, as an application's operator sees it: one line on standard
 * error per problem, the application running on regardless; and the agent's own export traffic
 * never among its spans.
 */
class AgentOptionsIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @Test
  void badValueIsOneLineAndTheDefaultApplies() {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        ForkedJvm app =
            socketApp(receiver).systemProperty("synscope.trace.accept", "maybe").start()) {
      app.awaitOutputLine(line -> line.equals("CASES DONE"), TIMEOUT);
      receiver.awaitSpans(SpanChecks::ofConnections, 8, Duration.ofSeconds(20));
      app.closeStdin();
      app.awaitSuccess();
      List<ReceivedSpan> spans = SpanChecks.connectionsOnly(receiver.spans());

      assertThat(synscopeLines(app).stream().filter(line -> line.contains("maybe")))
          .containsExactly(
              "[synscope] WARN bad value for -Dsynscope.trace.accept: 'maybe' (expected true or"
                  + " false); using the default true");
      assertThat(AppObservation.all(app)).hasSize(8);
      assertThat(spans).hasSize(8);
      assertThat(named(spans, CONNECT)).hasSize(5);
      assertThat(named(spans, ACCEPT)).hasSize(3);
    }
  }

  @Test
  void acceptsOffMakesConnectSpansOnlyAndTheStartLineSaysSo() {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        ForkedJvm app =
            socketApp(receiver).env("SYNSCOPE_TRACE_ACCEPT", "false").start()) {
      app.awaitOutputLine(line -> line.equals("CASES DONE"), TIMEOUT);
      receiver.awaitSpans(SpanChecks::ofConnections, 5, Duration.ofSeconds(20));
      app.closeStdin();
      app.awaitSuccess();

      assertThat(synscopeLines(app))
          .anyMatch(
              line ->
                  line.matches("\\[synscope\\] agent .* started in \\d+ ms: .*")
                      && line.endsWith(
                          " ms: tracing TCP connects only, spans to OTLP at "
                              + receiver.endpoint()
                              + "/v1/traces"));
      List<ReceivedSpan> spans = SpanChecks.connectionsOnly(receiver.spans());
      assertThat(named(spans, CONNECT)).hasSize(5);
      assertThat(named(spans, ACCEPT)).isEmpty();
    }
  }

  /** OTEL_SDK_DISABLED turns the agent's telemetry off as it does any SDK's; the line says so. */
  @Test
  void disabledSdkMakesNoSpansAndTheStartLineSaysSo() {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        ForkedJvm app = socketApp(receiver).env("OTEL_SDK_DISABLED", "true").start()) {
      app.awaitOutputLine(line -> line.equals("CASES DONE"), TIMEOUT);
      app.awaitErrorLine(line -> line.contains(" started in "), TIMEOUT);
      app.closeStdin();
      app.awaitSuccess();

      assertThat(synscopeLines(app))
          .anyMatch(
              line ->
                  line.endsWith(
                      " ms: tracing TCP connects and accepts, no spans: the OpenTelemetry SDK is"
                          + " disabled (otel.sdk.disabled=true)"));
      assertThat(AppObservation.all(app)).hasSize(8);
      assertThat(receiver.requests()).isEmpty();
    }
  }

  @Test
  void disabledAgentSaysSoOnceAndMakesNoSpans() {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        ForkedJvm app = socketApp(receiver).systemProperty("synscope.enabled", "false").start()) {
      app.closeStdin();
      app.awaitSuccess();

      assertThat(synscopeLines(app))
          .containsExactly("[synscope] agent disabled by synscope.enabled=false");
      assertThat(AppObservation.all(app)).hasSize(8);
      // nothing was started that could still be sending: the app has exited
      assertThat(receiver.requests()).isEmpty();
    }
  }

  @Test
  void unknownExporterTurnsTheAgentOffWithOneLineAndTheAppRuns() {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        ForkedJvm app =
            socketApp(receiver).systemProperty("otel.traces.exporter", "bogus").start()) {
      app.closeStdin();
      app.awaitSuccess();

      List<String> lines = synscopeLines(app);
      assertThat(lines).hasSize(1);
      assertThat(lines.get(0)).startsWith("[synscope] WARN agent off: ").contains("bogus");
      assertThat(AppObservation.all(app)).hasSize(8);
      assertThat(receiver.requests()).isEmpty();
    }
  }

  /**
   * A protocol the agent does not ship (OTLP/JSON, which the SDK's autoconfiguration rejects, or a
   * typo): the agent says so in one line and exports over HTTP/protobuf, instead of the SDK turning
   * it off.
   */
  @Test
  void anUnsupportedProtocolIsOneLineAndSpansStillArrive() {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        ForkedJvm app =
            socketApp(receiver).env("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json").start()) {
      app.awaitOutputLine(line -> line.equals("CASES DONE"), TIMEOUT);
      receiver.awaitSpans(SpanChecks::ofConnections, 8, Duration.ofSeconds(20));
      app.closeStdin();
      app.awaitSuccess();

      assertThat(synscopeLines(app).stream().filter(line -> line.contains("WARN")))
          .containsExactly(
              "[synscope] WARN unsupported otel.exporter.otlp.protocol"
                  + " (OTEL_EXPORTER_OTLP_PROTOCOL): 'http/json'; using http/protobuf (the agent"
                  + " ships http/protobuf and grpc; a Collector or Jaeger takes http/protobuf on"
                  + " port 4318)");
      assertThat(SpanChecks.connectionsOnly(receiver.spans())).hasSize(8);
    }
  }

  /**
   * The spans of a first connect are exported while the app makes a second, and the second's
   * while the app exits: had the exporter's connections been traced, their spans would be in the
   * second export or the last.
   */
  @Test
  void theAgentsOwnExportsAreNotTraced() {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        ForkedJvm app =
            ForkedJvm.builder(ConnectOnCommandApp.class)
                .withAgent()
                .systemProperty("otel.exporter.otlp.endpoint", receiver.endpoint())
                .timeout(TIMEOUT)
                .start()) {
      app.awaitOutputLine(line -> line.startsWith("READY"), TIMEOUT);
      for (String caseName : List.of("first", "second")) {
        app.sendLine("CONNECT " + caseName);
        app.awaitOutputLine(line -> line.equals("DONE " + caseName), TIMEOUT);
        long clientPort =
            AppObservation.find(AppObservation.all(app), "connect", caseName).number("localPort");
        receiver.awaitSpans(
            s -> Long.valueOf(clientPort).equals(s.attribute("network.local.port")),
            1,
            Duration.ofSeconds(10));
      }
      app.closeStdin();
      app.awaitSuccess();

      assertThat(receiver.requestCount(OtlpReceiver.TRACES_PATH)).isGreaterThanOrEqualTo(2);
      List<ReceivedSpan> spans = SpanChecks.connectionsOnly(receiver.spans());
      assertThat(spans)
          .noneMatch(s -> Long.valueOf(receiver.port()).equals(s.attribute("server.port")));
      assertThat(named(spans, CONNECT)).hasSize(2);
      assertThat(named(spans, ACCEPT)).hasSize(2);
      assertThat(spans).hasSize(4);
    }
  }

  private static ForkedJvm.Builder socketApp(OtlpReceiver receiver) {
    return ForkedJvm.builder(SocketApp.class)
        .withAgent()
        .systemProperty("otel.exporter.otlp.endpoint", receiver.endpoint())
        .timeout(TIMEOUT);
  }

  private static List<String> synscopeLines(ForkedJvm app) {
    return app.stderr().lines().filter(line -> line.startsWith("[synscope]")).toList();
  }
}
