package io.synscope.agent.listen;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Tracer;
import io.synscope.agent.config.AgentConfig;

/**
 * Reads this process's listening sockets and the stack counters every {@code
 * synscope.listen.interval}, and reports accept-queue overflows. Not yet implemented.
 */
public final class ListenerPoller implements AutoCloseable {
  private ListenerPoller() {}

  public static ListenerPoller start(AgentConfig config, Tracer tracer, MeterRegistry registry) {
    return new ListenerPoller();
  }

  @Override
  public void close() {}
}
