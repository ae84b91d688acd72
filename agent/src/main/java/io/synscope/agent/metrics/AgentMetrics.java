package io.synscope.agent.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.synscope.agent.config.AgentConfig;
import io.synscope.agent.export.AgentTelemetry;

/**
 * The agent's meter registry and where it sends metrics (OTLP through the agent's OpenTelemetry
 * SDK, a Prometheus endpoint). Not yet implemented: a registry that goes nowhere.
 */
public final class AgentMetrics implements AutoCloseable {
  private final MeterRegistry registry = new CompositeMeterRegistry();
  private final TcpMetrics tcp = new TcpMetrics();

  private AgentMetrics() {}

  public static AgentMetrics start(AgentConfig config, AgentTelemetry telemetry) {
    return new AgentMetrics();
  }

  public MeterRegistry registry() {
    return registry;
  }

  public TcpMetrics tcp() {
    return tcp;
  }

  @Override
  public void close() {
    registry.close();
  }
}
