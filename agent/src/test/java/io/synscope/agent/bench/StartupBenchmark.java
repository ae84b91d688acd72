package io.synscope.agent.bench;

import static io.synscope.agent.bench.Medians.max;
import static io.synscope.agent.bench.Medians.median;
import static io.synscope.agent.bench.Medians.min;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The agent's JVM start-up benchmark: starts {@link HelloApp} (prints a greeting and exits) in JVMs
 * of its own, without the agent, with the agent exporting spans over OTLP/HTTP (the default
 * exporter, to a receiver in this JVM, {@link OtlpSink}), and with the agent exporting nothing
 * ({@code otel.traces.exporter=none}), in rounds whose order rotates. Each round measures the wall
 * time from launching the JVM to its exit for each variant; then the same for the application
 * making one connection before it exits, which under the agent waits for the agent's start; and
 * then, in runs of their own, the heap used at the end of main, after that connection and a full
 * collection. Per round: the time and the heap the agent added; then their medians against the
 * targets.
 *
 * <p>Run with {@code mvn -B -pl agent -am -Pbenchmark-startup verify}. Settings (system properties,
 * passed through Maven with {@code -D}): {@code bench.rounds} (10), {@code bench.warmupRounds} (1,
 * not counted: the first JVMs after a build read the agent jar from disk). The forked JVMs get no
 * options but the agent's: the JDK's default heap and collector, as a user starting an application
 * has them.
 *
 * <p>Exits 0 whether or not the targets are met, and 1 when something broke.
 */
public final class StartupBenchmark {
  private static final double TARGET_ADDED_MILLIS = 300;
  private static final double TARGET_ADDED_HEAP_MIB = 16;
  private static final long RUN_TIMEOUT_SECONDS = 60;
  private static final double MIB = 1024.0 * 1024.0;

  private final int rounds = Integer.getInteger("bench.rounds", 10);
  private final int warmupRounds = Integer.getInteger("bench.warmupRounds", 1);
  private Path agentJar;

  /**
   * What a variant measured in one round: the wall times of the hello-world and of the application
   * that makes one connection, and the heap run's figures.
   */
  private record Measurement(long wallNanos, long connectNanos, ResultLine heap) {
    double wallMillis() {
      return wallNanos / 1e6;
    }

    double connectMillis() {
      return connectNanos / 1e6;
    }

    double mib(String field) throws IOException {
      return heap.number(field) / MIB;
    }
  }

  /** A way of starting the application: a name, and the agent's arguments (null: no agent). */
  private record Variant(String name, String agentArgs) {}

  private StartupBenchmark() {}

  public static void main(String[] args) {
    BenchmarkMain.run(() -> new StartupBenchmark().run());
  }

  private void run() throws Exception {
    agentJar = BenchmarkMain.agentJar();
    if (rounds < 1 || warmupRounds < 0) {
      throw new IllegalArgumentException(
          "bench.rounds must be at least 1 and bench.warmupRounds at least 0, were "
              + rounds
              + ", "
              + warmupRounds);
    }
    Machine.printMachine();
    Machine.printLoad("before");
    System.out.printf(
        Locale.ROOT,
        "Each round: the hello-world application started once per variant for its wall time"
            + " (launch to exit), once more making one connection before it exits, and once more"
            + " for its heap; %d rounds after %d not counted, the order rotating%n%n",
        rounds,
        warmupRounds);

    List<Measurement[]> measured = new ArrayList<>();
    List<Variant> variants;
    try (OtlpSink sink = OtlpSink.start()) {
      variants =
          List.of(
              new Variant("without agent", null),
              new Variant("agent, OTLP export", "otel.exporter.otlp.endpoint=" + sink.endpoint()),
              new Variant("agent, no export", "otel.traces.exporter=none"));
      for (int round = 0; round < warmupRounds + rounds; round++) {
        Measurement[] m = measureRound(round, variants);
        if (round >= warmupRounds) {
          measured.add(m);
        }
      }
    }
    printRounds(variants, measured);
    System.out.println();
    Machine.printLoad("after");
    printTargets(variants, measured);
  }

  /** One round: the variants in an order that rotates from round to round. */
  private Measurement[] measureRound(int round, List<Variant> variants)
      throws IOException, InterruptedException {
    int n = variants.size();
    long[] wall = new long[n];
    long[] connect = new long[n];
    ResultLine[] heap = new ResultLine[n];
    for (int k = 0; k < n; k++) {
      int v = (round + k) % n;
      wall[v] = start(round, variants.get(v), null).wallNanos();
    }
    for (int k = 0; k < n; k++) {
      int v = (round + k) % n;
      connect[v] = start(round, variants.get(v), "connect").wallNanos();
    }
    for (int k = 0; k < n; k++) {
      int v = (round + k) % n;
      heap[v] = start(round, variants.get(v), "heap").result();
    }
    Measurement[] m = new Measurement[n];
    for (int v = 0; v < n; v++) {
      m[v] = new Measurement(wall[v], connect[v], heap[v]);
    }
    return m;
  }

