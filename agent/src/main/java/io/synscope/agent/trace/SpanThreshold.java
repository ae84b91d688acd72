package io.synscope.agent.trace;

import java.time.Duration;

/**
 * Which connections get a {@code tcp.connect} or {@code tcp.accept} span ({@code
 * synscope.trace.min.duration}): those whose connect took, or whose wait in the accept queue
 * lasted, at least the minimum, and, whatever their duration, every one that failed or whose
 * handshake the kernel had to send again. On a busy service that is what an on-call engineer looks
 * for, at a fraction of the spans; the meters count every connection all the same.
 */
public final class SpanThreshold {
  /** No minimum: a span for every connection. */
  public static final SpanThreshold EVERY = new SpanThreshold(0);

  private final long minNanos;

  private SpanThreshold(long minNanos) {
    this.minNanos = minNanos;
  }

  /** {@link #EVERY} for a zero or negative minimum. */
  public static SpanThreshold of(Duration min) {
    return min.isZero() || min.isNegative() ? EVERY : new SpanThreshold(min.toNanos());
  }

  /**
   * @param nanos the connect's duration, or the accepted connection's wait in the queue
   * @param failed whether the connect failed
   * @param retransmits the handshake's packets the kernel sent again (the client's SYNs, the
   *     server's SYN-ACKs), -1 when unknown
   */
  boolean spans(long nanos, boolean failed, long retransmits) {
    return nanos >= minNanos || failed || retransmits > 0;
  }

  /** The minimum, for the start line: {@code 200 ms}; empty when every connection gets a span. */
  public String describe() {
    if (minNanos == 0) {
      return "";
    }
    Duration d = Duration.ofNanos(minNanos);
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }
}
