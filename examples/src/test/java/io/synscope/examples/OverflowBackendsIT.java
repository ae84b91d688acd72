package io.synscope.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.synscope.agent.testing.PrometheusServer;
import io.synscope.agent.testing.ZipkinServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The overflow example with real backends, as the README shows it: its spans sent to a real Zipkin
 * server as well ({@code -Dotel.traces.exporter=otlp,zipkin}) and read back through Zipkin's API,
 * and the agent's metrics endpoint ({@code -Dsynscope.prometheus.port}) scraped by a real
 * Prometheus during the same run and read back through its query API.
 */
class OverflowBackendsIT {
  private static final String SERVICE = "overflow-example";
  private static final Duration AWAIT = Duration.ofSeconds(30);

  @Test
  void zipkinHoldsTheSpansAndPrometheusTheListenersGauges() throws Exception {
    assumeTrue(
        PrometheusServer.binary().isPresent(),
        "no prometheus binary (Debian package prometheus; CI installs it)");
    int metricsPort = PrometheusServer.freePort();
    ExampleRun run;
    try (ZipkinServer zipkin = ZipkinServer.start();
        PrometheusServer prometheus = PrometheusServer.start("127.0.0.1:" + metricsPort)) {
      // Prometheus applies new targets a few seconds after it starts: the example's full queue
      // lasts two, so wait for its first attempt at the (not yet listening) endpoint.
      assertThat(prometheus.awaitSingleValue("up{job=\"" + PrometheusServer.JOB + "\"}", 0, AWAIT))
          .as("Prometheus scraping the endpoint, which is still down")
          .containsExactly(0.0);
      run =
          ExampleRun.of(
              Duration.ofSeconds(60),
              List.of(
                  "-Dotel.traces.exporter=otlp,zipkin",
                  "-Dotel.exporter.zipkin.endpoint=" + zipkin.spansEndpoint(),
                  "-Dsynscope.prometheus.port=" + metricsPort),
              "overflow");
      assertThat(run.exitCode()).as(run.describe()).isZero();
      OverflowExampleIT.Story story = OverflowExampleIT.checkStory(run, run.lines());

      checkZipkin(zipkin, story, run);
      checkPrometheus(prometheus, story, run);
    }
  }

  private static void checkZipkin(
      ZipkinServer zipkin, OverflowExampleIT.Story story, ExampleRun run) throws Exception {
    int expected = story.connects().size() + story.accepts().size() + story.overflows().size();
    List<Map<String, Object>> spans =
        await("every printed span in Zipkin")
            .atMost(AWAIT)
            .until(
                () -> zipkin.traces(SERVICE).stream().flatMap(List::stream).toList(),
                s -> s.size() >= expected);
    assertThat(spans).as(run.describe()).hasSize(expected);
    // Each is a trace of its own: the kernel's events have no parent in the application.
    assertThat(spans).allSatisfy(s -> assertThat(s).doesNotContainKey("parentId"));
    assertThat(spans.stream().map(s -> s.get("traceId")).distinct()).hasSize(expected);

    Map<Long, Map<String, Object>> connects = byPort(spans, "tcp.connect", "localEndpoint");
    for (Matcher c : story.connects()) {
      Map<String, Object> span = connects.get(Long.parseLong(c.group(3)));
      assertThat(span).as("Zipkin span of %s", c.group()).isNotNull();
      assertThat(span)
          .containsEntry("kind", "CLIENT")
          .containsEntry(
              "remoteEndpoint", Map.of("ipv4", "127.0.0.1", "port", Long.parseLong(c.group(4))));
      assertThat(tags(span))
          .containsEntry("tcp.syn_retransmits", c.group(5))
          .containsEntry("tcp.state", "ESTABLISHED")
          .containsEntry("tcp.api", "socket");
      assertMillis(span, c.group(2));
    }
    Map<Long, Map<String, Object>> accepts = byPort(spans, "tcp.accept", "remoteEndpoint");
    for (Matcher a : story.accepts()) {
      Map<String, Object> span = accepts.get(Long.parseLong(a.group(4)));
      assertThat(span).as("Zipkin span of %s", a.group()).isNotNull();
      assertThat(span)
          .containsEntry("kind", "SERVER")
          .containsEntry(
              "localEndpoint",
              Map.of("serviceName", SERVICE, "ipv4", "127.0.0.1", "port",
                  Long.parseLong(a.group(3))));
      assertThat(tags(span))
          .containsEntry("tcp.accept.queue_wait_ms", a.group(5))
          .containsEntry("tcp.listen.queue_depth", a.group(6))
          .containsEntry("tcp.listen.backlog", a.group(7))
          .containsEntry("tcp.syn_retransmits", a.group(8))
          .containsEntry("tcp.api", "server_socket");
      assertMillis(span, a.group(2));
    }
    List<Map<String, Object>> overflows =
        spans.stream().filter(s -> "tcp.listen.overflow".equals(s.get("name"))).toList();
    assertThat(overflows).hasSize(story.overflows().size());
    assertThat(overflows).allSatisfy(o -> assertThat(o).doesNotContainKey("kind"));
    List<String> printed =
        story.overflows().stream()
            .filter(o -> o.group(2) != null)
            .map(o -> o.group(2) + " " + o.group(3) + " " + o.group(4) + " " + o.group(5))
            .sorted()
            .toList();
    List<String> stored =
        overflows.stream()
            .map(OverflowBackendsIT::tags)
            .filter(t -> t.containsKey("network.local.port"))
            .map(
                t -> t.get("network.local.port") + " " + t.get("tcp.listen.queue_depth") + " "
                    + t.get("tcp.listen.backlog") + " " + t.get("tcp.listen.queue_full"))
            .sorted()
            .toList();
    assertThat(stored).isEqualTo(printed);
  }

