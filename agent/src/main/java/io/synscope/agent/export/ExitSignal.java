package io.synscope.agent.export;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Says that the JVM's exit has begun. From then on an export gets no more retries, and a retry's
 * wait ends at once: the flush at exit has a few seconds, and an endpoint that is down would
 * otherwise hold every exit of the application for all of them.
 */
final class ExitSignal {
  /** The signal of this JVM's exit, given by the agent's shutdown hook. */
  static final ExitSignal JVM = new ExitSignal();

  private final CountDownLatch begun = new CountDownLatch(1);

  void begin() {
    begun.countDown();
  }

  boolean begun() {
    return begun.getCount() == 0;
  }

  /** Waits {@code nanos}, or less if the exit begins meanwhile; true when it has begun. */
  boolean awaitBegun(long nanos) throws InterruptedException {
    return begun.await(nanos, TimeUnit.NANOSECONDS);
  }
}
