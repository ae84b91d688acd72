package io.synscope.agent.trace;

import java.time.Instant;

/**
 * Turns {@link System#nanoTime()} readings, which the advice takes, into epoch nanoseconds for
 * span timestamps, so that a span's duration is exactly the monotonic time measured around the
 * JDK call.
 */
final class NanoClock {
  private final long epochNanosAtAnchor;
  private final long nanoTimeAtAnchor;

  NanoClock() {
    Instant now = Instant.now();
    this.nanoTimeAtAnchor = System.nanoTime();
    this.epochNanosAtAnchor = now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  long epochNanos(long nanoTime) {
    return epochNanosAtAnchor + (nanoTime - nanoTimeAtAnchor);
  }
}
