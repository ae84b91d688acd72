package io.synscope.agent.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class NanoClockTest {
  private static final long START_EPOCH = 1_800_000_000_000_000_000L;

  /** Clocks the test moves by hand; each monotonic reading advances by {@code tick}. */
  private static final class Clocks {
    final AtomicLong wall = new AtomicLong(START_EPOCH);
    final AtomicLong monotonic = new AtomicLong(5_000);
    volatile long tick = 100;

    long readMonotonic() {
      return monotonic.getAndAdd(tick);
    }

    NanoClock clock() {
      return new NanoClock(wall::get, this::readMonotonic);
    }
  }

  @Test
  void agreesWithTheWallClock() {
    NanoClock clock = NanoClock.system();
    for (int i = 0; i < 5; i++) {
      long before = epochNanos(Instant.now());
      long converted = clock.nowEpochNanos();
      long after = epochNanos(Instant.now());
      // The anchor is off by at most half its bracket, 10 µs once tight; 100 µs leaves room for a
      // machine so busy that every try was interrupted, and is still ten times tighter than the
      // tolerance the end-to-end tests give the agent's spans.
      assertThat(converted).isBetween(before - 100_000, after + 100_000);
    }
  }

  @Test
  void anchorsAtTheMiddleOfTheTightestBracket() {
    Clocks c = new Clocks();
    c.tick = 30_000; // every bracket 30 µs wide: above "tight enough", so all tries are made
    NanoClock clock = c.clock();
    // The first bracket read monotonic 5,000 and 35,000: the wall reading belongs to 20,000.
    assertThat(clock.epochNanos(20_000)).isEqualTo(START_EPOCH);
    assertThat(clock.epochNanos(1_020_000)).isEqualTo(START_EPOCH + 1_000_000);
  }

  @Test
  void keepsTheAnchorWhenTheClocksStillAgree() {
    Clocks c = new Clocks();
    NanoClock clock = c.clock();
    long anchorMonotonic = 5_050;
    long later = anchorMonotonic + NanoClock.RECHECK_NANOS + 1;
    // The wall clock advanced with the monotonic one, but for half a millisecond: within a step.
    c.monotonic.set(later);
    c.wall.set(START_EPOCH + (later - anchorMonotonic) + NanoClock.STEP_NANOS / 2);
    clock.recheck();
    assertThat(clock.epochNanos(later)).isEqualTo(START_EPOCH + (later - anchorMonotonic));
  }

  @Test
  void followsAStepOfTheWallClock() {
    Clocks c = new Clocks();
    NanoClock clock = c.clock();
    long anchorMonotonic = 5_050;
    long later = anchorMonotonic + NanoClock.RECHECK_NANOS + 1;
    long step = -250_000_000L; // set back by a quarter of a second
    c.monotonic.set(later);
    c.wall.set(START_EPOCH + (later - anchorMonotonic) + step);
    clock.recheck();
    // The recheck's bracket read later and later + 100: its wall reading belongs to later + 50.
    long converted = clock.epochNanos(later + 50);
    assertThat(converted).isEqualTo(START_EPOCH + (later - anchorMonotonic) + step);
    // Until the next recheck, no further reading of the wall clock.
    c.wall.set(0);
    assertThat(clock.epochNanos(later + 1_050)).isEqualTo(converted + 1_000);
  }

  private static long epochNanos(Instant i) {
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }
}
