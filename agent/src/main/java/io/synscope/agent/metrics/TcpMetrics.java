package io.synscope.agent.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The per-connection meters that the tracer records into: connect duration, accept-queue wait,
 * SYN retransmits, and what a connection leaves behind when it closes.
 *
 * <p>Not yet implemented: the recording methods are no-ops until the metrics land.
 */
public final class TcpMetrics implements MeterBinder, AutoCloseable {

  @Override
  public void bindTo(MeterRegistry registry) {}

  /** A connect finished; {@code errorType} is null on success. */
  public void recordConnect(long durationNanos, String errorType) {}

  /** An accepted connection waited this long in the accept queue. */
  public void recordAcceptQueueWait(long nanos) {}

  /** SYNs a client retransmitted during one connect. */
  public void recordSynRetransmits(long count) {}

  /** A traced connection closed. */
  public void recordClosed(ConnectionSummary summary) {}

  @Override
  public void close() {}
}
