package io.synscope.agent.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.instrumentation.micrometer.v1_5.OpenTelemetryMeterRegistry;
import io.synscope.agent.AgentLog;
import io.synscope.agent.Version;
import io.synscope.agent.config.AgentConfig;
import io.synscope.agent.config.AgentOption;
import io.synscope.agent.export.AgentTelemetry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The agent's meter registry and where it sends metrics. One composite registry holds every meter
 * the agent makes; it forwards to
 *
 * <ul>
 *   <li>the agent's OpenTelemetry SDK, when {@code otel.metrics.exporter} names an exporter: the
 *       meters leave with the same resource, endpoint and sender as the spans;
 *   <li>a Prometheus registry served at {@code http://<synscope.prometheus.host>:<port>/metrics},
 *       when {@code synscope.prometheus.port} is set.
 * </ul>
 *
 * With neither, meters record into nothing and cost next to nothing. Neither route runs threads of
 * its own besides the endpoint's, which is an agent thread: the SDK's periodic reader exports, and
 * Prometheus pulls.
 */
public final class AgentMetrics implements AutoCloseable {
  /** How often the lost-span totals behind {@value MetricNames#DROPPED_SPANS} are refreshed. */
  private static final long SPAN_LOSS_REFRESH_SECONDS = 1;

  private static final int SCRAPE_REQUEST_TIMEOUT_MILLIS = 10_000;

  private final CompositeMeterRegistry registry;
  private final TcpMetrics tcp;
  private final List<AutoCloseable> routes;
  private final boolean exported;

  private AgentMetrics(
      CompositeMeterRegistry registry,
      TcpMetrics tcp,
      List<AutoCloseable> routes,
      boolean exported) {
    this.registry = registry;
    this.tcp = tcp;
    this.routes = routes;
    this.exported = exported;
  }

  /**
   * Builds the registry, with the OTLP route when the configuration asks for it; the Prometheus
   * endpoint comes with {@link #servePrometheus}.
   */
  public static AgentMetrics start(AgentConfig config, AgentTelemetry telemetry) {
    CompositeMeterRegistry registry = new CompositeMeterRegistry();
    List<AutoCloseable> routes = new CopyOnWriteArrayList<>();
    if (telemetry.metricsExported()) {
      MeterRegistry otlp =
          OpenTelemetryMeterRegistry.builder(
                  new ScopedOpenTelemetry(telemetry.sdk(), AgentTelemetry.SCOPE, Version.get()))
              .setBaseTimeUnit(TimeUnit.SECONDS)
              .build();
      registry.add(otlp);
      routes.add(otlp::close);
    }
    TcpMetrics tcp = new TcpMetrics();
    tcp.bindTo(registry);
    new SpanLossMetrics(telemetry.health()).bindTo(registry);
    boolean exported =
        telemetry.metricsExported() || config.getInt(AgentOption.PROMETHEUS_PORT) > 0;
    if (exported) {
      // Collecting the SDK's own metrics costs a millisecond or more of CPU each time; with
      // no route for the meter, the totals are read only for the lost-span report.
      telemetry.health().refreshEvery(SPAN_LOSS_REFRESH_SECONDS);
    }
    return new AgentMetrics(registry, tcp, routes, exported);
  }

  /**
   * Serves the meters for Prometheus at {@code http://<synscope.prometheus.host>:<port>/metrics}
   * when {@code synscope.prometheus.port} is set. An endpoint that cannot start (the port is taken,
   * the host is not an address of this machine) is reported in one line and left out; the other
   * route works and the application carries on.
   */
  public void servePrometheus(AgentConfig config) {
    int port = config.getInt(AgentOption.PROMETHEUS_PORT);
    if (port <= 0) {
      return;
    }
    String host = config.getText(AgentOption.PROMETHEUS_HOST);
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try {
      PrometheusEndpoint endpoint =
          PrometheusEndpoint.start(
              new InetSocketAddress(InetAddress.getByName(host), port),
              prometheus::scrape,
              SCRAPE_REQUEST_TIMEOUT_MILLIS);
      registry.add(prometheus);
      routes.add(endpoint);
      routes.add(prometheus::close);
      AgentLog.info("metrics for Prometheus at http://" + host + ":" + port + "/metrics");
    } catch (IOException | RuntimeException e) {
      prometheus.close();
      AgentLog.warn(
          "no Prometheus endpoint: cannot listen on "
              + AgentOption.PROMETHEUS_HOST.key()
              + "="
              + host
              + " "
              + AgentOption.PROMETHEUS_PORT.key()
              + "="
              + port
              + " ("
              + e
              + "); metrics by other routes are unaffected");
    }
  }

  /** Where the agent's meters go; others register theirs here too. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Whether the meters are to leave the process by some route (OTLP, Prometheus). */
  public boolean exported() {
    return exported;
  }

  /** The per-connection meters, for the tracer to record into. */
  public TcpMetrics tcp() {
    return tcp;
  }

  @Override
  public void close() {
    tcp.close();
    for (AutoCloseable route : routes) {
      try {
        route.close();
      } catch (Exception e) {
        AgentLog.debug("closing a metrics route: " + e);
      }
    }
    registry.close();
  }
}
