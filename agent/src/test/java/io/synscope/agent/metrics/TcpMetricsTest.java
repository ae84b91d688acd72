package io.synscope.agent.metrics;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.NANOSECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The per-connection meters in a plain registry, without the agent: exact values and tags. */
class TcpMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private static long ms(long millis) {
    return MILLISECONDS.toNanos(millis);
  }

  @Test
  void connectsAreTimedByOutcomeAndErrorType() {
    TcpMetrics metrics = new TcpMetrics();
    metrics.bindTo(registry);

    metrics.recordConnect(ms(1), null);
    metrics.recordConnect(ms(2), null);
    metrics.recordConnect(ms(4), null);
    metrics.recordConnect(ms(5), "connection_refused");
    metrics.recordConnect(ms(6), "connection_refused");
    metrics.recordConnect(ms(10), "timed_out");

    Timer success = connectTimer("success", "none");
    assertThat(success.count()).isEqualTo(3);
    assertThat(success.totalTime(NANOSECONDS)).isEqualTo(ms(7));
    assertThat(success.max(NANOSECONDS)).isEqualTo(ms(4));
    Timer refused = connectTimer("failure", "connection_refused");
    assertThat(refused.count()).isEqualTo(2);
    assertThat(refused.totalTime(NANOSECONDS)).isEqualTo(ms(11));
    assertThat(refused.max(NANOSECONDS)).isEqualTo(ms(6));
    Timer timedOut = connectTimer("failure", "timed_out");
    assertThat(timedOut.count()).isEqualTo(1);
    assertThat(timedOut.totalTime(NANOSECONDS)).isEqualTo(ms(10));
    assertThat(registry.find(MetricNames.CONNECT_DURATION).timers()).hasSize(3);
    for (Timer t : registry.find(MetricNames.CONNECT_DURATION).timers()) {
      assertThat(tagKeys(t)).containsExactly("error.type", "outcome");
    }
  }

  /** In a registry that publishes percentile histograms (the simple registry does not). */
  @Test
  void connectDurationPublishesAHistogramFromTenMicrosecondsToThreeMinutes() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    TcpMetrics metrics = new TcpMetrics();
    metrics.bindTo(prometheus);
    metrics.recordConnect(30_000, null);
    metrics.recordConnect(ms(1), null);
    metrics.recordConnect(Duration.ofSeconds(63).toNanos(), null);

    CountAtBucket[] buckets =
        prometheus
            .get(MetricNames.CONNECT_DURATION)
            .tags("outcome", "success", "error.type", "none")
            .timer()
            .takeSnapshot()
            .histogramCounts();

    double[] bounds = Arrays.stream(buckets).mapToDouble(b -> b.bucket(NANOSECONDS)).toArray();
    assertThat(bounds[0]).isEqualTo(10_000);
    assertThat(bounds[bounds.length - 1]).isEqualTo(Duration.ofMinutes(3).toNanos());
    assertThat(bounds).hasSize(110);
    assertThat(countUpTo(buckets, 30_000)).isEqualTo(1);
    assertThat(countUpTo(buckets, ms(1))).isEqualTo(2);
    assertThat(countUpTo(buckets, Duration.ofSeconds(62).toNanos())).isEqualTo(2);
    assertThat(buckets[buckets.length - 1].count()).isEqualTo(3);
  }

  /** The cumulative count of the first bucket whose bound is at least {@code nanos}. */
  private static double countUpTo(CountAtBucket[] buckets, long nanos) {
    for (CountAtBucket b : buckets) {
      if (b.bucket(NANOSECONDS) >= nanos) {
        return b.count();
      }
    }
    throw new AssertionError("no bucket reaches " + nanos + " ns");
  }

  @Test
  void errorTypesBeyondTheCapAreRecordedAsOther() {
    TcpMetrics metrics = new TcpMetrics();
    metrics.bindTo(registry);
    int distinct = TcpMetrics.MAX_ERROR_TYPES + 8;
    for (int i = 0; i < distinct; i++) {
      metrics.recordConnect(ms(1), "java.io.Error" + i);
    }
    metrics.recordConnect(ms(1), "java.io.Error0");
    metrics.recordConnect(ms(1), "java.io.Error" + (distinct - 1));

    Set<String> errorTypes =
        registry.find(MetricNames.CONNECT_DURATION).tag("outcome", "failure").timers().stream()
            .map(t -> t.getId().getTag("error.type"))
            .collect(Collectors.toSet());
    assertThat(errorTypes).hasSize(TcpMetrics.MAX_ERROR_TYPES + 1).contains("other");
    assertThat(connectTimer("failure", "java.io.Error0").count()).isEqualTo(2);
    assertThat(connectTimer("failure", "java.io.Error31").count()).isEqualTo(1);
    assertThat(registry.find(MetricNames.CONNECT_DURATION).tag("error.type", "java.io.Error32")
            .timer())
        .isNull();
    assertThat(connectTimer("failure", "other").count()).isEqualTo(9);
  }

  @Test
  void acceptQueueWaitAndSynRetransmits() {
    TcpMetrics metrics = new TcpMetrics();
    metrics.bindTo(registry);
    metrics.recordAcceptQueueWait(250_000);
    metrics.recordAcceptQueueWait(ms(40));
    metrics.recordAcceptQueueWait(-1);
    for (long count : new long[] {0, 0, 1, 3}) {
      metrics.recordSynRetransmits(count);
    }
    metrics.recordSynRetransmits(-1);

    Timer wait = registry.get(MetricNames.ACCEPT_QUEUE_WAIT).timer();
    assertThat(wait.count()).isEqualTo(2);
    assertThat(wait.totalTime(NANOSECONDS)).isEqualTo(ms(40) + 250_000);
    assertThat(wait.max(NANOSECONDS)).isEqualTo(ms(40));
    DistributionSummary syn = registry.get(MetricNames.SYN_RETRANSMITS).summary();
    assertThat(syn.count()).isEqualTo(4);
    assertThat(syn.totalAmount()).isEqualTo(4);
    assertThat(syn.max()).isEqualTo(3);
    assertThat(syn.getId().getBaseUnit()).isEqualTo("retransmits");
    CountAtBucket[] buckets = syn.takeSnapshot().histogramCounts();
    assertThat(buckets)
        .extracting(CountAtBucket::bucket)
        .containsExactly(0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 15.0);
    assertThat(buckets)
        .extracting(CountAtBucket::count)
        .containsExactly(2.0, 3.0, 3.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0);
  }

  @Test
  void closedConnectionsAreRecordedBySideWhoClosedFirstAndStateLeft() {
    TcpMetrics metrics = new TcpMetrics();
    metrics.bindTo(registry);
    metrics.recordClosed(
        new ConnectionSummary("client", ms(300), 1000, 200, 2, 150, "local", "TIME_WAIT"));
    metrics.recordClosed(
        new ConnectionSummary("client", ms(100), 3000, 0, 0, 50, "local", "TIME_WAIT"));
    metrics.recordClosed(
        new ConnectionSummary("server", ms(20), 10, 20, 1, -1, "peer", "CLOSED"));

    Timer clientLocal =
        registry
            .get(MetricNames.CONNECTION_DURATION)
            .tags("side", "client", "closed.first", "local", "state.left", "TIME_WAIT")
            .timer();
    assertThat(clientLocal.count()).isEqualTo(2);
    assertThat(clientLocal.totalTime(NANOSECONDS)).isEqualTo(ms(400));
    assertThat(clientLocal.max(NANOSECONDS)).isEqualTo(ms(300));
    Timer serverPeer =
        registry
            .get(MetricNames.CONNECTION_DURATION)
            .tags("side", "server", "closed.first", "peer", "state.left", "CLOSED")
            .timer();
    assertThat(serverPeer.count()).isEqualTo(1);
    assertThat(registry.find(MetricNames.CONNECTION_DURATION).timers()).hasSize(2);

    DistributionSummary clientAcked =
        registry.get(MetricNames.CONNECTION_BYTES_ACKED).tag("side", "client").summary();
    assertThat(clientAcked.count()).isEqualTo(2);
    assertThat(clientAcked.totalAmount()).isEqualTo(4000);
    assertThat(clientAcked.max()).isEqualTo(3000);
    assertThat(clientAcked.getId().getBaseUnit()).isEqualTo("bytes");
    DistributionSummary serverReceived =
        registry.get(MetricNames.CONNECTION_BYTES_RECEIVED).tag("side", "server").summary();
    assertThat(serverReceived.totalAmount()).isEqualTo(20);
    DistributionSummary clientRetransmits =
        registry.get(MetricNames.CONNECTION_RETRANSMITS).tag("side", "client").summary();
    assertThat(clientRetransmits.count()).isEqualTo(2);
    assertThat(clientRetransmits.totalAmount()).isEqualTo(2);
    Timer clientRtt = registry.get(MetricNames.CONNECTION_RTT).tag("side", "client").timer();
    assertThat(clientRtt.count()).isEqualTo(2);
    assertThat(clientRtt.totalTime(NANOSECONDS)).isEqualTo(200_000);
    // The server's rtt was unknown (-1): left out, not recorded as zero.
    assertThat(registry.find(MetricNames.CONNECTION_RTT).tag("side", "server").timer()).isNull();
  }

  @Test
  void statesBeyondTheCapAndUnknownSidesAreRecordedAsOther() {
    TcpMetrics metrics = new TcpMetrics();
    metrics.bindTo(registry);
    for (int i = 0; i < TcpMetrics.MAX_STATES + 2; i++) {
      metrics.recordClosed(new ConnectionSummary("client", 1, 0, 0, 0, 0, "local", "STATE" + i));
    }
    metrics.recordClosed(new ConnectionSummary("sideways", 1, 0, 0, 0, 0, null, "STATE0"));

    assertThat(
            registry
                .get(MetricNames.CONNECTION_DURATION)
                .tags("side", "client", "state.left", "other")
                .timer()
                .count())
        .isEqualTo(2);
    assertThat(
            registry
                .get(MetricNames.CONNECTION_DURATION)
                .tags("side", "other", "closed.first", "unknown", "state.left", "STATE0")
                .timer()
                .count())
        .isEqualTo(1);
    assertThat(registry.find(MetricNames.CONNECTION_DURATION).timers())
        .hasSize(TcpMetrics.MAX_STATES + 2);
  }

  @Test
  void recordsNothingBeforeBindingAndAfterClosing() {
    TcpMetrics metrics = new TcpMetrics();
    metrics.recordConnect(ms(1), null);
    metrics.bindTo(registry);
    metrics.recordConnect(ms(1), "timed_out");
    assertThat(connectTimer("success", "none").count()).isZero();
    assertThat(connectTimer("failure", "timed_out").count()).isEqualTo(1);

    metrics.close();
    metrics.recordConnect(ms(1), null);

    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void recordsIntoEveryRegistryItIsBoundTo() {
    SimpleMeterRegistry other = new SimpleMeterRegistry();
    TcpMetrics metrics = new TcpMetrics(Tags.of("service", "orders"));
    metrics.bindTo(registry);
    metrics.bindTo(other);
    metrics.bindTo(other);

    metrics.recordConnect(ms(3), null);

    for (SimpleMeterRegistry r : List.of(registry, other)) {
      Timer t =
          r.get(MetricNames.CONNECT_DURATION)
              .tags("service", "orders", "outcome", "success")
              .timer();
      assertThat(t.count()).isEqualTo(1);
    }
  }

  @Test
  void everyMeterHasADescriptionAndABaseUnit() {
    TcpMetrics metrics = new TcpMetrics();
    metrics.bindTo(registry);
    metrics.recordConnect(1, "timed_out");
    metrics.recordClosed(new ConnectionSummary("server", 1, 1, 1, 1, 1, "peer", "CLOSED"));

    // The simple registry shows a summary's buckets as extra gauges named *.histogram.
    List<Meter> meters =
        registry.getMeters().stream()
            .filter(m -> !m.getId().getName().endsWith(".histogram"))
            .toList();
    assertThat(meters)
        .extracting(m -> m.getId().getName())
        .containsExactlyInAnyOrder(
            "tcp.connect.duration",
            "tcp.connect.duration",
            "tcp.accept.queue.wait",
            "tcp.syn.retransmits",
            "tcp.connection.duration",
            "tcp.connection.bytes.acked",
            "tcp.connection.bytes.received",
            "tcp.connection.retransmits",
            "tcp.connection.rtt");
    for (Meter m : meters) {
      assertThat(m.getId().getDescription()).as(m.getId().getName()).isNotBlank();
      assertThat(m.getId().getBaseUnit()).as(m.getId().getName()).isNotBlank();
    }
  }

  @Test
  void recordingAllocatesNothingOnceTheMetersExist() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    TcpMetrics metrics = new TcpMetrics();
    metrics.bindTo(registry);
    ConnectionSummary summary =
        new ConnectionSummary("client", ms(5), 100, 100, 0, 40, "local", "TIME_WAIT");
    Runnable burst =
        () -> {
          for (int i = 0; i < 10_000; i++) {
            metrics.recordConnect(30_000 + i, null);
            metrics.recordConnect(30_000 + i, "connection_refused");
            metrics.recordAcceptQueueWait(1_000 + i);
            metrics.recordSynRetransmits(i & 3);
            metrics.recordClosed(summary);
          }
        };
    burst.run(); // creates the meters and warms up

    long thread = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(thread);
    burst.run();
    long allocated = threads.getThreadAllocatedBytes(thread) - before;

    // 50,000 recordings; what remains is the measurement's own noise, well under a byte each.
    assertThat(allocated).isLessThan(4_096);
  }

  private Timer connectTimer(String outcome, String errorType) {
    return registry
        .get(MetricNames.CONNECT_DURATION)
        .tags("outcome", outcome, "error.type", errorType)
        .timer();
  }

  private static List<String> tagKeys(Meter m) {
    return m.getId().getTags().stream().map(Tag::getKey).sorted().toList();
  }
}
