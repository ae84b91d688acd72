package io.synscope.probe.bench;

import io.synscope.probe.SocketQuery;
import io.synscope.probe.SocketView;
import io.synscope.probe.SocketViewVisitor;
import io.synscope.probe.SocketVisitor;
import io.synscope.probe.TcpInfoField;
import io.synscope.probe.TcpProbe;
import io.synscope.probe.TcpSocket;
import io.synscope.probe.TcpState;
import io.synscope.probe.linux.NetlinkTcpProbe;
import io.synscope.probe.linux.RecvOnlyDump;
import io.synscope.probe.proc.ProcTcpProbe;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The native probe's benchmark: holds about 20,000 loopback sockets and measures, side by side in
 * interleaved rounds, the netlink dump with and without tcp_info, a LISTEN-only dump, the /proc
 * fallback and the {@code ss} process, then prints medians, spread and the targets met.
 *
 * <p>Run with {@code mvn -B -pl native-probe -Pbenchmark verify}. Settings (system properties,
 * passed through Maven with {@code -D}): {@code bench.connections} (10000: each is two sockets),
 * {@code bench.rounds} (7), {@code bench.warmupRounds} (2), {@code bench.roundMillis} (400: time
 * per variant per round), {@code bench.maxMinutes} (10: no new round starts after this).
 *
 * <p>The server side of the connections lives in a child JVM ({@link LoopbackPeer}), so each
 * process holds only half of the descriptors. The sockets are on loopback only; the connections
 * end with a RST, leaving no TIME_WAIT behind. Exits 0 whether or not the targets are met, and 1
 * when something broke.
 */
public final class ProbeBenchmark {
  private static final double TARGET_US_PER_SOCKET = 2.0;
  private static final double TARGET_LISTEN_US = 100.0;
  private static final double TARGET_SS_RATIO = 4.0;
  private static final int MIN_ITERATIONS = 3;
  private static final int MAX_ITERATIONS = 2000;
  private static final int PASSES = 5;
  private static final String FULL = "netlink, all, tcp_info";
  private static final String FULL_VIEWS = "netlink views, all, tcp_info";
  private static final String LISTEN = "netlink, LISTEN only";
  private static final String SHELL_SS = "shell: ss -tni";
  private static final String SHELL_TRUE = "shell: /bin/true";
  private static final String JVM_SS = "jvm: ss -tni";
  private static final String JVM_TRUE = "jvm: /bin/true";

  private final int connections = Integer.getInteger("bench.connections", 10_000);
  private final int rounds = Integer.getInteger("bench.rounds", 7);
  private final int warmupRounds = Integer.getInteger("bench.warmupRounds", 2);
  private final long roundNanos =
      TimeUnit.MILLISECONDS.toNanos(Integer.getInteger("bench.roundMillis", 400));
  private final long deadline =
      System.nanoTime() + TimeUnit.MINUTES.toNanos(Integer.getInteger("bench.maxMinutes", 10));
  private final com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private ProbeBenchmark() {}

  public static void main(String[] args) {
    try {
      new ProbeBenchmark().run();
    } catch (Exception e) {
      System.err.println("benchmark failed: " + e);
      e.printStackTrace();
      System.exit(1);
    }
  }

  private void run() throws Exception {
    checkOpenFileLimit(connections + 256);
    boolean ipv6 = hasIpv6Loopback();
    int ipv4Listeners = 2;
    int ipv6Listeners = ipv6 ? 2 : 0;
    int listeners = ipv4Listeners + ipv6Listeners;
    printMachine();
    printLoad("before");

    long setupStart = System.nanoTime();
    try (ShellRunner shell = ShellRunner.start();
        PeerProcess peer = PeerProcess.start(ipv4Listeners, ipv6Listeners, connections);
        ClientSockets clients = ClientSockets.connect(peer.listeners(), connections)) {
      int accepted = peer.awaitAccepted(120);
      if (accepted != clients.size()) {
        throw new IOException(
            "the peer accepted " + accepted + " connections, " + clients.size() + " were made");
      }
      System.out.printf(
          Locale.ROOT,
          "Sockets held: %,d connections (client side here, server side in peer process %d)"
              + " + %d listeners = %,d sockets, %d of them IPv6; set up in %.1f s%n",
          clients.size(),
          peer.pid(),
          listeners,
          2L * accepted + listeners,
          ipv6 ? accepted + ipv6Listeners : 0,
          (System.nanoTime() - setupStart) / 1e9);
      try (NetlinkTcpProbe netlink = NetlinkTcpProbe.open();
          TcpProbe proc = new ProcTcpProbe();
          RecvOnlyDump raw = new RecvOnlyDump()) {
        printKernelView(netlink);
        List<Variant> variants = variants(netlink, proc, raw, shell);
        measure(variants);
        report(variants, raw);
        printLoad("after");
      }
    }
  }

