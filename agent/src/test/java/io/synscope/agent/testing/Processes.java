package io.synscope.agent.testing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Ending a process the tests started: this one only, by its own handle. */
final class Processes {
  private Processes() {}

  /**
   * Asks the process to stop (so that its shutdown hooks run), waits up to {@code grace}, then
   * forces it and waits as long again.
   */
  static void stop(Process process, Duration grace) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
