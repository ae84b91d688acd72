package io.synscope.agent.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A benchmark application run in a JVM of its own, with or without the agent, and what it printed.
 * The application's class path holds only the benchmark's own classes: nothing of the agent or its
 * libraries, as in a real deployment.
 */
final class ForkedApp {
  /** The agent's report of lost spans (export/ExportHealth), one line per interval with losses. */
  private static final Pattern LOST_SPANS =
      Pattern.compile("spans lost in the last \\d+ s: (\\d+) dropped .*?, (\\d+) not accepted");

  /** The agent's report of spans its flush at exit left behind (export/ExportHealth). */
  private static final Pattern LOST_AT_EXIT =
      Pattern.compile("spans lost at exit: (\\d+) not exported");

  private ForkedApp() {}

  /** The java launcher of the JVM running the benchmark: the forked JVMs are the same JDK. */
  static String java() {
    return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * The heap of every benchmark application: fixed, with the JDK's default collector, as a service
   * usually runs, and touched once at start. A service that has run for a while has touched its
   * whole heap; a run of a few seconds would otherwise still be touching new pages of it, each a
   * page fault in the kernel, so that every byte allocated cost system time that a service does not
   * pay (about one fault per 4 KiB; the agent allocates about 1.5 KiB per connection).
   */
  static List<String> heapOptions() {
    return List.of("-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch");
  }

  /** Where the benchmark applications' classes are: the class path of a forked JVM. */
  static String classPath() throws IOException {
    try {
      return Paths.get(ForkedApp.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (URISyntaxException e) {
      throw new IOException("cannot locate the benchmark applications' classes", e);
    }
  }

  /** The {@code -javaagent} option for {@code agentJar} with an agent argument string. */
  static String agentOption(Path agentJar, String agentArgs) {
    return "-javaagent:" + agentJar.toAbsolutePath() + (agentArgs.isEmpty() ? "" : "=" + agentArgs);
  }

  /**
   * Runs {@code command} to its end (standard error merged into standard output), at most {@code
   * timeoutSeconds}; an exit status other than 0 is an error that carries the whole output.
   */
  static Outcome run(String label, List<String> command, long timeoutSeconds)
      throws IOException, InterruptedException {
    long start = System.nanoTime();
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    List<String> output = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        output.add(line);
      }
    }
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(label + " did not end within " + timeoutSeconds + " s");
    }
    long wallNanos = System.nanoTime() - start;
    if (p.exitValue() != 0) {
      throw new IOException(
          label + " failed, exit " + p.exitValue() + ":\n" + String.join("\n", output));
    }
    return new Outcome(label, output, wallNanos);
  }

  /**
   * What a forked application printed, and the wall time from its launch to its exit (its output
   * read to the end).
   */
  record Outcome(String label, List<String> output, long wallNanos) {

    /** The application's {@code RESULT} line; its absence is an error. */
    ResultLine result() throws IOException {
      String found = null;
      for (String line : output) {
        if (ResultLine.isResult(line)) {
          found = line;
        }
      }
      if (found == null) {
        throw new IOException(label + " printed no RESULT line:\n" + String.join("\n", output));
      }
      return ResultLine.parse(found);
    }

    /** Spans the agent said it dropped because its export queue was full. */
    long droppedSpans() {
      return lostSpans(1);
    }

    /** Spans the agent said the exporter's endpoint did not accept. */
    long failedSpans() {
      return lostSpans(2);
    }

    /** Spans the agent said were still queued or in an export when its flush at exit gave up. */
    long leftAtExitSpans() {
      return sum(LOST_AT_EXIT, 1);
    }

    private long lostSpans(int group) {
      return sum(LOST_SPANS, group);
    }

    private long sum(Pattern pattern, int group) {
      long n = 0;
      for (String line : output) {
        Matcher m = pattern.matcher(line);
        if (m.find()) {
          n += Long.parseLong(m.group(group));
        }
      }
      return n;
    }

    /** Prints, prefixed with the label, every line that is neither a result nor expected. */
    void printNews(List<String> expected) {
      for (String line : output) {
        if (!ResultLine.isResult(line) && !expected.contains(line) && isWorthSaying(line)) {
          System.out.println("  " + label + ": " + line);
        }
      }
    }

    /**
     * The agent's start-up lines and the JDK's class-sharing note are expected; the rest is news.
     */
    private static boolean isWorthSaying(String line) {
      return !line.startsWith("[synscope] listener poller:")
          && !line.startsWith("[synscope] agent ")
          && !line.contains("Sharing is only supported for boot loader classes")
          && !line.startsWith("Started recording")
          && !line.startsWith("Use jcmd");
    }
  }
}