  private static List<Variant> variants(
      TcpProbe netlink, TcpProbe proc, RecvOnlyDump raw, ShellRunner shell) {
    SocketQuery withInfo = SocketQuery.builder().withInfo(true).build();
    SocketQuery listeners = SocketQuery.listeners();
    CountingVisitor counter = new CountingVisitor();
    List<Variant> v = new ArrayList<>();
    v.add(new Variant(FULL, true, () -> counter.count(netlink, withInfo)));
    SsFieldsReader reader = new SsFieldsReader();
    v.add(new Variant(FULL_VIEWS, true, () -> reader.read(netlink, withInfo)));
    v.add(
        new Variant(
            "netlink, all, no tcp_info", true, () -> counter.count(netlink, SocketQuery.all())));
    v.add(new Variant(LISTEN, true, () -> counter.count(netlink, listeners)));
    v.add(new Variant("/proc/net/tcp{,6}, all", true, () -> counter.count(proc, SocketQuery.all())));
    v.add(new Variant("netlink recv only, tcp_info", true, () -> raw.dump(withInfo)));
    v.add(new Variant("netlink recv only, no info", true, () -> raw.dump(SocketQuery.all())));
    v.add(new Variant(SHELL_SS, false, () -> inShell(shell, "ss -tni")));
    v.add(new Variant("shell: ss -tn", false, () -> inShell(shell, "ss -tn")));
    v.add(new Variant(SHELL_TRUE, false, () -> inShell(shell, "/bin/true")));
    v.add(new Variant(JVM_SS, false, () -> runDiscarding("ss", "-tni")));
    v.add(new Variant(JVM_TRUE, false, () -> runDiscarding("/bin/true")));
    return v;
  }

  /** Warm-up rounds that also choose each variant's iterations, then the measured rounds. */
  private void measure(List<Variant> variants) throws Exception {
    System.out.printf(
        Locale.ROOT,
        "Warm-up: %d rounds of about %d ms per variant%n",
        warmupRounds,
        TimeUnit.NANOSECONDS.toMillis(roundNanos));
    for (int r = 0; r < Math.max(1, warmupRounds); r++) {
      for (Variant v : variants) {
        List<Long> times = new ArrayList<>();
        long end = System.nanoTime() + roundNanos;
        while (times.size() < 2 || (System.nanoTime() < end && times.size() < MAX_ITERATIONS)) {
          long t0 = System.nanoTime();
          v.operation.run();
          times.add(System.nanoTime() - t0);
        }
        times.sort(null);
        long median = Math.max(1, times.get(times.size() / 2));
        v.iterations =
            (int) Math.max(MIN_ITERATIONS, Math.min(MAX_ITERATIONS, roundNanos / median));
      }
    }

    List<GarbageCollectorMXBean> gcs = ManagementFactory.getGarbageCollectorMXBeans();
    long gcCount0 = gcs.stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
    long gcTime0 = gcs.stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    long start = System.nanoTime();
    int done = 0;
    for (int r = 0; r < rounds; r++) {
      if (r > 0 && System.nanoTime() > deadline) {
        System.out.printf(
            Locale.ROOT, "Time limit reached: stopping after %d of %d rounds%n", r, rounds);
        break;
      }
      // A round is several passes over every variant, each pass running a share of the
      // variant's iterations, so that the variants compared are measured seconds apart at most
      // however the load of the shared machine drifts; the order rotates from pass to pass so
      // that no variant always runs right after the same other one.
      for (Variant v : variants) {
        v.samples.startRound(perPass(v) * PASSES);
      }
      for (int p = 0; p < PASSES; p++) {
        for (int i = 0; i < variants.size(); i++) {
          Variant v = variants.get((i + r * PASSES + p) % variants.size());
          for (int k = perPass(v); k > 0; k--) {
            long a0 = threads.getCurrentThreadAllocatedBytes();
            long t0 = System.nanoTime();
            long count = v.operation.run();
            long t1 = System.nanoTime();
            long a1 = threads.getCurrentThreadAllocatedBytes();
            v.samples.add(t1 - t0, count, a1 - a0);
          }
        }
      }
      done++;
    }
    variants.forEach(v -> v.samples.finish());
    long gcCount = gcs.stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
    long gcTime = gcs.stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    System.out.printf(
        Locale.ROOT,
        "Measured: %d rounds in %.1f s; %d GCs took %d ms of it (included in the figures)%n",
        done,
        (System.nanoTime() - start) / 1e9,
        gcCount - gcCount0,
        gcTime - gcTime0);
  }

