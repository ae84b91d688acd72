package io.synscope.examples;

import io.synscope.examples.spans.SpanLines;
import io.synscope.examples.spans.SpanRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An example's application: a JVM of its own, started with the synscope agent attached and this
 * jar as its classpath. Its span lines go to a consumer (a {@code SpanPrinter}); its other lines
 * are echoed with an {@code app:} prefix and kept; its standard error (the agent's log lines among
 * them) passes through.
 */
public final class AppProcess {
  private final Process process;
  private final List<String> lines = new ArrayList<>();
  private final List<String> errorLines = new ArrayList<>();
  private final Thread stdout;
  private final Thread stderr;

  private AppProcess(Process process, Consumer<SpanRecord> onSpan, PrintStream out) {
    this.process = process;
    this.stdout =
        pump(
            process.getInputStream(),
            line -> {
              if (line.startsWith(SpanLines.PREFIX)) {
                onSpan.accept(SpanLines.parse(line));
              } else {
                synchronized (lines) {
                  lines.add(line);
                }
                out.println("app:      " + line);
                out.flush();
              }
            });
    this.stderr =
        pump(
            process.getErrorStream(),
            line -> {
              System.err.println(line);
              synchronized (errorLines) {
                errorLines.add(line);
                errorLines.notifyAll();
              }
            });
  }

  /**
   * Starts {@code mainClass} with {@code -javaagent:AGENT=agentOptions} and the JVM options and
   * arguments given.
   */
  public static AppProcess start(
      Launch launch,
      String agentOptions,
      List<String> jvmOptions,
      Class<?> mainClass,
      List<String> args,
      Consumer<SpanRecord> onSpan)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(launch.java().toString());
    command.add("-javaagent:" + launch.agentJar() + "=" + agentOptions);
    command.addAll(jvmOptions);
    command.addAll(launch.passedProperties());
    command.add("-cp");
    command.add(launch.examplesJar().toString());
    command.add(mainClass.getName());
    command.addAll(args);
    return new AppProcess(new ProcessBuilder(command).start(), onSpan, launch.out());
  }

  private static Thread pump(InputStream stream, java.util.function.Consumer<String> onLine) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  onLine.accept(line);
                }
              } catch (IOException ended) {
                // the process is gone; what it printed has been handed on
              }
            },
            "example-app-output");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /**
   * Waits for the application to finish (its exit includes the agent's final flush of spans),
   * ending it after {@code timeout}; its exit status, or -1 when it had to be ended.
   */
  public int await(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroy();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      stdout.join(5_000);
      stderr.join(5_000);
      return -1;
    }
    stdout.join(5_000);
    stderr.join(5_000);
    return process.exitValue();
  }

  /**
   * Waits until the application has written a line to standard error that contains {@code text};
   * false when it has not within {@code timeout} or exited first.
   */
  public boolean awaitErrorLine(String text, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (errorLines) {
      while (errorLines.stream().noneMatch(l -> l.contains(text))) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !process.isAlive()) {
          return false;
        }
        errorLines.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
      }
      return true;
    }
  }

  /** Writes one line to the application's standard input. */
  public void sendLine(String line) throws IOException {
    var in = process.getOutputStream();
    in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  /** The application's output lines other than spans. */
  public List<String> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }
}
