package io.synscope.agent.bench;

import static io.synscope.agent.bench.Medians.max;
import static io.synscope.agent.bench.Medians.median;
import static io.synscope.agent.bench.Medians.min;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's connection-churn benchmark: runs {@link ChurnApp} in JVMs of its own, alternately
 * without and with the agent ({@code otel.traces.exporter=none}: spans made and enriched, not
 * exported), in pairs whose order alternates, and reports per pair the throughput ratio and the
 * CPU the agent added per connection, then their medians against the targets.
 *
 * <p>A second part exports every span over OTLP/HTTP to a receiver in this JVM ({@link OtlpSink})
 * and runs three variants side by side, the order rotating from one round to the next: the churn
 * without the agent, the churn with the agent exporting, and the floor, {@link SdkChurnApp}: the
 * same churn making the same spans with a bare OpenTelemetry SDK and exporting them with the SDK's
 * own OTLP exporter. It reports the CPU each adds per exported span, the agent's against the
 * floor's (target: at most 1.5 times), and the spans made, received and dropped.
 *
 * <p>A third part runs pairs again, without the agent and with it exporting to an endpoint that is
 * down (a loopback port where nothing listens: every connection refused): the throughput and CPU
 * the agent costs then, the heap it holds (its queue full), and every span accounted for in the
 * agent's own lines (lost during the run, and left at exit).
 *
 * <p>Run with {@code mvn -B -pl agent -am -Pbenchmark -Dexec.skip verify}. Settings (system
 * properties, passed through Maven with {@code -D}): {@code bench.pairs} (7, 0 for none), {@code
 * bench.otlpPairs} (rounds of the exporting part, 5, 0 for none), {@code bench.downPairs} (pairs of
 * the endpoint-down part, 5, 0 for none), {@code bench.warmupMillis} (15000:
 * long enough for the JIT to have compiled the agent's paths, the listener poller's included,
 * which runs once a second and is compiled only after about ten) and {@code bench.measureMillis}
 * (3000) per run, {@code bench.otlpWarmupMillis} (10000: the exporting runs have the SDK's
 * exporter and marshalers to compile as well, and with 5 s the JIT was still at it for most of
 * the window), {@code bench.maxConnections} (1000000 per run: more than fits the window at the
 * speeds seen, a bound so that a run can never churn without end), {@code bench.jfr} (a
 * directory: record each run with the agent or the SDK there with JFR's profiling settings),
 * {@code bench.sdkQueue}, {@code bench.sdkBatch}, {@code bench.sdkDelayMillis} (the floor's batch
 * processor), {@code bench.agentOptions} (more agent options for every run with the agent, appended:
 * {@code synscope.prometheus.port=9464} measures the connections' lifetime meters too),
 * {@code bench.sdkLibs} (a directory of jars the floor needs beyond this class path: its HTTP
 * sender).
 *
 * <p>Exits 0 whether or not the targets are met, and 1 when something broke.
 */
public final class ChurnBenchmark {
  private static final double TARGET_THROUGHPUT_RATIO = 0.90;
  private static final double TARGET_ADDED_CPU_MICROS = 5.0;
  private static final double TARGET_FLOOR_RATIO = 1.5;

  /**
   * The heap the agent may hold with its endpoint down: the full queue (16,384 spans of about 1.3
   * KB, README) and the 16 MiB the start-up target allows the agent itself.
   */
  private static final double TARGET_DOWN_HEAP_MIB = 22e6 / (1 << 20) + 16;
  private static final long RUN_TIMEOUT_SECONDS = 120;
  private static final String WITHOUT = "without agent";
  private static final String WITH = "agent, no export";
  private static final String OTLP = "agent, OTLP export";
  private static final String SDK = "bare SDK, OTLP";
  private static final String DOWN = "agent, endpoint down";

  private final int pairs = Integer.getInteger("bench.pairs", 7);
  private final int otlpPairs = Integer.getInteger("bench.otlpPairs", 5);
  private final int downPairs = Integer.getInteger("bench.downPairs", 5);
  private final long warmupMillis = Long.getLong("bench.warmupMillis", 15000);
  private final long otlpWarmupMillis = Long.getLong("bench.otlpWarmupMillis", 10000);
  private final long measureMillis = Long.getLong("bench.measureMillis", 3000);
  private final long maxConnections = Long.getLong("bench.maxConnections", 1_000_000);
  private final String jfrDirectory = System.getProperty("bench.jfr", "");
  private final int sdkQueue = Integer.getInteger("bench.sdkQueue", 16384);
  private final int sdkBatch = Integer.getInteger("bench.sdkBatch", 4096);
  private final long sdkDelayMillis = Long.getLong("bench.sdkDelayMillis", 1000);
  private final String agentOptions = System.getProperty("bench.agentOptions", "");
  private final String sdkLibs = System.getProperty("bench.sdkLibs", "");
  private Path agentJar;
  private int runNumber;

  private ChurnBenchmark() {}

  public static void main(String[] args) {
    BenchmarkMain.run(() -> new ChurnBenchmark().run());
  }

  private void run() throws Exception {
    agentJar = BenchmarkMain.agentJar();
    if (pairs < 0 || otlpPairs < 0 || downPairs < 0 || pairs + otlpPairs + downPairs == 0) {
      throw new IllegalArgumentException(
          "bench.pairs, bench.otlpPairs and bench.downPairs must not be negative, and not all 0;"
              + " were "
              + pairs
              + ", "
              + otlpPairs
              + " and "
              + downPairs);
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
    String more = agentOptions.isEmpty() ? "" : "," + agentOptions;
    if (!more.isEmpty()) {
      System.out.println("Agent options added to every run with the agent: " + agentOptions);
    }
    String none = "otel.traces.exporter=none,otel.metrics.exporter=none" + more;
    List<ChurnRun[]> main = runsOf(measurePairs(pairs, WITH, none));
    if (!main.isEmpty()) {
      printRuns(main);
      printPairs(main);
    }

    List<Round> exported = new ArrayList<>();
    if (otlpPairs > 0) {
      try (OtlpSink sink = OtlpSink.start()) {
        String otlp =
            "otel.traces.exporter=otlp,otel.metrics.exporter=none,"
                + "otel.exporter.otlp.traces.endpoint="
                + sink.tracesEndpoint()
                + more;
        System.out.printf(
            Locale.ROOT,
            "%nSpans exported over OTLP/HTTP to a receiver in the benchmark's JVM (200 to every"
                + " request): %d rounds of three runs, order rotating, %d ms warm-up; the bare"
                + " SDK's batch processor: queue %d, batch %d, delay %d ms%n",
            otlpPairs,
            otlpWarmupMillis,
            sdkQueue,
            sdkBatch,
            sdkDelayMillis);
        exported = measureRounds(sink, otlp);
      }
      printRounds(exported);
    }

    List<Exported[]> down = new ArrayList<>();
    if (downPairs > 0) {
      // Holds a loopback port without listening, and without SO_REUSEADDR, so that no listener
      // of a later run can take the port: every connection to it is refused.
      try (Socket holder = new Socket()) {
        holder.setReuseAddress(false);
        holder.bind(new InetSocketAddress("127.0.0.1", 0));
        String endpoint = "http://127.0.0.1:" + holder.getLocalPort();
        System.out.printf(
            Locale.ROOT,
            "%nThe exporter's endpoint down (%s, nothing listens there): %d pairs, order"
                + " alternating, %d ms warm-up%n",
            endpoint,
            downPairs,
            warmupMillis);
        String downArgs =
            "otel.traces.exporter=otlp,otel.metrics.exporter=none,"
                + "otel.exporter.otlp.traces.endpoint="
                + endpoint
                + more;
        for (Finished[] pair : measurePairs(downPairs, DOWN, downArgs)) {
          down.add(new Exported[] {unexported(pair[0]), agentExported(pair[1], 0)});
        }
      }
      printDown(down);
    }

    System.out.println();
    Machine.printLoad("after");
    printTargets(main, exported, down);
  }

  /** {@code count} pairs, each a run without the agent and one with {@code agentArgs}. */
  private List<Finished[]> measurePairs(int count, String variant, String agentArgs)
      throws IOException, InterruptedException {
    List<Finished[]> result = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Finished without;
      Finished with;
      if (i % 2 == 0) {
        without = churn(WITHOUT, null);
        with = churn(variant, agentArgs);
      } else {
        with = churn(variant, agentArgs);
        without = churn(WITHOUT, null);
      }
      result.add(new Finished[] {without, with});
    }
    return result;
  }

  private static List<ChurnRun[]> runsOf(List<Finished[]> pairs) {
    return pairs.stream().map(p -> new ChurnRun[] {p[0].run(), p[1].run()}).toList();
  }

  /**
   * {@code otlpPairs} rounds of three runs: without the agent, with it exporting to the sink, and
   * the bare SDK exporting to the sink; the order rotates by one each round.
   */
  private List<Round> measureRounds(OtlpSink sink, String agentArgs)
      throws IOException, InterruptedException {
    List<Round> rounds = new ArrayList<>();
    for (int i = 0; i < otlpPairs; i++) {
      Exported[] byRole = new Exported[3];
      List<Exported> order = new ArrayList<>();
      for (int k = 0; k < 3; k++) {
        int role = (i + k) % 3;
        long before = sink.spans();
        Exported e;
        if (role == 0) {
          e =
              unexported(
                  run(WITHOUT, List.of(), ChurnApp.class, List.of(), null, otlpWarmupMillis));
        } else if (role == 1) {
          Finished f =
              run(
                  OTLP,
                  agentJvmArguments(agentArgs),
                  ChurnApp.class,
                  List.of(),
                  null,
                  otlpWarmupMillis);
          e = agentExported(f, sink.spans() - before);
        } else {
          Finished f =
              run(
                  SDK,
                  jfrArguments(),
                  SdkChurnApp.class,
                  List.of(
                      sink.tracesEndpoint(),
                      Integer.toString(sdkQueue),
                      Integer.toString(sdkBatch),
                      Long.toString(sdkDelayMillis)),
                  sdkClassPath(),
                  otlpWarmupMillis);
          e = sdkExported(f, sink.spans() - before);
        }
        byRole[role] = e;
        order.add(e);
      }
      rounds.add(new Round(byRole[0], byRole[1], byRole[2], order));
    }
    return rounds;
  }

  /**
   * A run that exports, with what became of its spans (all 0 without spans).
   *
   * @param leftAtExit spans the agent said were still queued or in an export at exit
   */
  private record Exported(
      ChurnRun run, long made, long received, long dropped, long failed, long leftAtExit) {}

  private static Exported unexported(Finished f) {
    return new Exported(f.run(), 0, 0, 0, 0, 0);
  }

  /** One round of the exporting part: its three runs, and the order they ran in. */
  private record Round(Exported without, Exported agent, Exported sdk, List<Exported> order) {}

  /**
   * The agent's spans: two per connection, and its losses as its lines said them (it says nothing
   * when it lost nothing).
   */
  private static Exported agentExported(Finished f, long received) {
    ForkedApp.Outcome o = f.outcome();
    return new Exported(
        f.run(),
        2 * f.run().totalConnections(),
        received,
        o.droppedSpans(),
        o.failedSpans(),
        o.leftAtExitSpans());
  }

  /** The SDK run's spans, from its SPANS line: made, handed to the exporter, failed. */
  private static Exported sdkExported(Finished f, long received) throws IOException {
    for (String line : f.outcome().output()) {
      if (line.startsWith("SPANS ")) {
        long made = field(line, "made");
        return new Exported(
            f.run(), made, received, made - field(line, "exported"), field(line, "failed"), 0);
      }
    }
    throw new IOException("the SDK run printed no SPANS line");
  }

  private static long field(String line, String name) throws IOException {
    Matcher m = Pattern.compile("\\b" + name + "=(\\d+)").matcher(line);
    if (!m.find()) {
      throw new IOException("no " + name + " in: " + line);
    }
    return Long.parseLong(m.group(1));
  }

  private Finished churn(String variant, String agentArgs)
      throws IOException, InterruptedException {
    List<String> jvm = agentArgs == null ? List.of() : agentJvmArguments(agentArgs);
    return run(variant, jvm, ChurnApp.class, List.of(), null, warmupMillis);
  }

  private List<String> agentJvmArguments(String agentArgs) {
    List<String> jvm = new ArrayList<>();
    jvm.add("-javaagent:" + agentJar.toAbsolutePath() + "=" + agentArgs);
    jvm.addAll(jfrArguments());
    return jvm;
  }

  /** JFR for the run about to start, when bench.jfr names a directory. */
  private List<String> jfrArguments() {
    if (jfrDirectory.isEmpty()) {
      return List.of();
    }
    Path jfr = Paths.get(jfrDirectory).toAbsolutePath();
    return List.of(
        "-XX:StartFlightRecording=settings=profile,filename="
            + jfr.resolve("churn-" + (runNumber + 1) + ".jfr"));
  }

  /** A run: its RESULT, and what it printed. */
  private record Finished(ChurnRun run, ForkedApp.Outcome outcome) {}

  /**
   * Runs {@code mainClass} (the churn application, or one built on it) in a JVM of its own, with
   * the churn's arguments ({@code warmup}, then the window and the most connections) then {@code
   * extraArgs}; on {@code classPath}, or only the churn application's own classes when null.
   */
  private Finished run(
      String variant,
      List<String> jvmArgs,
      Class<?> mainClass,
      List<String> extraArgs,
      String classPath,
      long warmup)
      throws IOException, InterruptedException {
    if (!jfrDirectory.isEmpty()) {
      Files.createDirectories(Paths.get(jfrDirectory));
    }
    runNumber++;
    List<String> command = new ArrayList<>();
    command.add(ForkedApp.java());
    command.addAll(ForkedApp.heapOptions());
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add(classPath == null ? ForkedApp.classPath() : classPath);
    command.add(mainClass.getName());
    command.add(Long.toString(warmup));
    command.add(Long.toString(measureMillis));
    command.add(Long.toString(maxConnections));
    command.addAll(extraArgs);
    ForkedApp.Outcome outcome =
        ForkedApp.run("run " + runNumber + " (" + variant + ")", command, RUN_TIMEOUT_SECONDS);
    List<String> expected = new ArrayList<>();
    for (String line : outcome.output()) {
      if (line.startsWith("SPANS ")) {
        expected.add(line);
      }
    }
    outcome.printNews(expected);
    ChurnRun run = ChurnRun.parse(variant, outcome.result().toString());
    return new Finished(run.withTimeWaitLeft(TimeWaitSockets.onPort(run.port())), outcome);
  }

  /**
   * The floor's class path: the churn application, the OpenTelemetry jars of this JVM's class
   * path (not the agent's classes, whose OTLP sender would compete with the SDK's), and the jars
   * in bench.sdkLibs.
   */
  private String sdkClassPath() throws IOException {
    List<String> entries = new ArrayList<>();
    entries.add(ForkedApp.classPath());
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String unix = e.replace(File.separatorChar, '/');
      // Not the OkHttp sender the agent carries for gRPC: the floor sends over the JDK's client.
      if (unix.contains("/io/opentelemetry/")
          && unix.endsWith(".jar")
          && !unix.contains("/opentelemetry-exporter-sender-okhttp/")) {
        entries.add(e);
      }
    }
    if (sdkLibs.isEmpty()) {
      throw new IOException("bench.sdkLibs is not set: the floor needs an OTLP HTTP sender");
    }
    try (DirectoryStream<Path> jars = Files.newDirectoryStream(Paths.get(sdkLibs), "*.jar")) {
      for (Path jar : jars) {
        entries.add(jar.toAbsolutePath().toString());
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  private static final String RUNS_HEADER =
      "run  variant              conn/s   cores  CPU us/conn   user    sys  churn thr  other"
          + "   GC n/ms   JIT ms  TIME_WAIT  heap MiB";

  private static void printRuns(List<ChurnRun[]> pairs) {
    System.out.println(RUNS_HEADER);
    int n = 0;
    for (ChurnRun[] pair : pairs) {
      boolean withFirst = n % 2 == 1;
      for (ChurnRun r : withFirst ? new ChurnRun[] {pair[1], pair[0]} : pair) {
        System.out.println(runRow(n / 2 + 1, r));
      }
      n += 2;
    }
  }

  private static String runRow(int number, ChurnRun r) {
    return String.format(
        Locale.ROOT,
        "%3d  %-20s %6.0f   %5.2f  %11.1f  %5.1f  %5.1f  %9.1f  %5.1f  %4d/%-4d  %7d  %9d  %8.1f",
        number,
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
        r.timeWaitLeft(),
        r.heapAfterGcMib());
  }

  /**
   * The exporting part: each run with what became of its spans (made in the whole run, warm-up
   * included; received by the sink; dropped as the run itself counted them; lost without a
   * count), then per round the throughput and the CPU added per span of the agent and the floor.
   */
  private static void printRounds(List<Round> rounds) {
    System.out.println(
        RUNS_HEADER + "   spans made   received  dropped  failed  at exit  uncounted");
    int n = 0;
    for (Round round : rounds) {
      n++;
      for (Exported e : round.order()) {
        String spans =
            e.made() == 0
                ? ""
                : String.format(
                    Locale.ROOT,
                    "   %10d %10d %8d %7d %8d %10d",
                    e.made(),
                    e.received(),
                    e.dropped(),
                    e.failed(),
                    e.leftAtExit(),
                    uncounted(e));
        System.out.println(runRow(n, e.run()) + spans);
      }
    }
    System.out.println();
    System.out.println(
        "round  throughput agent  floor   added CPU us/span agent (churn thr, other)"
            + "   floor (churn thr, other)   agent/floor");
    for (int i = 0; i < rounds.size(); i++) {
      Round r = rounds.get(i);
      System.out.printf(
          Locale.ROOT,
          "%5d  %16.3f  %5.3f   %23.1f (%5.1f, %5.1f)   %5.1f (%5.1f, %5.1f)   %11.2f%n",
          i + 1,
          throughput(r.agent(), r),
          throughput(r.sdk(), r),
          addedPerSpan(r.agent(), r),
          addedThreadsPerSpan(r.agent(), r),
          addedPerSpan(r.agent(), r) - addedThreadsPerSpan(r.agent(), r),
          addedPerSpan(r.sdk(), r),
          addedThreadsPerSpan(r.sdk(), r),
          addedPerSpan(r.sdk(), r) - addedThreadsPerSpan(r.sdk(), r),
          floorRatio(r));
    }
  }

  /** Spans neither received nor counted as lost by the run: lost silently. */
  private static long uncounted(Exported e) {
    return e.made() - e.received() - e.dropped() - e.failed() - e.leftAtExit();
  }

  private static double throughput(Exported e, Round r) {
    return e.run().connectionsPerSecond() / r.without().run().connectionsPerSecond();
  }

  /** CPU added per span over the round's run without spans: two spans per connection. */
  private static double addedPerSpan(Exported e, Round r) {
    return (e.run().cpuMicrosPerConnection() - r.without().run().cpuMicrosPerConnection()) / 2;
  }

  private static double addedThreadsPerSpan(Exported e, Round r) {
    return (e.run().churnThreadsMicrosPerConnection()
            - r.without().run().churnThreadsMicrosPerConnection())
        / 2;
  }

  private static double floorRatio(Round r) {
    return addedPerSpan(r.agent(), r) / addedPerSpan(r.sdk(), r);
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

  private void printTargets(List<ChurnRun[]> main, List<Round> exported, List<Exported[]> down) {
    if (!main.isEmpty()) {
      printMainTargets(main);
    }
    if (!exported.isEmpty()) {
      printExportTargets(exported);
    }
    if (!down.isEmpty()) {
      printDownTargets(down);
    }
  }

  private static List<ChurnRun[]> downRuns(List<Exported[]> down) {
    return down.stream().map(p -> new ChurnRun[] {p[0].run(), p[1].run()}).toList();
  }

  /** The endpoint-down part: its runs, its pairs, and each agent run's spans accounted for. */
  private static void printDown(List<Exported[]> down) {
    printRuns(downRuns(down));
    printPairs(downRuns(down));
    System.out.println();
    System.out.println(
        "pair   spans made  lost in the run (dropped, not accepted)  left at exit  uncounted"
            + "  heap added MiB");
    for (int i = 0; i < down.size(); i++) {
      Exported a = down.get(i)[1];
      System.out.printf(
          Locale.ROOT,
          "%4d  %11d  %15d (%8d, %12d)  %12d  %9d  %14.1f%n",
          i + 1,
          a.made(),
          a.dropped() + a.failed(),
          a.dropped(),
          a.failed(),
          a.leftAtExit(),
          uncounted(a),
          heapAddedMib(down.get(i)));
    }
  }

  private static double heapAddedMib(Exported[] pair) {
    return pair[1].run().heapAfterGcMib() - pair[0].run().heapAfterGcMib();
  }

  private static void printDownTargets(List<Exported[]> down) {
    double[] ratios = values(downRuns(down), ChurnBenchmark::ratio);
    double[] added = values(downRuns(down), ChurnBenchmark::addedCpu);
    double[] heap = down.stream().mapToDouble(ChurnBenchmark::heapAddedMib).toArray();
    long made = down.stream().mapToLong(p -> p[1].made()).sum();
    long lost = down.stream().mapToLong(p -> p[1].dropped() + p[1].failed()).sum();
    long atExit = down.stream().mapToLong(p -> p[1].leftAtExit()).sum();
    long uncounted = down.stream().mapToLong(p -> uncounted(p[1])).sum();
    System.out.printf(
        Locale.ROOT,
        "  %s endpoint down: throughput with the agent / without: %.3f (pairs %.3f .. %.3f),"
            + " target >= %.2f as for spans not exported; added CPU %.1f us per connection (pairs"
            + " %.1f .. %.1f)%n",
        median(ratios) >= TARGET_THROUGHPUT_RATIO ? "PASS" : "FAIL",
        median(ratios),
        min(ratios),
        max(ratios),
        TARGET_THROUGHPUT_RATIO,
        median(added),
        min(added),
        max(added));
    System.out.printf(
        Locale.ROOT,
        "  %s endpoint down: heap after a full collection, added by the agent: %.1f MiB (pairs"
            + " %.1f .. %.1f), bound %.1f MiB (the full queue and the agent's own 16)%n",
        max(heap) <= TARGET_DOWN_HEAP_MIB ? "PASS" : "FAIL",
        median(heap),
        min(heap),
        max(heap),
        TARGET_DOWN_HEAP_MIB);
    System.out.printf(
        Locale.ROOT,
        "  %s endpoint down: spans made %,d; said lost during the runs %,d, at exit %,d; lost"
            + " without a count %,d%n",
        uncounted == 0 ? "PASS" : "FAIL",
        made,
        lost,
        atExit,
        uncounted);
  }

  private void printMainTargets(List<ChurnRun[]> main) {
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
  }

  private static void printExportTargets(List<Round> rounds) {
    double[] without =
        rounds.stream().mapToDouble(r -> r.without().run().connectionsPerSecond()).toArray();
    double[] agentThroughput = rounds.stream().mapToDouble(r -> throughput(r.agent(), r)).toArray();
    double[] sdkThroughput = rounds.stream().mapToDouble(r -> throughput(r.sdk(), r)).toArray();
    double[] agentAdded = rounds.stream().mapToDouble(r -> addedPerSpan(r.agent(), r)).toArray();
    double[] sdkAdded = rounds.stream().mapToDouble(r -> addedPerSpan(r.sdk(), r)).toArray();
    double[] ratios = rounds.stream().mapToDouble(ChurnBenchmark::floorRatio).toArray();
    System.out.printf(
        Locale.ROOT,
        "Spans exported, medians of %d rounds (lowest .. highest): without spans %,.0f"
            + " connections/s; throughput of that with the agent %.3f (%.3f .. %.3f), with the"
            + " bare SDK %.3f (%.3f .. %.3f); CPU added per exported span (the receiver's not"
            + " counted): agent %.1f us (%.1f .. %.1f), bare SDK %.1f us (%.1f .. %.1f)%n",
        rounds.size(),
        median(without),
        median(agentThroughput),
        min(agentThroughput),
        max(agentThroughput),
        median(sdkThroughput),
        min(sdkThroughput),
        max(sdkThroughput),
        median(agentAdded),
        min(agentAdded),
        max(agentAdded),
        median(sdkAdded),
        min(sdkAdded),
        max(sdkAdded));
    for (String who : new String[] {"agent", "bare SDK"}) {
      List<Exported> runs =
          rounds.stream().map(r -> who.equals("agent") ? r.agent() : r.sdk()).toList();
      long made = runs.stream().mapToLong(Exported::made).sum();
      long received = runs.stream().mapToLong(Exported::received).sum();
      long dropped = runs.stream().mapToLong(Exported::dropped).sum();
      long failed = runs.stream().mapToLong(Exported::failed).sum();
      long uncounted = runs.stream().mapToLong(ChurnBenchmark::uncounted).sum();
      System.out.printf(
          Locale.ROOT,
          "  %-8s spans made %,d, received %,d (%.2f %%), dropped at the full queue %,d (%.2f"
              + " %%), failed %,d, lost without a count %,d%n",
          who,
          made,
          received,
          100.0 * received / made,
          dropped,
          100.0 * dropped / made,
          failed,
          uncounted);
    }
    System.out.println(
        "  where the added CPU per span goes (medians, us): connecting and accepting threads,"
            + " batch processor, sender, the agent's other threads, the rest (JIT, GC, VM)");
    for (boolean agent : new boolean[] {true, false}) {
      List<ToDoubleFunction<ChurnRun>> parts =
          List.of(
              ChurnRun::churnThreadsMicrosPerConnection,
              ChurnRun::processorMicrosPerConnection,
              ChurnRun::senderMicrosPerConnection,
              ChurnRun::agentThreadsMicrosPerConnection,
              ChurnRun::unnamedThreadsMicrosPerConnection);
      StringBuilder line = new StringBuilder(agent ? "    agent   " : "    bare SDK");
      for (ToDoubleFunction<ChurnRun> part : parts) {
        double[] added =
            rounds.stream()
                .mapToDouble(
                    r ->
                        (part.applyAsDouble((agent ? r.agent() : r.sdk()).run())
                                - part.applyAsDouble(r.without().run()))
                            / 2)
                .toArray();
        line.append(String.format(Locale.ROOT, "  %5.2f", median(added)));
      }
      System.out.println(line);
    }
    double[] agentUser = rounds.stream().mapToDouble(r -> addedUserPerSpan(r.agent(), r)).toArray();
    double[] sdkUser = rounds.stream().mapToDouble(r -> addedUserPerSpan(r.sdk(), r)).toArray();
    System.out.printf(
        Locale.ROOT,
        "  user time alone (less noisy here, but without the system time the agent adds): agent"
            + " %.1f us per span, bare SDK %.1f us, ratio %.2f%n",
        median(agentUser),
        median(sdkUser),
        median(agentUser) / median(sdkUser));
    // The ratio of the two medians, each a median of differences within a round: a round whose
    // floor happened to add almost nothing would make its own ratio meaningless.
    double ratio = median(agentAdded) / median(sdkAdded);
    System.out.printf(
        Locale.ROOT,
        "  %s CPU added per exported span, agent / bare SDK: %.2f (median of the rounds' own"
            + " ratios %.2f, %.2f .. %.2f), target <= %.1f%n",
        ratio <= TARGET_FLOOR_RATIO ? "PASS" : "FAIL",
        ratio,
        median(ratios),
        min(ratios),
        max(ratios),
        TARGET_FLOOR_RATIO);
  }

  /** User time (of /proc/self/stat) added per span over the round's run without spans. */
  private static double addedUserPerSpan(Exported e, Round r) {
    return (e.run().userMicrosPerConnection() - r.without().run().userMicrosPerConnection()) / 2;
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