  private static int perPass(Variant v) {
    return (v.iterations + PASSES - 1) / PASSES;
  }

  private void report(List<Variant> variants, RecvOnlyDump raw) throws Exception {
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "%-28s %9s %10s %10s %10s %21s %9s %10s %6s%n",
        "variant",
        "sockets",
        "median",
        "p10",
        "p90",
        "round medians",
        "us/sock",
        "alloc/dump",
        "n");
    for (Variant v : variants) {
      Samples s = v.samples;
      long[] rm = s.roundMedians();
      long rmMin = Long.MAX_VALUE;
      long rmMax = Long.MIN_VALUE;
      for (long x : rm) {
        rmMin = Math.min(rmMin, x);
        rmMax = Math.max(rmMax, x);
      }
      String sockets =
          !v.inProcess
              ? "-"
              : s.minCount() == s.maxCount()
                  ? String.format(Locale.ROOT, "%,d", s.minCount())
                  : String.format(Locale.ROOT, "~%,.0f", s.meanCount());
      String perSocket =
          v.inProcess && s.meanCount() > 100
              ? String.format(Locale.ROOT, "%.3f", s.median() / 1e3 / s.meanCount())
              : "-";
      String alloc = v.inProcess ? bytes(s.meanAllocatedBytes()) : "-";
      System.out.printf(
          Locale.ROOT,
          "%-28s %9s %10s %10s %10s %21s %9s %10s %6d%n",
          v.name,
          sockets,
          time(s.median()),
          time(s.quantile(0.1)),
          time(s.quantile(0.9)),
          time(rmMin) + " .. " + time(rmMax),
          perSocket,
          alloc,
          s.samples());
    }
    int rawCount = raw.dump(SocketQuery.builder().withInfo(true).build());
    System.out.printf(
        Locale.ROOT,
        "A full dump with tcp_info (untimed): %,d sockets in %d datagrams (recv calls),"
            + " %,d bytes, %.0f bytes per socket%n",
        rawCount,
        raw.lastDatagrams(),
        raw.lastBytes(),
        (double) raw.lastBytes() / rawCount);
    System.out.printf(
        Locale.ROOT,
        "ss shows (untimed, same moment): %,d sockets for 'ss -tn' (its default states:"
            + " no LISTEN, TIME_WAIT, SYN_RECV), %,d for 'ss -tan'%n",
        countLines("ss", "-tnH"),
        countLines("ss", "-tanH"));

    Variant full = find(variants, FULL);
    Variant listen = find(variants, LISTEN);
    double usPerSocket = full.samples.median() / 1e3 / full.samples.meanCount();
    double listenUs = listen.samples.median() / 1e3;
    long[] fullRounds = full.samples.roundMedians();
    double[] shellRatios = ratios(find(variants, SHELL_SS), null, fullRounds);
    double[] jvmRatios = ratios(find(variants, JVM_SS), null, fullRounds);
    double[] jvmOwnRatios = ratios(find(variants, JVM_SS), find(variants, JVM_TRUE), fullRounds);

