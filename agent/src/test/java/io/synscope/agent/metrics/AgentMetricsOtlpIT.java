package io.synscope.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.synscope.agent.testing.ForkedJvm;
import io.synscope.agent.testing.OtlpReceiver;
import io.synscope.agent.testing.ReceivedMetric;
import io.synscope.agent.testing.ReceivedNumberPoint;
import io.synscope.agent.testing.apps.LoopbackConnectApp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The agent's meters leave over OTLP, through the agent's own SDK, when {@code
 * otel.metrics.exporter=otlp}; a Prometheus endpoint that cannot start costs one warning and
 * nothing else.
 *
 * <p>The meter driven here is {@value MetricNames#DROPPED_SPANS}: the traces endpoint refuses
 * every export, so each span the app's connections make is counted as lost. Each connection of
 * {@link LoopbackConnectApp} makes two spans (its connect and its accept).
 */
class AgentMetricsOtlpIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Duration AWAIT = Duration.ofSeconds(30);
  private static final int CONNECTIONS = 3;

  @Test
  void theAgentsMetersArriveOverOtlp() {
    try (OtlpReceiver metrics = OtlpReceiver.start();
        OtlpReceiver traces = OtlpReceiver.start();
        ForkedJvm app = app(metrics, traces).start()) {
      traces.failWith(400);
      connect(app);

      ReceivedMetric lost =
          metrics.awaitMetric(droppedSpans(MetricNames.EXPORT_FAILED, 2 * CONNECTIONS), AWAIT);

      assertThat(lost.type()).isEqualTo(ReceivedMetric.Type.SUM);
      assertThat(lost.monotonic()).isTrue();
      assertThat(lost.temporality()).isEqualTo(ReceivedMetric.Temporality.CUMULATIVE);
      assertThat(lost.unit()).isEqualTo("spans");
      assertThat(lost.description()).isEqualTo(MetricNames.DROPPED_SPANS_DESCRIPTION);
      assertThat(lost.scopeName()).isEqualTo("io.synscope");
      assertThat(lost.resourceAttributes()).containsEntry("service.name", appServiceName());
      assertThat(lost.numberPoints())
          .extracting(ReceivedNumberPoint::attributes, ReceivedNumberPoint::value)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple(Map.of("reason", "queue_full"), 0.0),
              org.assertj.core.groups.Tuple.tuple(
                  Map.of("reason", "export_failed"), (double) 2 * CONNECTIONS));
      // The tracer records every connect of the app in the connect timer, exported as a
      // histogram in seconds; the accepts go to the queue-wait timer.
      ReceivedMetric connects =
          metrics.awaitMetric(histogramCount(MetricNames.CONNECT_DURATION, CONNECTIONS), AWAIT);
      assertThat(connects.type()).isEqualTo(ReceivedMetric.Type.HISTOGRAM);
      assertThat(connects.unit()).isEqualTo("s");
      assertThat(connects.histogramPoints())
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.attributes())
                    .isEqualTo(Map.of("outcome", "success", "error.type", "none"));
                assertThat(p.count()).isEqualTo(CONNECTIONS);
                assertThat(p.sum()).isPositive().isLessThan(CONNECTIONS * 5.0);
              });
      ReceivedMetric waits =
          metrics.awaitMetric(histogramCount(MetricNames.ACCEPT_QUEUE_WAIT, CONNECTIONS), AWAIT);
      assertThat(waits.histogramPoints())
          .singleElement()
          .extracting(p -> p.count())
          .isEqualTo((long) CONNECTIONS);
      app.closeStdin();
      app.awaitSuccess();
      assertThat(app.stderr()).doesNotContain("WARN no Prometheus endpoint");
    }
  }

  @Test
  void aTakenPrometheusPortIsOneWarningAndOtlpCarriesOn() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        OtlpReceiver metrics = OtlpReceiver.start();
        OtlpReceiver traces = OtlpReceiver.start();
        ForkedJvm app =
            app(metrics, traces)
                .systemProperty("synscope.prometheus.port", String.valueOf(taken.getLocalPort()))
                .start()) {
      traces.failWith(400);
      connect(app);

      metrics.awaitMetric(droppedSpans(MetricNames.EXPORT_FAILED, 2 * CONNECTIONS), AWAIT);
      app.closeStdin();
      app.awaitSuccess();

      assertThat(warnings(app))
          .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .startsWith(
              "[synscope] WARN no Prometheus endpoint: cannot listen on"
                  + " synscope.prometheus.host=127.0.0.1 synscope.prometheus.port="
                  + taken.getLocalPort()
                  + " (java.net.BindException: Address already in use");
    }
  }

  @Test
  void aHostThatIsNotOursIsOneWarningAndOtlpCarriesOn() {
    // 192.0.2.1 (TEST-NET-1) is a literal, so nothing is looked up, and no interface has it.
    int port = io.synscope.agent.testing.PrometheusServer.freePort();
    try (OtlpReceiver metrics = OtlpReceiver.start();
        OtlpReceiver traces = OtlpReceiver.start();
        ForkedJvm app =
            app(metrics, traces)
                .systemProperty("synscope.prometheus.port", String.valueOf(port))
                .systemProperty("synscope.prometheus.host", "192.0.2.1")
                .start()) {
      traces.failWith(400);
      connect(app);

      metrics.awaitMetric(droppedSpans(MetricNames.EXPORT_FAILED, 2 * CONNECTIONS), AWAIT);
      app.closeStdin();
      app.awaitSuccess();

      assertThat(warnings(app))
          .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .startsWith(
              "[synscope] WARN no Prometheus endpoint: cannot listen on"
                  + " synscope.prometheus.host=192.0.2.1 synscope.prometheus.port="
                  + port
                  + " (java.net.BindException: Cannot assign requested address");
    }
  }

  private static ForkedJvm.Builder app(OtlpReceiver metrics, OtlpReceiver traces) {
    return ForkedJvm.builder(LoopbackConnectApp.class)
        .withAgent()
        .systemProperty("otel.metrics.exporter", "otlp")
        .systemProperty("otel.metric.export.interval", "500")
        .systemProperty(
            "otel.exporter.otlp.metrics.endpoint", metrics.endpoint() + OtlpReceiver.METRICS_PATH)
        .systemProperty(
            "otel.exporter.otlp.traces.endpoint", traces.endpoint() + OtlpReceiver.TRACES_PATH)
        // One answer per export, so that a refused batch counts at once.
        .systemProperty("otel.java.exporter.otlp.retry.disabled", "true")
        .timeout(TIMEOUT);
  }

  private static void connect(ForkedJvm app) {
    app.awaitOutputLine(line -> line.startsWith("READY"), TIMEOUT);
    app.sendLine("CONNECT " + CONNECTIONS);
    app.awaitOutputLine(line -> line.equals("CONNECTED " + CONNECTIONS), TIMEOUT);
  }

  /** The service name the agent derives from the app's main class. */
  private static String appServiceName() {
    return LoopbackConnectApp.class.getSimpleName();
  }

  private static Predicate<ReceivedMetric> droppedSpans(String reason, long count) {
    return m ->
        m.name().equals(MetricNames.DROPPED_SPANS)
            && m.numberPoints().stream()
                .anyMatch(
                    p ->
                        p.attributes().equals(Map.of("reason", reason))
                            && p.value().doubleValue() == count);
  }

  private static Predicate<ReceivedMetric> histogramCount(String name, long count) {
    return m ->
        m.name().equals(name)
            && m.histogramPoints().stream().mapToLong(p -> p.count()).sum() == count;
  }

  /** The agent's warnings about the Prometheus endpoint (the lost spans have their own). */
  private static List<String> warnings(ForkedJvm app) {
    return app.stderr()
        .lines()
        .filter(l -> l.startsWith("[synscope] WARN") && l.contains("Prometheus"))
        .toList();
  }
}
