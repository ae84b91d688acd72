package io.synscope.agent.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One output stream of a child process, read line by line on its own thread into memory and into
 * a log file that stays behind for debugging. Waiters are woken on every line and at end of
 * stream.
 */
final class ProcessOutput {
  private final List<String> lines = new ArrayList<>();
  private final Path logFile;
  private final Thread reader;
  private boolean ended;

  ProcessOutput(InputStream stream, Path logFile, String threadName) {
    this.logFile = logFile;
    this.reader = new Thread(() -> pump(stream), threadName);
    reader.setDaemon(true);
    reader.start();
  }

  private void pump(InputStream stream) {
    try (BufferedReader in =
            new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
        Writer log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        log.write(line);
        log.write('\n');
        log.flush();
        synchronized (this) {
          lines.add(line);
          notifyAll();
        }
      }
    } catch (IOException e) {
      // The stream closes when the process is killed; what was read so far is kept.
    } finally {
      synchronized (this) {
        ended = true;
        notifyAll();
      }
    }
  }

  Path logFile() {
    return logFile;
  }

  synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  synchronized String text() {
    return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
  }

  /**
   * The first line so far or until {@code deadlineNanos} that matches; empty when the stream ended
   * or the deadline passed without one.
   */
  synchronized Optional<String> awaitLine(Predicate<String> condition, long deadlineNanos)
      throws InterruptedException {
    int checked = 0;
    while (true) {
      for (; checked < lines.size(); checked++) {
        if (condition.test(lines.get(checked))) {
          return Optional.of(lines.get(checked));
        }
      }
      long remaining = deadlineNanos - System.nanoTime();
      if (ended || remaining <= 0) {
        return Optional.empty();
      }
      wait(Math.max(1, remaining / 1_000_000));
    }
  }

  synchronized boolean ended() {
    return ended;
  }

  /** Waits for the reader to reach end of stream, which follows the process's exit. */
  void awaitEnd(long timeoutMillis) {
    try {
      reader.join(timeoutMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new IOException("interrupted reading " + logFile, e));
    }
  }
}
