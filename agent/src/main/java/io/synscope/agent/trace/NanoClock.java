package io.synscope.agent.trace;

import io.synscope.agent.bootstrap.AgentThread;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Turns {@link System#nanoTime()} readings, which the advice takes, into epoch nanoseconds for
 * span timestamps, so that a span's duration is exactly the monotonic time measured around the
 * JDK call while its place in time agrees with the application's own spans, which read the wall
 * clock.
 *
 * <p>The pair of readings that ties the two clocks together (the anchor) is taken between two
 * monotonic readings, the tightest of a few tries kept: a thread descheduled between the wall
 * clock and the monotonic reading would otherwise shift every span by the time it was away, by
 * milliseconds on a busy machine. The wall clock can also be stepped while the process runs (NTP
 * stepping after boot, an operator's {@code date}), which the monotonic clock does not follow, so
 * the anchor is checked again every {@link #RECHECK_NANOS} and replaced when the two clocks have
 * moved apart by more than {@link #STEP_NANOS}. Smaller differences leave the anchor alone, so
 * that times converted apart (a connect span's end and the connection span that starts there)
 * stay exactly equal.
 *
 * <p>The check runs on an agent thread of its own, not on a thread that converts a time: a branch
 * on the application's hot path that is first taken after ten seconds would make the JIT throw
 * away and compile again every method it is inlined into, the span makers among them.
 */
public final class NanoClock {
  static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(10);
  static final long STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private static final int ANCHOR_TRIES = 5;
  private static final long TIGHT_ENOUGH_NANOS = TimeUnit.MICROSECONDS.toNanos(20);

  private static final NanoClock SYSTEM = startRechecking(new NanoClock());

  private final LongSupplier wallEpochNanos;
  private final LongSupplier monotonicNanos;
  private volatile Anchor anchor;

  private NanoClock() {
    this(NanoClock::wallClockNow, System::nanoTime);
  }

  NanoClock(LongSupplier wallEpochNanos, LongSupplier monotonicNanos) {
    this.wallEpochNanos = wallEpochNanos;
    this.monotonicNanos = monotonicNanos;
    this.anchor = measure();
  }

  /** The clock of {@link System#nanoTime()} and the system's wall clock, checked every 10 s. */
  public static NanoClock system() {
    return SYSTEM;
  }

  private static NanoClock startRechecking(NanoClock clock) {
    new AgentThread(
            () -> {
              try {
                while (true) {
                  TimeUnit.NANOSECONDS.sleep(RECHECK_NANOS);
                  clock.recheck();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "synscope-clock")
        .start();
    return clock;
  }

  /** Epoch nanoseconds of a {@link System#nanoTime()} reading. */
  public long epochNanos(long nanoTime) {
    Anchor a = anchor;
    return a.epochNanos + (nanoTime - a.nanoTime);
  }

  /** Epoch nanoseconds now. */
  public long nowEpochNanos() {
    return epochNanos(monotonicNanos.getAsLong());
  }

  /** Takes a new anchor if the wall clock has been stepped since the last one. */
  void recheck() {
    Anchor old = anchor;
    Anchor fresh = measure();
    long predicted = old.epochNanos + (fresh.nanoTime - old.nanoTime);
    if (Math.abs(fresh.epochNanos - predicted) > STEP_NANOS) {
      anchor = fresh;
    }
  }

  private Anchor measure() {
    long bestSpread = Long.MAX_VALUE;
    long bestNanoTime = 0;
    long bestEpochNanos = 0;
    for (int i = 0; i < ANCHOR_TRIES && bestSpread > TIGHT_ENOUGH_NANOS; i++) {
      long before = monotonicNanos.getAsLong();
      long wall = wallEpochNanos.getAsLong();
      long after = monotonicNanos.getAsLong();
      long spread = after - before;
      if (spread < bestSpread) {
        bestSpread = spread;
        bestNanoTime = before + spread / 2;
        bestEpochNanos = wall;
      }
    }
    return new Anchor(bestNanoTime, bestEpochNanos);
  }

  private static long wallClockNow() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  private record Anchor(long nanoTime, long epochNanos) {}
}