    System.out.println();
    System.out.println("Targets (medians):");
    verdict(
        String.format(
            Locale.ROOT,
            "full dump with tcp_info: %.3f us per socket (%,.0f sockets)",
            usPerSocket,
            full.samples.meanCount()),
        "<= " + TARGET_US_PER_SOCKET,
        usPerSocket <= TARGET_US_PER_SOCKET);
    verdict(
        String.format(
            Locale.ROOT,
            "LISTEN-only dump: %.1f us (%,.0f listeners)",
            listenUs,
            listen.samples.meanCount()),
        "<= " + TARGET_LISTEN_US,
        listenUs <= TARGET_LISTEN_US);
    verdict(
        "ss -tni run from a shell / full dump with tcp_info, records: " + ratioText(shellRatios),
        ">= " + TARGET_SS_RATIO,
        median(shellRatios) >= TARGET_SS_RATIO);
    double[] viewRatios =
        ratios(find(variants, SHELL_SS), null, find(variants, FULL_VIEWS).samples.roundMedians());
    verdict(
        "ss -tni run from a shell / full dump with tcp_info, views read in place (every field"
            + " ss -tni prints): "
            + ratioText(viewRatios),
        ">= " + TARGET_SS_RATIO,
        median(viewRatios) >= TARGET_SS_RATIO);
    System.out.println(
        "  info ss -tni started from this JVM / full dump with tcp_info: "
            + ratioText(jvmRatios)
            + "; without the JVM's cost of starting /bin/true: "
            + ratioText(jvmOwnRatios));
  }

  /**
   * Per round: (median of {@code slow} minus that of {@code baseline}, if any) over the median of
   * the full dump, sorted. Ratios of the same round compare measurements made seconds apart.
   */
  private static double[] ratios(Variant slow, Variant baseline, long[] fullRounds) {
    long[] s = slow.samples.roundMedians();
    long[] b = baseline == null ? new long[s.length] : baseline.samples.roundMedians();
    double[] r = new double[s.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = (double) (s[i] - b[i]) / fullRounds[i];
    }
    Arrays.sort(r);
    return r;
  }

  private static double median(double[] sorted) {
    return sorted[(sorted.length - 1) / 2];
  }

  private static String ratioText(double[] sorted) {
    return String.format(
        Locale.ROOT,
        "%.1fx (rounds %.1f .. %.1f)",
        median(sorted),
        sorted[0],
        sorted[sorted.length - 1]);
  }

  private static void verdict(String what, String target, boolean met) {
    System.out.printf(Locale.ROOT, "  %-4s %s, target %s%n", met ? "PASS" : "FAIL", what, target);
  }

  private static Variant find(List<Variant> variants, String name) {
    return variants.stream().filter(v -> v.name.equals(name)).findFirst().orElseThrow();
  }

  private static String time(long nanos) {
    if (nanos >= 10_000_000L) {
      return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
    if (nanos >= 1_000_000L) {
      return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }
    return String.format(Locale.ROOT, "%.1f us", nanos / 1e3);
  }

  private static String bytes(double b) {
    if (b >= 1 << 20) {
      return String.format(Locale.ROOT, "%.1f MiB", b / (1 << 20));
    }
    if (b >= 1 << 10) {
      return String.format(Locale.ROOT, "%.1f KiB", b / (1 << 10));
    }
    return String.format(Locale.ROOT, "%.0f B", b);
  }

  private static long inShell(ShellRunner shell, String command) throws IOException {
    shell.run(command);
    return -1;
  }

  /** Runs a command with its output sent to /dev/null; returns -1 (it counts nothing). */
  private static long runDiscarding(String... command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " did not end within 60 s; killed");
    }
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " exited with " + p.exitValue());
    }
    return -1;
  }

  private static long countLines(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    long n = 0;
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      while (r.readLine() != null) {
        n++;
      }
    }
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed");
    }
    return n;
  }

  private static void printKernelView(TcpProbe netlink) {
    Map<TcpState, Integer> byState = new EnumMap<>(TcpState.class);
    for (TcpSocket s : netlink.list(SocketQuery.all())) {
      byState.merge(s.state(), 1, Integer::sum);
    }
    System.out.println(
        "The kernel reports (this network namespace, every process): " + byState);
  }

  private static void printMachine() throws IOException {
    String cpu =
        Files.readAllLines(Paths.get("/proc/cpuinfo")).stream()
            .filter(l -> l.startsWith("model name"))
            .map(l -> l.substring(l.indexOf(':') + 1).trim())
            .findFirst()
            .orElse("unknown CPU");
    System.out.printf(
        Locale.ROOT,
        "Machine: %s, %d CPUs; kernel %s; %s %s (%s)%n",
        cpu,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.version"),
        System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"),
        System.getProperty("java.vendor"));
  }

  /** The machine is shared: say how busy it was. */
  private static void printLoad(String when) throws IOException {
    String[] f = Files.readAllLines(Paths.get("/proc/loadavg")).get(0).split(" ");
    System.out.printf(
        Locale.ROOT, "Load average %s: %s %s %s (1, 5, 15 min)%n", when, f[0], f[1], f[2]);
  }

  /** Fails early, with the fix, when this process may not hold its half of the sockets. */
  private static void checkOpenFileLimit(long needed) throws IOException {
    for (String line : Files.readAllLines(Paths.get("/proc/self/limits"))) {
      if (line.startsWith("Max open files")) {
        String[] f = line.substring("Max open files".length()).trim().split("\\s+");
        if (!f[0].equals("unlimited") && Long.parseLong(f[0]) < needed) {
          throw new IOException(
              "this process may open " + f[0] + " files and needs " + needed
                  + ": raise the limit (ulimit -n) or lower -Dbench.connections");
        }
        return;
      }
    }
  }

  private static boolean hasIpv6Loopback() throws IOException {
    NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getByName("127.0.0.1"));
    return lo != null
        && lo.inetAddresses().anyMatch(a -> a.getAddress().length == 16 && a.isLoopbackAddress());
  }

  /**
   * Reads, of every socket, what {@code ss -tni} prints (addresses, ports, state, queues, and the
   * tcp_info figures of its second line) from views in place, as a caller that aggregates would.
   */
  private static final class SsFieldsReader implements SocketViewVisitor {
    private static final TcpInfoField[] SS_FIELDS = {
      TcpInfoField.RTO, TcpInfoField.RTT, TcpInfoField.RTTVAR, TcpInfoField.ATO,
      TcpInfoField.SND_MSS, TcpInfoField.RCV_MSS, TcpInfoField.ADVMSS, TcpInfoField.PMTU,
      TcpInfoField.SND_CWND, TcpInfoField.SND_SSTHRESH, TcpInfoField.BYTES_SENT,
      TcpInfoField.BYTES_ACKED, TcpInfoField.BYTES_RECEIVED, TcpInfoField.SEGS_OUT,
      TcpInfoField.SEGS_IN, TcpInfoField.DATA_SEGS_OUT, TcpInfoField.DATA_SEGS_IN,
      TcpInfoField.LAST_DATA_SENT, TcpInfoField.LAST_DATA_RECV, TcpInfoField.LAST_ACK_RECV,
      TcpInfoField.DELIVERY_RATE, TcpInfoField.BUSY_TIME, TcpInfoField.RCV_SPACE,
      TcpInfoField.RCV_SSTHRESH, TcpInfoField.MIN_RTT, TcpInfoField.TOTAL_RETRANS
    };
    private long count;
    private long checksum;

    long read(TcpProbe probe, SocketQuery query) {
      count = 0;
      probe.dumpViews(query, this);
      return count;
    }

    @Override
    public boolean visit(SocketView s) {
      count++;
      long sum = s.state().ordinal() + s.localPort() + s.remotePort() + s.recvQ() + s.sendQ();
      sum += s.localAddress().hashCode() + s.remoteAddress().hashCode();
      if (s.hasTcpInfo()) {
        for (TcpInfoField f : SS_FIELDS) {
          if (s.hasTcpInfo(f)) {
            sum += s.tcpInfo(f);
          }
        }
      }
      checksum += sum;
      return true;
    }
  }

  /** Counts the sockets of a dump; one instance reused so that counting allocates nothing. */
  private static final class CountingVisitor implements SocketVisitor {
    private long count;

    long count(TcpProbe probe, SocketQuery query) {
      count = 0;
      probe.dump(query, this);
      return count;
    }

    @Override
    public boolean visit(TcpSocket socket) {
      count++;
      return true;
    }
  }
}
