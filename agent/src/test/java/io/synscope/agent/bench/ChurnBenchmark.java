package io.synscope.agent.bench;

import static io.synscope.agent.bench.Medians.max;
import static io.synscope.agent.bench.Medians.median;
import static io.synscope.agent.bench.Medians.min;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The agent's connection-churn benchmark: runs {@link ChurnApp} in JVMs of its own, alternately
 * without and with the agent ({@code otel.traces.exporter=none}: spans made and enriched, not
 * exported), in pairs whose order alternates, and reports per pair the throughput ratio and the
 * CPU the agent added per connection, then their medians against the targets. A smaller second
 * part pairs runs without the agent with runs exporting the spans over OTLP/HTTP to a receiver in
 * this JVM ({@link OtlpSink}), as information.
 *
 * <p>Run with {@code mvn -B -pl agent -am -Pbenchmark -Dexec.skip verify}. Settings (system
 * properties, passed through Maven with {@code -D}): {@code bench.pairs} (7), {@code
 * bench.otlpPairs} (3, 0 for none), {@code bench.warmupMillis} (5000: long enough for the JIT to
 * have compiled the agent's paths) and {@code bench.measureMillis} (3000) per run, {@code
 * bench.maxConnections} (1000000 per run: more than fits the window at the speeds seen, a bound so
 * that a run can never churn without end), {@code bench.jfr} (a directory: record each run with
 * the agent there with JFR's profiling settings), {@code bench.agentOptions} (more agent options
 * for the runs whose spans are not exported, comma-separated: {@code
 * synscope.prometheus.port=9464} measures the connections' lifetime meters too).
 *
 * <p>Exits 0 whether or not the targets are met, and 1 when something broke.
 */
public final class ChurnBenchmark {
  private static final double TARGET_THROUGHPUT_RATIO = 0.90;
  private static final double TARGET_ADDED_CPU_MICROS = 5.0;
  private static final long RUN_TIMEOUT_SECONDS = 120;
  private static final String WITHOUT = "without agent";
  private static final String WITH = "agent, no export";
  private static final String OTLP = "agent, OTLP export";

  private final int pairs = Integer.getInteger("bench.pairs", 7);
  private final int otlpPairs = Integer.getInteger("bench.otlpPairs", 3);
  private final long warmupMillis = Long.getLong("bench.warmupMillis", 5000);
  private final long measureMillis = Long.getLong("bench.measureMillis", 3000);
  private final long maxConnections = Long.getLong("bench.maxConnections", 1_000_000);
  private final String jfrDirectory = System.getProperty("bench.jfr", "");
  private final String agentOptions = System.getProperty("bench.agentOptions", "");
  private final Path agentJar =
      Paths.get(System.getProperty("bench.agentJar", "target/synscope-agent.jar"));
  private int runNumber;

  private ChurnBenchmark() {}

  public static void main(String[] args) {
    try {
      new ChurnBenchmark().run();
    } catch (Exception e) {
      System.err.println("benchmark failed: " + e);
      e.printStackTrace();
      System.exit(1);
    }
  }

  private void run() throws Exception {
    if (!Files.isRegularFile(agentJar)) {
      throw new IOException("no agent jar at " + agentJar.toAbsolutePath() + " (build it first)");
    }
    if (pairs < 1) {
      throw new IllegalArgumentException("bench.pairs must be at least 1, was " + pairs);
    }
    Machine.printMachine();
    Machine.printLoad("before");
    System.out.printf(
        Locale.ROOT,
        "Each run: a JVM of its own, %d ms warm-up, then %d ms measured; %d pairs, order"
            + " alternating%n%n",
        warmupMillis,
        measureMillis,
        pairs);
    String none = "otel.traces.exporter=none,otel.metrics.exporter=none";
    if (!agentOptions.isEmpty()) {
      none += "," + agentOptions;
      System.out.println("Agent options added to the runs with the agent: " + agentOptions);
    }
    List<ChurnRun[]> main = measurePairs(pairs, WITH, none);
    printRuns(main);
    printPairs(main);

    List<ChurnRun[]> exported = new ArrayList<>();
    long[] sinkCounts = null;
    if (otlpPairs > 0) {
      try (OtlpSink sink = OtlpSink.start()) {
        String otlp =
            "otel.traces.exporter=otlp,otel.metrics.exporter=none,"
                + "otel.exporter.otlp.traces.endpoint=" + sink.tracesEndpoint();
        System.out.printf(
            Locale.ROOT,
            "%nSpans exported over OTLP/HTTP to a receiver in the benchmark's JVM (200 to every"
                + " request): %d pairs%n",
            otlpPairs);
        exported = measurePairs(otlpPairs, OTLP, otlp);
        sinkCounts = sink.counts();
      }
      printRuns(exported);
      printPairs(exported);
      long made = exported.stream().mapToLong(p -> p[1].totalConnections()).sum();
      System.out.printf(
          Locale.ROOT,
          "Receiver: %,d requests, %,d bytes; %,d tcp.connect and %,d tcp.accept spans for %,d"
              + " connections made in those runs (warm-up included)%n",
          sinkCounts[0],
          sinkCounts[1],
          sinkCounts[2],
          sinkCounts[3],
          made);
    }

    System.out.println();
    Machine.printLoad("after");
    printTargets(main, exported);
  }

  /** {@code count} pairs, each a run without the agent and one with {@code agentArgs}. */
  private List<ChurnRun[]> measurePairs(int count, String variant, String agentArgs)
      throws IOException, InterruptedException {
    List<ChurnRun[]> result = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ChurnRun without;
      ChurnRun with;
      if (i % 2 == 0) {
        without = churn(WITHOUT, null);
        with = churn(variant, agentArgs);
      } else {
        with = churn(variant, agentArgs);
        without = churn(WITHOUT, null);
      }
      result.add(new ChurnRun[] {without, with});
    }
    return result;
  }

  private ChurnRun churn(String variant, String agentArgs)
      throws IOException, InterruptedException {
    runNumber++;
    List<String> command = new ArrayList<>();
    command.add(ForkedApp.java());
    // A fixed heap, the JDK's default collector: an application as it usually runs.
    command.add("-Xms512m");
    command.add("-Xmx512m");
    if (agentArgs != null) {
      command.add(ForkedApp.agentOption(agentJar, agentArgs));
      if (!jfrDirectory.isEmpty()) {
        Path jfr = Paths.get(jfrDirectory).toAbsolutePath();
        Files.createDirectories(jfr);
        command.add(
            "-XX:StartFlightRecording=settings=profile,filename="
                + jfr.resolve("churn-" + runNumber + ".jfr"));
      }
    }
    command.add("-cp");
    command.add(ForkedApp.classPath());
    command.add(ChurnApp.class.getName());
    command.add(Long.toString(warmupMillis));
    command.add(Long.toString(measureMillis));
    command.add(Long.toString(maxConnections));
    ForkedApp.Outcome outcome =
        ForkedApp.run(
            "run " + runNumber + " (" + variant + ")", command, RUN_TIMEOUT_SECONDS);
    outcome.printNews(List.of());
    ChurnRun run = ChurnRun.parse(variant, outcome.result().toString());
    return run.withTimeWaitLeft(TimeWaitSockets.onPort(run.port()));
  }

  private static void printRuns(List<ChurnRun[]> pairs) {
    System.out.println(
        "run  variant              conn/s   cores  CPU us/conn   user    sys  churn thr  other"
            + "   GC n/ms   JIT ms  TIME_WAIT");
    int n = 0;
    for (ChurnRun[] pair : pairs) {
      boolean withFirst = n % 2 == 1;
      for (ChurnRun r : withFirst ? new ChurnRun[] {pair[1], pair[0]} : pair) {
        System.out.printf(
            Locale.ROOT,
            "%3d  %-18s %8.0f   %5.2f  %11.1f  %5.1f  %5.1f  %9.1f  %5.1f  %4d/%-4d  %7d  %9d%n",
            n / 2 + 1,
            r.variant(),
            r.connectionsPerSecond(),
            r.cores(),
            r.cpuMicrosPerConnection(),
            r.userMicrosPerConnection(),
            r.systemMicrosPerConnection(),
            r.churnThreadsMicrosPerConnection(),
            r.otherThreadsMicrosPerConnection(),
            r.process().gcCount(),
            r.process().gcMillis(),
            r.process().compileMillis(),
            r.timeWaitLeft());
      }
      n += 2;
    }
  }

  private static void printPairs(List<ChurnRun[]> pairs) {
    System.out.println();
    System.out.println("pair  throughput with/without   added CPU us/conn (churn threads, other)");
    for (int i = 0; i < pairs.size(); i++) {
      ChurnRun[] p = pairs.get(i);
      System.out.printf(
          Locale.ROOT,
          "%4d  %24.3f   %7.1f (%5.1f, %5.1f)%n",
          i + 1,
          ratio(p),
          addedCpu(p),
          p[1].churnThreadsMicrosPerConnection() - p[0].churnThreadsMicrosPerConnection(),
          p[1].otherThreadsMicrosPerConnection() - p[0].otherThreadsMicrosPerConnection());
    }
  }

  private void printTargets(List<ChurnRun[]> main, List<ChurnRun[]> exported) {
    double[] ratios = values(main, ChurnBenchmark::ratio);
    double[] added = values(main, ChurnBenchmark::addedCpu);
    double[] addedThreads =
        values(
            main,
            p -> p[1].churnThreadsMicrosPerConnection() - p[0].churnThreadsMicrosPerConnection());
    double[] without = main.stream().mapToDouble(p -> p[0].connectionsPerSecond()).toArray();
    double[] withAgent = main.stream().mapToDouble(p -> p[1].connectionsPerSecond()).toArray();
    double[] cpuWithout = main.stream().mapToDouble(p -> p[0].cpuMicrosPerConnection()).toArray();
    System.out.printf(
        Locale.ROOT,
        "Medians of %d pairs (lowest .. highest): without the agent %,.0f connections/s (%,.0f .."
            + " %,.0f), %.1f us CPU per connection (%.1f .. %.1f); with it %,.0f/s (%,.0f .."
            + " %,.0f)%n",
        main.size(),
        median(without),
        min(without),
        max(without),
        median(cpuWithout),
        min(cpuWithout),
        max(cpuWithout),
        median(withAgent),
        min(withAgent),
        max(withAgent));
    System.out.println("Targets (medians of the pairs):");
    System.out.printf(
        Locale.ROOT,
        "  %s throughput with the agent (spans not exported) / without: %.3f (pairs %.3f .. %.3f),"
            + " target >= %.2f%n",
        median(ratios) >= TARGET_THROUGHPUT_RATIO ? "PASS" : "FAIL",
        median(ratios),
        min(ratios),
        max(ratios),
        TARGET_THROUGHPUT_RATIO);
    System.out.printf(
        Locale.ROOT,
        "  %s added CPU per connection, both sides, process accounting: %.1f us (pairs %.1f .."
            + " %.1f; in the connecting and accepting threads %.1f), target <= %.1f%n",
        median(added) <= TARGET_ADDED_CPU_MICROS ? "PASS" : "FAIL",
        median(added),
        min(added),
        max(added),
        median(addedThreads),
        TARGET_ADDED_CPU_MICROS);
    if (!exported.isEmpty()) {
      double[] r = values(exported, ChurnBenchmark::ratio);
      double[] a = values(exported, ChurnBenchmark::addedCpu);
      System.out.printf(
          Locale.ROOT,
          "  info spans exported over OTLP: throughput %.3f of the runs without the agent (pairs"
              + " %.3f .. %.3f), added CPU %.1f us per connection (pairs %.1f .. %.1f; the"
              + " receiver's CPU not counted)%n",
          median(r),
          min(r),
          max(r),
          median(a),
          min(a),
          max(a));
    }
  }

  private static double ratio(ChurnRun[] pair) {
    return pair[1].connectionsPerSecond() / pair[0].connectionsPerSecond();
  }

  private static double addedCpu(ChurnRun[] pair) {
    return pair[1].cpuMicrosPerConnection() - pair[0].cpuMicrosPerConnection();
  }

  private static double[] values(List<ChurnRun[]> pairs, ToDoubleFunction<ChurnRun[]> f) {
    return pairs.stream().mapToDouble(f).toArray();
  }
}