  private static void checkPrometheus(
      PrometheusServer prometheus, OverflowExampleIT.Story story, ExampleRun run) {
    String listener = "{port=\"" + story.port() + "\",address=\"127.0.0.1\"}";
    assertThat(
            prometheus.query(
                "max_over_time(tcp_listen_queue_limit_connections" + listener + "[10m])"))
        .as("the backlog, as Prometheus scraped it\n%s", run.describe())
        .containsExactly((double) OverflowExampleIT.BACKLOG);
    // Full is one more than the backlog; the poller saw one more still at moments (handshakes
    // completing together), which a scrape may catch too.
    long peak =
        story.overflows().stream()
            .filter(o -> o.group(2) != null)
            .mapToLong(o -> Long.parseLong(o.group(3)))
            .max()
            .orElse(-1);
    List<Double> depth =
        prometheus.query(
            "max_over_time(tcp_listen_queue_depth_connections" + listener + "[10m])");
    assertThat(depth).as("the queue's depth, as Prometheus scraped it").hasSize(1);
    assertThat(depth.get(0))
        .as("the queue full at some scrape")
        .isBetween(OverflowExampleIT.BACKLOG + 1.0, (double) peak);
    List<Double> grew =
        prometheus.query(
            "max_over_time(tcp_stack_listen_overflows_packets_total[10m])"
                + " - min_over_time(tcp_stack_listen_overflows_packets_total[10m])");
    assertThat(grew).hasSize(1);
    assertThat(grew.get(0)).as("ListenOverflows grew while Prometheus scraped").isPositive();
  }

  private static Map<Long, Map<String, Object>> byPort(
      List<Map<String, Object>> spans, String name, String endpoint) {
    return spans.stream()
        .filter(s -> name.equals(s.get("name")))
        .collect(
            Collectors.toMap(
                s -> (Long) endpointOf(s, endpoint).get("port"), s -> s, (a, b) -> a));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> endpointOf(Map<String, Object> span, String key) {
    return (Map<String, Object>) span.get(key);
  }

  /** The printed duration (ms, 2 decimals) is Zipkin's (µs) rounded. */
  private static void assertMillis(Map<String, Object> span, String printed) {
    double zipkinMillis = ((Long) span.get("duration")) / 1000.0;
    assertThat(zipkinMillis).isBetween(Double.parseDouble(printed) - 0.006,
        Double.parseDouble(printed) + 0.006);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> tags(Map<String, Object> span) {
    return Optional.ofNullable((Map<String, String>) span.get("tags")).orElse(Map.of());
  }
}
