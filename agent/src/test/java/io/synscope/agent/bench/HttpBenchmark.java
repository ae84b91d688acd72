package io.synscope.agent.bench;

import static io.synscope.agent.bench.Medians.max;
import static io.synscope.agent.bench.Medians.median;
import static io.synscope.agent.bench.Medians.min;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The agent's HTTP service benchmark: runs {@link HttpServiceApp} in JVMs of its own, alternately
 * without and with the agent, every span exported over OTLP/HTTP to a receiver in this JVM ({@link
 * OtlpSink}), in two modes: one request per new connection, and keep-alive connections. Pairs
 * alternate their order and the two modes; per pair it reports the ratio of requests per second
 * with and without the agent and the CPU the agent added per request, then their medians against
 * the targets, and what became of the spans: received, reported dropped by the agent, or neither.
 *
 * <p>Run with {@code mvn -B -pl agent -am -Pbenchmark-http verify}. Settings (system properties,
 * passed through Maven with {@code -D}): {@code bench.pairs} (5), {@code bench.clients} (4 client
 * threads; in keep-alive mode, as many connections), {@code bench.warmupMillis} (20000: with 5000,
 * the JIT was still compiling for seconds in the window on a busy machine, with 8000 still for a
 * tenth of it; and a run that short hid that the agent lost spans at this rate, which its queue
 * took in for about ten seconds) and {@code
 * bench.measureMillis} (3000) per run, {@code bench.maxRequests} (5000000 per run: a bound so that
 * a run can never go on without end), {@code bench.modes} ({@code close,keep-alive}), {@code
 * bench.agentArgs} (more agent arguments after the receiver's endpoint, e.g. {@code
 * otel.traces.exporter=none} to see what the export costs), {@code bench.jfr} (a directory: record
 * each run with the agent there with JFR's profiling settings).
 *
 * <p>Exits 0 whether or not the targets are met, and 1 when something broke.
 */
public final class HttpBenchmark {
  private static final Map<String, Double> TARGET_RATIO =
      Map.of(HttpServiceApp.CLOSE, 0.95, HttpServiceApp.KEEP_ALIVE, 0.99);
  private static final Map<String, String> MODE_NAME =
      Map.of(
          HttpServiceApp.CLOSE, "one request per new connection (Connection: close)",
          HttpServiceApp.KEEP_ALIVE, "keep-alive connections");
  private static final long RUN_TIMEOUT_SECONDS = 120;
  private static final String WITHOUT = "without agent";

  private final int pairs = Integer.getInteger("bench.pairs", 5);
  private final int clients = Integer.getInteger("bench.clients", 4);
  private final long warmupMillis = Long.getLong("bench.warmupMillis", 20000);
  private final long measureMillis = Long.getLong("bench.measureMillis", 3000);
  private final long maxRequests = Long.getLong("bench.maxRequests", 5_000_000);
  private final List<String> modes =
      List.of(System.getProperty("bench.modes", "close,keep-alive").split(","));
  private final String extraAgentArgs = System.getProperty("bench.agentArgs", "");
  private final String jfrDirectory = System.getProperty("bench.jfr", "");
  private Path agentJar;
  private int runNumber;

  private HttpBenchmark() {}

  public static void main(String[] args) {
    BenchmarkMain.run(() -> new HttpBenchmark().run());
  }

  private void run() throws Exception {
    agentJar = BenchmarkMain.agentJar();
    if (pairs < 1 || clients < 1) {
      throw new IllegalArgumentException(
          "bench.pairs and bench.clients must be at least 1, were " + pairs + ", " + clients);
    }
    for (String mode : modes) {
      if (!TARGET_RATIO.containsKey(mode)) {
        throw new IllegalArgumentException("bench.modes: unknown mode " + mode);
      }
    }
    Machine.printMachine();
    Machine.printLoad("before");
    System.out.printf(
        Locale.ROOT,
        "Each run: a JVM of its own, an HTTP/1.1 server and %d client threads, %d ms warm-up, then"
            + " %d ms measured; %d pairs per mode, order alternating; with the agent every span"
            + " is exported over OTLP/HTTP to a receiver in the benchmark's JVM%s%n%n",
        clients,
        warmupMillis,
        measureMillis,
        pairs,
        extraAgentArgs.isEmpty() ? "" : "; agent (+args): also " + extraAgentArgs);

    Map<String, List<HttpRun[]>> byMode = new LinkedHashMap<>();
    modes.forEach(m -> byMode.put(m, new ArrayList<>()));
    try (OtlpSink sink = OtlpSink.start()) {
      String agentArgs =
          "otel.exporter.otlp.endpoint="
              + sink.endpoint()
              + (extraAgentArgs.isEmpty() ? "" : "," + extraAgentArgs);
      String withName = extraAgentArgs.isEmpty() ? "agent, OTLP export" : "agent (+args)";
      for (int i = 0; i < pairs; i++) {
        for (String mode : modes) {
          HttpRun without;
          HttpRun withAgent;
          if (i % 2 == 0) {
            without = measure(mode, WITHOUT, null, sink);
            withAgent = measure(mode, withName, agentArgs, sink);
          } else {
            withAgent = measure(mode, withName, agentArgs, sink);
            without = measure(mode, WITHOUT, null, sink);
          }
          byMode.get(mode).add(new HttpRun[] {without, withAgent});
        }
      }
    }
    for (Map.Entry<String, List<HttpRun[]>> e : byMode.entrySet()) {
      System.out.printf(Locale.ROOT, "%n%s%n", MODE_NAME.get(e.getKey()));
      printRuns(e.getValue());
      printPairs(e.getValue());
      printSpans(e.getValue());
    }
    System.out.println();
    Machine.printLoad("after");
    printTargets(byMode);
  }

  private HttpRun measure(String mode, String variant, String agentArgs, OtlpSink sink)
      throws IOException, InterruptedException {
    runNumber++;
    List<String> command = new ArrayList<>();
    command.add(ForkedApp.java());
    command.addAll(ForkedApp.heapOptions());
    if (agentArgs != null) {
      command.add(ForkedApp.agentOption(agentJar, agentArgs));
      if (!jfrDirectory.isEmpty()) {
        Path jfr = Paths.get(jfrDirectory).toAbsolutePath();
        Files.createDirectories(jfr);
        command.add(
            "-XX:StartFlightRecording=settings=profile,filename="
                + jfr.resolve("http-" + mode + "-" + runNumber + ".jfr"));
      }
    }
    command.add("-cp");
    command.add(ForkedApp.classPath());
    command.add(HttpServiceApp.class.getName());
    command.add(mode);
    command.add(Integer.toString(clients));
    command.add(Long.toString(warmupMillis));
    command.add(Long.toString(measureMillis));
    command.add(Long.toString(maxRequests));
    long[] before = sink.counts();
    long receiverCpuBefore = ownCpuNanos();
    ForkedApp.Outcome outcome =
        ForkedApp.run(
            "run " + runNumber + " (" + mode + ", " + variant + ")", command, RUN_TIMEOUT_SECONDS);
    // The agent flushes its spans before its JVM exits: the receiver has them all by now.
    long[] after = sink.counts();
    long receiverCpu = ownCpuNanos() - receiverCpuBefore;
    outcome.printNews(List.of());
    ResultLine result = outcome.result();
    return HttpRun.parse(
        variant,
        mode,
        result,
        new HttpRun.Spans(
            after[2] - before[2],
            after[3] - before[3],
            outcome.droppedSpans(),
            outcome.failedSpans(),
            outcome.leftAtExitSpans()),
        receiverCpu,
        TimeWaitSockets.onPort((int) result.number("port")));
  }

  /** This JVM's CPU time: while a run goes on, nearly all of it is the receiver's. */
  private static long ownCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static void printRuns(List<HttpRun[]> pairs) {
    System.out.println(
        "run  variant               req/s   cores  CPU us/req   user    sys  client  server"
            + "  other   GC n/ms   JIT ms  conns  TIME_WAIT  receiver");
    for (int i = 0; i < pairs.size(); i++) {
      HttpRun[] pair = pairs.get(i);
      boolean withFirst = i % 2 == 1;
      for (HttpRun r : withFirst ? new HttpRun[] {pair[1], pair[0]} : pair) {
        System.out.printf(
            Locale.ROOT,
            "%3d  %-18s %8.0f   %5.2f  %10.1f  %5.1f  %5.1f  %6.1f  %6.1f  %5.1f  %4d/%-4d"
                + "  %7d  %5d  %9d  %8.1f%n",
            i + 1,
            r.variant(),
            r.requestsPerSecond(),
            r.process().cores(),
            r.cpuMicrosPerRequest(),
            r.userMicrosPerRequest(),
            r.systemMicrosPerRequest(),
            r.clientMicrosPerRequest(),
            r.serverMicrosPerRequest(),
            r.otherMicrosPerRequest(),
            r.process().gcCount(),
            r.process().gcMillis(),
            r.process().compileMillis(),
            r.connections(),
            r.timeWaitLeft(),
            r.receiverMicrosPerRequest());
      }
    }
  }

  private static void printPairs(List<HttpRun[]> pairs) {
    System.out.println();
    System.out.println("pair  requests/s with/without   added CPU us/req (client, server, other)");
    for (int i = 0; i < pairs.size(); i++) {
      HttpRun[] p = pairs.get(i);
      System.out.printf(
          Locale.ROOT,
          "%4d  %24.3f   %7.1f (%5.1f, %5.1f, %5.1f)%n",
          i + 1,
          ratio(p),
          addedCpu(p),
          p[1].clientMicrosPerRequest() - p[0].clientMicrosPerRequest(),
          p[1].serverMicrosPerRequest() - p[0].serverMicrosPerRequest(),
          p[1].otherMicrosPerRequest() - p[0].otherMicrosPerRequest());
    }
  }

  private static void printSpans(List<HttpRun[]> pairs) {
    System.out.println();
    System.out.println(
        "pair  connections  spans expected  received (connect, accept)  dropped  failed"
            + "  at exit  unaccounted");
    long expected = 0;
    long received = 0;
    long dropped = 0;
    long failed = 0;
    long atExit = 0;
    long unaccounted = 0;
    for (int i = 0; i < pairs.size(); i++) {
      HttpRun r = pairs.get(i)[1];
      System.out.printf(
          Locale.ROOT,
          "%4d  %11d  %14d  %8d (%7d, %7d)  %7d  %6d  %7d  %11d%n",
          i + 1,
          r.totalConnections(),
          r.expectedSpans(),
          r.receivedSpans(),
          r.spans().connect(),
          r.spans().accept(),
          r.spans().dropped(),
          r.spans().failed(),
          r.spans().leftAtExit(),
          r.unaccountedSpans());
      expected += r.expectedSpans();
      received += r.receivedSpans();
      dropped += r.spans().dropped();
      failed += r.spans().failed();
      atExit += r.spans().leftAtExit();
      unaccounted += r.unaccountedSpans();
    }
    System.out.printf(
        Locale.ROOT,
        "Spans over the runs with the agent (warm-up included): %,d expected (a tcp.connect and a"
            + " tcp.accept per connection), %,d received, %,d reported dropped, %,d reported not"
            + " accepted, %,d reported left at exit, %,d unaccounted for%n",
        expected,
        received,
        dropped,
        failed,
        atExit,
        unaccounted);
  }

  private void printTargets(Map<String, List<HttpRun[]>> byMode) {
    System.out.println("Targets (medians of the pairs):");
    for (Map.Entry<String, List<HttpRun[]>> e : byMode.entrySet()) {
      List<HttpRun[]> p = e.getValue();
      double target = TARGET_RATIO.get(e.getKey());
      double[] ratios = values(p, HttpBenchmark::ratio);
      double[] added = values(p, HttpBenchmark::addedCpu);
      double[] without = values(p, q -> q[0].requestsPerSecond());
      double[] with = values(p, q -> q[1].requestsPerSecond());
      long unaccounted = p.stream().mapToLong(q -> q[1].unaccountedSpans()).sum();
      long dropped = p.stream().mapToLong(q -> q[1].spans().dropped()).sum();
      System.out.printf(
          Locale.ROOT,
          "  %s %s: requests/s with the agent / without: %.3f (pairs %.3f .. %.3f; %,.0f/s"
              + " against %,.0f/s), target >= %.2f; added CPU %.1f us per request (pairs %.1f .."
              + " %.1f); spans dropped %,d, unaccounted %,d%n",
          median(ratios) >= target ? "PASS" : "FAIL",
          MODE_NAME.get(e.getKey()),
          median(ratios),
          min(ratios),
          max(ratios),
          median(with),
          median(without),
          target,
          median(added),
          min(added),
          max(added),
          dropped,
          unaccounted);
    }
  }

  private static double ratio(HttpRun[] pair) {
    return pair[1].requestsPerSecond() / pair[0].requestsPerSecond();
  }

  private static double addedCpu(HttpRun[] pair) {
    return pair[1].cpuMicrosPerRequest() - pair[0].cpuMicrosPerRequest();
  }

  private static double[] values(List<HttpRun[]> pairs, ToDoubleFunction<HttpRun[]> f) {
    return pairs.stream().mapToDouble(f).toArray();
  }
}
