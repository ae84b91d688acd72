package io.synscope.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.synscope.agent.testing.ForkedJvm;
import io.synscope.agent.testing.OtlpReceiver;
import io.synscope.agent.testing.PrometheusServer;
import io.synscope.agent.testing.apps.LoopbackConnectApp;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real Prometheus server scrapes the metrics, and its query API returns the values recorded:
 * first of {@link TcpMetrics} served in this JVM, with values chosen to land on bucket bounds so
 * that even the quantiles are exact; then of the agent in a forked app, on its opt-in endpoint.
 */
class PrometheusScrapeIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Duration AWAIT = Duration.ofSeconds(30);
  private static final double SECONDS = 1e9;

  @BeforeEach
  void needsPrometheus() {
    assumeTrue(
        PrometheusServer.binary().isPresent(),
        "no prometheus binary (Debian package prometheus; CI installs it)");
  }

  @Test
  void prometheusReadsTheTimersAndSummariesExactly() throws IOException {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    TcpMetrics metrics = new TcpMetrics();
    metrics.bindTo(registry);
    CountAtBucket[] buckets =
        registry
            .get(MetricNames.CONNECT_DURATION)
            .tags("outcome", "success")
            .timer()
            .takeSnapshot()
            .histogramCounts();
    long b1 = (long) buckets[20].bucket(TimeUnit.NANOSECONDS);
    long b2 = (long) buckets[30].bucket(TimeUnit.NANOSECONDS);
    long belowB2 = (long) buckets[29].bucket(TimeUnit.NANOSECONDS);
    long b3 = (long) buckets[40].bucket(TimeUnit.NANOSECONDS);
    metrics.recordConnect(b1, null);
    metrics.recordConnect(b2, null);
    metrics.recordConnect(b3, null);
    metrics.recordConnect(2_000_000, "connection_refused");
    metrics.recordConnect(3_000_000, "connection_refused");
    metrics.recordAcceptQueueWait(4_000_000);
    for (long count : new long[] {0, 0, 0, 1, 3}) {
      metrics.recordSynRetransmits(count);
    }

    try (PrometheusEndpoint endpoint =
            PrometheusEndpoint.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                registry::scrape,
                5_000);
        PrometheusServer prometheus = PrometheusServer.start(target(endpoint))) {
      assertThat(prometheus.awaitSingleValue("up{job=\"synscope\"}", 1, AWAIT))
          .containsExactly(1.0);

      String success = "{outcome=\"success\",error_type=\"none\"}";
      assertThat(prometheus.query("tcp_connect_duration_seconds_count" + success))
          .containsExactly(3.0);
      assertThat(single(prometheus, "tcp_connect_duration_seconds_sum" + success))
          .isCloseTo((b1 + b2 + b3) / SECONDS, within(1e-12));
      assertThat(single(prometheus, "tcp_connect_duration_seconds_max" + success))
          .isCloseTo(b3 / SECONDS, within(1e-12));
      assertThat(single(prometheus, quantile(1.0, success))).isCloseTo(b3 / SECONDS, within(1e-12));
      // Rank 1.5 of 3 falls in the second value's bucket, whose one observation Prometheus
      // spreads evenly from the bucket's lower bound to its upper: halfway.
      assertThat(single(prometheus, quantile(0.5, success)))
          .isCloseTo((belowB2 + b2) / 2.0 / SECONDS, within(1e-12));
      assertThat(
              prometheus.query(
                  "tcp_connect_duration_seconds_count"
                      + "{outcome=\"failure\",error_type=\"connection_refused\"}"))
          .containsExactly(2.0);
      assertThat(prometheus.query("tcp_accept_queue_wait_seconds_count")).containsExactly(1.0);
      assertThat(prometheus.query("tcp_accept_queue_wait_seconds_sum")).containsExactly(0.004);
      assertThat(prometheus.query("tcp_syn_retransmits_count")).containsExactly(5.0);
      assertThat(prometheus.query("tcp_syn_retransmits_sum")).containsExactly(4.0);
      assertThat(prometheus.query("tcp_syn_retransmits_bucket{le=\"0.5\"}")).containsExactly(3.0);
      assertThat(prometheus.query("tcp_syn_retransmits_bucket{le=\"+Inf\"}"))
          .containsExactly(5.0);
    } finally {
      metrics.close();
    }
  }

  @Test
  void theAgentsEndpointIsScrapedOnLoopbackAndScrapesAreNotTraced() throws Exception {
    int port = PrometheusServer.freePort();
    int connections = 4;
    try (OtlpReceiver traces = OtlpReceiver.start();
        ForkedJvm app =
            ForkedJvm.builder(LoopbackConnectApp.class)
                .withAgent()
                .systemProperty("synscope.prometheus.port", String.valueOf(port))
                .systemProperty(
                    "otel.exporter.otlp.traces.endpoint",
                    traces.endpoint() + OtlpReceiver.TRACES_PATH)
                .systemProperty("otel.java.exporter.otlp.retry.disabled", "true")
                .timeout(Duration.ofSeconds(90))
                .start()) {
      // Every export of spans is refused, so each span counts in synscope.dropped.spans.
      traces.failWith(400);
      app.awaitOutputLine(line -> line.startsWith("READY"), TIMEOUT);
      app.awaitErrorLine(
          line ->
              line.equals(
                  "[synscope] metrics for Prometheus at http://127.0.0.1:" + port + "/metrics"),
          TIMEOUT);
      assertThat(listeningAddresses(port)).containsExactly("127.0.0.1:" + port);
      for (InetAddress other : otherLocalAddresses()) {
        assertThatThrownBy(() -> connect(other, port))
            .as("endpoint reachable on " + other)
            .isInstanceOf(ConnectException.class);
      }

      try (PrometheusServer prometheus = PrometheusServer.start("127.0.0.1:" + port)) {
        app.sendLine("CONNECT " + connections);
        app.awaitOutputLine(line -> line.equals("CONNECTED " + connections), TIMEOUT);

        // Two spans per connection: its connect and its accept.
        String lost = "synscope_dropped_spans_total{reason=\"export_failed\"}";
        assertThat(prometheus.awaitSingleValue(lost, 2 * connections, AWAIT))
            .containsExactly(2.0 * connections);
        assertThat(prometheus.query("synscope_dropped_spans_total{reason=\"queue_full\"}"))
            .containsExactly(0.0);
        // Each scrape is a connection accepted in the app; were it traced, its span would be
        // lost too and the count would grow with every scrape.
        long scrapes = prometheus.scrapes();
        prometheus.awaitScrapes(scrapes, 5, AWAIT);
        assertThat(prometheus.query(lost)).containsExactly(2.0 * connections);
        assertThat(prometheus.query("up{job=\"synscope\"}")).containsExactly(1.0);
        // The tracer records each connect and accept of the app (and no scrape) in the timers;
        // the listener poller gives the app's listener its gauges (LoopbackConnectApp binds
        // with a backlog of 50).
        assertThat(
                prometheus.query(
                    "tcp_connect_duration_seconds_count"
                        + "{outcome=\"success\",error_type=\"none\"}"))
            .containsExactly((double) connections);
        assertThat(prometheus.query("sum(tcp_connect_duration_seconds_count)"))
            .containsExactly((double) connections);
        assertThat(prometheus.query("tcp_accept_queue_wait_seconds_count"))
            .containsExactly((double) connections);
        assertThat(prometheus.query("tcp_syn_retransmits_count"))
            .containsExactly((double) connections);
        assertThat(prometheus.query("tcp_syn_retransmits_sum")).containsExactly(0.0);
        int appPort = readyPort(app);
        assertThat(
                prometheus.awaitSingleValue(
                    "tcp_listen_queue_limit_connections{port=\"" + appPort + "\"}", 50, AWAIT))
            .containsExactly(50.0);
        assertThat(prometheus.query("tcp_listen_queue_depth_connections{port=\"" + appPort + "\"}"))
            .containsExactly(0.0);
        // The connect timer's percentile histogram is exposed whole: 110 bounds and +Inf.
        assertThat(
                prometheus.query(
                    "count(tcp_connect_duration_seconds_bucket"
                        + "{outcome=\"success\",error_type=\"none\"})"))
            .containsExactly(111.0);
      }
      app.closeStdin();
      app.awaitSuccess();
    }
  }

  private static int readyPort(ForkedJvm app) {
    String ready = app.awaitOutputLine(line -> line.startsWith("READY port="), TIMEOUT);
    return Integer.parseInt(ready.substring("READY port=".length()).trim());
  }

  private static String target(PrometheusEndpoint endpoint) {
    return "127.0.0.1:" + endpoint.address().getPort();
  }

  private static double single(PrometheusServer prometheus, String promql) {
    List<Double> values = prometheus.query(promql);
    assertThat(values).as(promql).hasSize(1);
    return values.get(0);
  }

  private static String quantile(double q, String selector) {
    return "histogram_quantile(" + q + ", tcp_connect_duration_seconds_bucket" + selector + ")";
  }

  /** Local addresses of listening TCP sockets on the port, as {@code ss -ltnH} shows them. */
  private static List<String> listeningAddresses(int port) throws Exception {
    Process ss =
        new ProcessBuilder("ss", "-ltnH", "sport = :" + port).redirectErrorStream(true).start();
    String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(ss.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(ss.exitValue()).as(out).isZero();
    return out.lines().map(l -> l.trim().split("\\s+")[3]).toList();
  }

  /** This machine's IPv4 addresses outside loopback, on interfaces that are up. */
  private static List<InetAddress> otherLocalAddresses() throws SocketException {
    return Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
        .filter(PrometheusScrapeIT::isUp)
        .flatMap(NetworkInterface::inetAddresses)
        .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
        .toList();
  }

  private static boolean isUp(NetworkInterface nic) {
    try {
      return nic.isUp();
    } catch (SocketException e) {
      return false;
    }
  }

  private static void connect(InetAddress address, int port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, port), 2_000);
    }
  }
}