  private ForkedApp.Outcome start(int round, Variant variant, String mode)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ForkedApp.java());
    if (variant.agentArgs() != null) {
      command.add(ForkedApp.agentOption(agentJar, variant.agentArgs()));
    }
    command.add("-cp");
    command.add(ForkedApp.classPath());
    command.add(HelloApp.class.getName());
    if (mode != null) {
      command.add(mode);
    }
    String label =
        "round " + (round + 1) + " (" + variant.name() + (mode == null ? "" : ", " + mode) + ")";
    ForkedApp.Outcome outcome = ForkedApp.run(label, command, RUN_TIMEOUT_SECONDS);
    if (!outcome.output().contains(HelloApp.GREETING)) {
      throw new IOException(label + " did not greet:\n" + String.join("\n", outcome.output()));
    }
    outcome.printNews(List.of(HelloApp.GREETING));
    return outcome;
  }

  private static void printRounds(List<Variant> variants, List<Measurement[]> rounds)
      throws IOException {
    System.out.println(
        "round  variant              wall ms  added ms  1 conn ms  added ms  to main ms  heap MiB"
            + "  added  before GC  committed  classes  threads  non-heap MiB");
    for (int r = 0; r < rounds.size(); r++) {
      Measurement[] m = rounds.get(r);
      for (int v = 0; v < variants.size(); v++) {
        System.out.printf(
            Locale.ROOT,
            "%5d  %-18s  %7.0f  %8s  %9.0f  %8s  %10d  %8.2f  %5s  %9.2f  %9.2f  %7d  %7d"
                + "  %12.2f%n",
            r + 1,
            variants.get(v).name(),
            m[v].wallMillis(),
            v == 0 ? "" : String.format(Locale.ROOT, "%.0f", m[v].wallMillis() - m[0].wallMillis()),
            m[v].connectMillis(),
            v == 0
                ? ""
                : String.format(Locale.ROOT, "%.0f", m[v].connectMillis() - m[0].connectMillis()),
            m[v].heap().number("startToMainMillis"),
            m[v].mib("heapUsed"),
            v == 0
                ? ""
                : String.format(Locale.ROOT, "%.2f", m[v].mib("heapUsed") - m[0].mib("heapUsed")),
            m[v].mib("heapUsedBeforeGc"),
            m[v].mib("heapCommitted"),
            m[v].heap().number("classesLoaded"),
            m[v].heap().number("threads"),
            m[v].mib("nonHeapUsed"));
      }
    }
  }

  private static void printTargets(List<Variant> variants, List<Measurement[]> rounds)
      throws IOException {
    double[] baseWall = new double[rounds.size()];
    double[] baseHeap = new double[rounds.size()];
    double[] baseToMain = new double[rounds.size()];
    for (int r = 0; r < rounds.size(); r++) {
      baseWall[r] = rounds.get(r)[0].wallMillis();
      baseHeap[r] = rounds.get(r)[0].mib("heapUsed");
      baseToMain[r] = rounds.get(r)[0].heap().number("startToMainMillis");
    }
    System.out.printf(
        Locale.ROOT,
        "Without the agent (medians of %d rounds): %.0f ms from launch to exit (%.0f .. %.0f),"
            + " %.0f ms from the JVM's start to main, %.2f MiB of heap used at the end of main%n",
        rounds.size(),
        median(baseWall),
        min(baseWall),
        max(baseWall),
        median(baseToMain),
        median(baseHeap));
    System.out.println("Targets (medians of the rounds' differences with - without):");
    for (int v = 1; v < variants.size(); v++) {
      double[] wall = new double[rounds.size()];
      double[] connect = new double[rounds.size()];
      double[] toMain = new double[rounds.size()];
      double[] heap = new double[rounds.size()];
      double[] beforeGc = new double[rounds.size()];
      for (int r = 0; r < rounds.size(); r++) {
        Measurement[] m = rounds.get(r);
        wall[r] = m[v].wallMillis() - m[0].wallMillis();
        connect[r] = m[v].connectMillis() - m[0].connectMillis();
        toMain[r] =
            m[v].heap().number("startToMainMillis")
                - (double) m[0].heap().number("startToMainMillis");
        heap[r] = m[v].mib("heapUsed") - m[0].mib("heapUsed");
        beforeGc[r] = m[v].mib("heapUsedBeforeGc") - m[0].mib("heapUsedBeforeGc");
      }
      String name = variants.get(v).name();
      System.out.printf(
          Locale.ROOT,
          "  %s %s: start-up (launch to exit) %.0f ms slower (rounds %.0f .. %.0f; %.0f ms of it"
              + " before main), target <= %.0f%n",
          median(wall) <= TARGET_ADDED_MILLIS ? "PASS" : "FAIL",
          name,
          median(wall),
          min(wall),
          max(wall),
          median(toMain),
          TARGET_ADDED_MILLIS);
      System.out.printf(
          Locale.ROOT,
          "  (%s: an application that makes one connection at once and exits, %.0f ms slower"
              + " (rounds %.0f .. %.0f): the agent's start, which that connection waits for)%n",
          name,
          median(connect),
          min(connect),
          max(connect));
      System.out.printf(
          Locale.ROOT,
          "  %s %s: heap used at the end of main, after a connection and a full collection,"
              + " %.2f MiB more"
              + " (rounds %.2f .. %.2f; before the collection %.2f MiB more), target <= %.0f%n",
          median(heap) <= TARGET_ADDED_HEAP_MIB ? "PASS" : "FAIL",
          name,
          median(heap),
          min(heap),
          max(heap),
          median(beforeGc),
          TARGET_ADDED_HEAP_MIB);
    }
  }
}
