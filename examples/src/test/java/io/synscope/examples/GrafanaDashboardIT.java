package io.synscope.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.synscope.agent.testing.ForkedJvm;
import io.synscope.agent.testing.Json;
import io.synscope.agent.testing.PrometheusServer;
import io.synscope.agent.testing.apps.LoopbackConnectApp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every metric name in {@code examples/grafana/synscope-dashboard.json}'s PromQL is one the agent's
 * Prometheus endpoint actually serves: scraped from a forked app with the agent attached, a
 * listener of its own and a few connections made and accepted.
 */
class GrafanaDashboardIT {
  static final Path DASHBOARD = Path.of("grafana", "synscope-dashboard.json");
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_VALUES =
      Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)");
  /** PromQL words that are not metric names where they stand outside braces and brackets. */
  private static final Set<String> KEYWORDS =
      Set.of("by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
          "unless", "offset", "inf", "nan");

  @Test
  void everyMetricNameTheDashboardQueriesIsServedByTheAgent() throws Exception {
    Set<String> used = metricNames(Files.readString(DASHBOARD, StandardCharsets.UTF_8));
    // The extraction found the dashboard's subjects (and so works at all).
    assertThat(used)
        .contains(
            "tcp_listen_queue_depth_connections",
            "tcp_listen_queue_limit_connections",
            "tcp_stack_listen_overflows_packets_total",
            "tcp_connect_duration_seconds_bucket",
            "tcp_syn_retransmits_bucket",
            "tcp_accept_queue_wait_seconds_bucket")
        .doesNotContain("le", "job", "error_type", "reason", "rate", "sum", "histogram_quantile");

    int port = PrometheusServer.freePort();
    try (ForkedJvm app =
        ForkedJvm.builder(LoopbackConnectApp.class)
            .withAgent("otel.traces.exporter=none,synscope.listen.interval=250ms")
            .systemProperty("synscope.prometheus.port", Integer.toString(port))
            .timeout(TIMEOUT)
            .start()) {
      app.awaitOutputLine(l -> l.startsWith("READY"), TIMEOUT);
      app.sendLine("CONNECT 3");
      app.awaitOutputLine(l -> l.equals("CONNECTED 3"), TIMEOUT);
      Set<String> served =
          await("the listener's meters on the endpoint")
              .atMost(TIMEOUT)
              .until(
                  () -> servedNames(port),
                  names -> names.contains("tcp_listen_queue_limit_connections"));
      assertThat(served).as("names served at /metrics").containsAll(used);
      app.closeStdin();
      app.awaitSuccess();
    }
  }

  /** The metric names in every PromQL expression and variable query of a dashboard. */
  static Set<String> metricNames(String dashboardJson) {
    Set<String> names = new TreeSet<>();
    List<String> exprs = new ArrayList<>();
    List<String> definitions = new ArrayList<>();
    collect(Json.parse(dashboardJson), exprs, definitions);
    assertThat(exprs).as("expressions in the dashboard").isNotEmpty();
    for (String expr : exprs) {
      names.addAll(namesIn(expr));
    }
    for (String d : definitions) {
      Matcher m = LABEL_VALUES.matcher(d);
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  private static void collect(Object node, List<String> exprs, List<String> definitions) {
    if (node instanceof Map<?, ?> map) {
      map.forEach(
          (k, v) -> {
            if ("expr".equals(k) && v instanceof String s) {
              exprs.add(s);
            } else if ("definition".equals(k) && v instanceof String s) {
              definitions.add(s);
            } else {
              collect(v, exprs, definitions);
            }
          });
    } else if (node instanceof List<?> list) {
      list.forEach(v -> collect(v, exprs, definitions));
    }
  }

  /**
   * A PromQL expression's metric names: what is left of its identifiers once strings, label
   * matchers, ranges, grouping clauses, dashboard variables, function calls and keywords are gone.
   */
  static Set<String> namesIn(String expr) {
    String e =
        expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
            .replaceAll("\\{[^}]*}", " ")
            .replaceAll("\\[[^]]*]", " ")
            .replaceAll("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
            .replaceAll("\\$\\w+", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(e);
    while (m.find()) {
      String word = m.group();
      boolean call = e.substring(m.end()).matches("(?s)\\s*\\(.*");
      boolean number = m.start() > 0 && Character.isDigit(e.charAt(m.start() - 1));
      if (!call && !number && !KEYWORDS.contains(word.toLowerCase(java.util.Locale.ROOT))) {
        names.add(word);
      }
    }
    return names;
  }

  /** The metric names of the exposition at http://127.0.0.1:PORT/metrics. */
  private static Set<String> servedNames(int port) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    Set<String> names = new TreeSet<>();
    for (String line : r.body().lines().toList()) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = IDENTIFIER.matcher(line);
      assertThat(m.lookingAt()).as("an exposition line: %s", line).isTrue();
      names.add(m.group());
    }
    return names;
  }
}
