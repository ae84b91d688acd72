package io.synscope.agent.it;

import static io.synscope.agent.it.SpanChecks.ACCEPT;
import static io.synscope.agent.it.SpanChecks.CONNECT;
import static io.synscope.agent.it.SpanChecks.assertFailedLike;
import static io.synscope.agent.it.SpanChecks.assertInside;
import static io.synscope.agent.it.SpanChecks.assertQueuedDuring;
import static io.synscope.agent.it.SpanChecks.attributeIs;
import static io.synscope.agent.it.SpanChecks.connectionsOnly;
import static io.synscope.agent.it.SpanChecks.named;
import static io.synscope.agent.it.SpanChecks.single;
import static org.assertj.core.api.Assertions.assertThat;

import io.synscope.agent.metrics.MetricNames;
import io.synscope.agent.testing.ForkedJvm;
import io.synscope.agent.testing.OtlpReceiver;
import io.synscope.agent.testing.ReceivedHistogramPoint;
import io.synscope.agent.testing.ReceivedMetric;
import io.synscope.agent.testing.ReceivedSpan;
import io.synscope.agent.testing.apps.SlowAndFastConnectionsApp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * {@code synscope.trace.min.duration}: a span only for a connect that took at least that long or
 * failed, and for an accepted connection that waited at least that long in the accept queue; the
 * meters still count every connection.
 */
class TraceMinDurationIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** Far above what a loopback connect or an accept at once takes, even on a loaded machine. */
  private static final long MIN_MILLIS = 500;

  private static final long HOLD_MILLIS = 800;

  @Test
  void onlySlowOrFailedConnectionsGetSpansAndTheMetersCountEveryOne() {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        ForkedJvm app =
            ForkedJvm.builder(SlowAndFastConnectionsApp.class)
                .withAgent("trace.min.duration=" + MIN_MILLIS + "ms")
                .systemProperty("otel.exporter.otlp.endpoint", receiver.endpoint())
                .systemProperty("otel.metrics.exporter", "otlp")
                .args(Long.toString(HOLD_MILLIS))
                .timeout(TIMEOUT)
                .start()) {
      // The app exits by itself; the agent's exit flushes every span and the meters' last values.
      app.awaitSuccess();
      List<AppObservation> seen = AppObservation.all(app);
      AppObservation heldConnect = AppObservation.find(seen, "connect", "held");
      AppObservation heldAccept = AppObservation.find(seen, "accept", "held");
      AppObservation refused = AppObservation.find(seen, "connect", "refused");
      AppObservation fastConnect = AppObservation.find(seen, "connect", "fast");
      AppObservation fastAccept = AppObservation.find(seen, "accept", "fast");
      // What the spans are measured against: a span lies inside the app's own measurement.
      assertThat(fastConnect.nanos()).isLessThan(MIN_MILLIS * 1_000_000L);
      assertThat(heldConnect.nanos()).isLessThan(MIN_MILLIS * 1_000_000L);
      assertThat(fastAccept.after() - fastConnect.before()).isLessThan(MIN_MILLIS * 1_000_000L);
      assertThat(heldAccept.before() - heldConnect.after())
          .isGreaterThanOrEqualTo(HOLD_MILLIS * 1_000_000L);

      // Of the five connects and accepts, the held accept and the refused connect, no other.
      List<ReceivedSpan> spans = connectionsOnly(receiver.spans());
      assertThat(spans).as("%s", spans).hasSize(2);
      ReceivedSpan accept =
          single(
              named(spans, ACCEPT),
              attributeIs("network.peer.port", heldConnect.number("localPort")),
              "the held connection's accept");
      assertQueuedDuring(accept, heldAccept, heldConnect);
      // The handshake's completion is known to a jiffy (tcp_info's last_data_sent).
      long queuedNanos = heldAccept.after() - heldConnect.before();
      assertThat((Long) accept.attribute("tcp.accept.queue_wait_ms"))
          .isGreaterThanOrEqualTo(
              (HOLD_MILLIS * 1_000_000L - SpanChecks.JIFFY_TOLERANCE_NANOS) / 1_000_000L)
          .isLessThanOrEqualTo((queuedNanos + SpanChecks.JIFFY_TOLERANCE_NANOS) / 1_000_000L);
      ReceivedSpan connect =
          single(
              named(spans, CONNECT),
              attributeIs("error.type", "connection_refused"),
              "the refused connect");
      assertThat(connect.durationNanos()).isLessThan(MIN_MILLIS * 1_000_000L);
      assertInside(connect, refused);
      assertFailedLike(connect, refused);

      // The meters: three connects (two made, one refused) and two accepts.
      assertThat(histogramCounts(receiver, MetricNames.CONNECT_DURATION))
          .containsEntry(Map.of("outcome", "success", "error.type", "none"), 2L)
          .containsEntry(Map.of("outcome", "failure", "error.type", "connection_refused"), 1L)
          .hasSize(2);
      assertThat(histogramCounts(receiver, MetricNames.ACCEPT_QUEUE_WAIT).values())
          .containsExactly(2L);

      assertThat(app.stderr())
          .contains(
              "tracing TCP connects and accepts (those of 500 ms or more, failed, or with a"
                  + " handshake packet sent again)");
    }
  }

  /** The last export's count per point of a histogram, by the point's attributes. */
  private static Map<Map<String, Object>, Long> histogramCounts(
      OtlpReceiver receiver, String name) {
    Predicate<ReceivedMetric> named = m -> m.name().equals(name);
    List<ReceivedMetric> exports = receiver.metrics().stream().filter(named).toList();
    assertThat(exports).as("exports of %s", name).isNotEmpty();
    return exports.get(exports.size() - 1).histogramPoints().stream()
        .collect(
            java.util.stream.Collectors.toMap(
                ReceivedHistogramPoint::attributes, ReceivedHistogramPoint::count));
  }
}
