package io.synscope.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.synscope.agent.testing.Json;
import io.synscope.probe.TcpState;
import io.synscope.probe.testing.Ss;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CLI as an operator runs it: {@code java -jar synscope-agent.jar ...} in its own JVM, against
 * sockets this test opened on loopback, with {@code ss} as the reference.
 */
class CliIT {
  private static final long ME = ProcessHandle.current().pid();

  @BeforeAll
  static void needsSs() {
    assumeTrue(Ss.hasTool("ss"), "ss (iproute2) is not installed: it is the reference view");
  }

  /**
   * A listener, one connection to it, accepted, and 5 bytes the server has not read. With a
   * protocol family the sockets are of that family; without, they are what java.net gives by
   * default: IPv6 sockets that also take IPv4, showing IPv4 peers as ::ffff:a.b.c.d.
   */
  private static final class Connection implements AutoCloseable {
    final ServerSocketChannel server;
    final SocketChannel client;
    final SocketChannel accepted;
    final int port;
    final int clientPort;

    Connection(ProtocolFamily family, InetAddress loopback, int backlog) throws IOException {
      server = unusedPortListener(family, loopback, backlog);
      port = ((InetSocketAddress) server.getLocalAddress()).getPort();
      client = family == null ? SocketChannel.open() : SocketChannel.open(family);
      client.connect(server.getLocalAddress());
      clientPort = ((InetSocketAddress) client.getLocalAddress()).getPort();
      accepted = server.accept();
      ByteBuffer hello = ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII));
      while (hello.hasRemaining()) {
        client.write(hello);
      }
      awaitSteady();
    }

    /**
     * A listener on an ephemeral port that no socket of an earlier test still holds: the kernel
     * hands out a port again while TIME_WAIT sockets of its last user remain, and ss would list
     * them beside this connection's three.
     */
    private static ServerSocketChannel unusedPortListener(
        ProtocolFamily family, InetAddress loopback, int backlog) throws IOException {
      for (int attempt = 0; ; attempt++) {
        ServerSocketChannel s =
            family == null ? ServerSocketChannel.open() : ServerSocketChannel.open(family);
        s.bind(new InetSocketAddress(loopback, 0), backlog);
        int p = ((InetSocketAddress) s.getLocalAddress()).getPort();
        if (Ss.onPort(p).size() == 1 || attempt == 20) {
          return s;
        }
        s.close();
      }
    }

    /** The 5 bytes have arrived and are acknowledged: from now on nothing moves. */
    private void awaitSteady() throws IOException {
      try {
        awaitSs(() -> Ss.onPort(port), lines -> lines.size() == 3 && lines.stream().anyMatch(
            l -> l.localPort() == port && l.peerPort() == clientPort && l.recvQ() == 5)
            && lines.stream().anyMatch(
                l -> l.localPort() == clientPort && l.peerPort() == port && l.sendQ() == 0));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }

    @Override
    public void close() throws IOException {
      try (server;
          client;
          accepted) {
        // closes all three
      }
    }
  }

  private static void awaitSs(
      Supplier<List<Ss.Entry>> view, Predicate<List<Ss.Entry>> condition)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<Ss.Entry> last;
    do {
      last = view.get();
      if (condition.test(last)) {
        return;
      }
      Thread.onSpinWait();
    } while (System.nanoTime() < deadline);
    throw new AssertionError("ss never showed the expected state; last: " + last);
  }

  private static long myUid() throws IOException {
    for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
      if (line.startsWith("Uid:")) {
        return Long.parseLong(line.substring(4).trim().split("\\s+")[0]);
      }
    }
    throw new IllegalStateException("no Uid: line in /proc/self/status");
  }

  private static List<Map<String, Object>> jsonLines(AgentJarRun run) {
    assertThat(run.status()).as("%s", run).isEqualTo(0);
    assertThat(run.errWithoutJdkNativeAccessWarnings()).as("%s", run).isEmpty();
    return run.out().stream().map(Json::object).collect(Collectors.toList());
  }

  private static void assertSocketsOfPort(
      ProtocolFamily protocol, String loopback, String family, String addr, String any)
      throws Exception {
    try (Connection c = new Connection(protocol, InetAddress.getByName(loopback), 50)) {
      int p = c.port;
      int cp = c.clientPort;
      List<Map<String, Object>> got = jsonLines(AgentJarRun.of("sockets", "--json", "--port",
          Integer.toString(p)));
      Map<String, Long> ssInodes = new HashMap<>();
      for (Ss.Entry l : Ss.onPort(p)) {
        ssInodes.put(l.localPort() + ">" + l.peerPort(), l.inode());
      }
      assertThat(ssInodes).hasSize(3);
      assertThat(ssInodes.values()).doesNotContain(0L);
      long uid = myUid();

      List<Map<String, Object>> expected = new ArrayList<>();
      expected.add(socket("LISTEN", family, addr, p, any, 0, 0, 50, ssInodes.get(p + ">0"), uid));
      expected.add(socket("ESTABLISHED", family, addr, cp, addr, p, 0, 0,
          ssInodes.get(cp + ">" + p), uid));
      expected.add(socket("ESTABLISHED", family, addr, p, addr, cp, 5, 0,
          ssInodes.get(p + ">" + cp), uid));
      assertThat(got).containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  private static Map<String, Object> socket(String state, String family, String local,
      int localPort, String remote, int remotePort, long recvQ, long sendQ, long inode, long uid) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("state", state);
    m.put("family", family);
    m.put("local_address", local);
    m.put("local_port", (long) localPort);
    m.put("remote_address", remote);
    m.put("remote_port", (long) remotePort);
    m.put("recv_q", recvQ);
    m.put("send_q", sendQ);
    m.put("inode", inode);
    m.put("uid", uid);
    m.put("pid", ME);
    m.put("timer", "off");
    m.put("timer_expires_ms", 0L);
    m.put("retransmits", 0L);
    m.put("source", "netlink");
    return m;
  }

  @Test
  void socketsJsonListsExactlyTheTestsIpv4SocketsAsSsSeesThem() throws Exception {
    assertSocketsOfPort(StandardProtocolFamily.INET, "127.0.0.1", "ipv4", "127.0.0.1", "0.0.0.0");
  }

  @Test
  void socketsJsonListsExactlyTheTestsIpv6SocketsAsSsSeesThem() throws Exception {
    assumeTrue(canBind(InetAddress.getByName("::1")), "no IPv6 loopback (::1) on this machine");
    assertSocketsOfPort(StandardProtocolFamily.INET6, "::1", "ipv6", "::1", "::");
  }

  @Test
  void socketsJsonShowsJavasDualStackSocketsWithIpv4MappedAddresses() throws Exception {
    assumeTrue(canBind(InetAddress.getByName("::1")), "no IPv6 on this machine");
    assertSocketsOfPort(null, "127.0.0.1", "ipv6", "::ffff:127.0.0.1", "::");
  }

  private static boolean canBind(InetAddress address) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(address, 0));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void socketsTableColumnsAreTheOnesSsPrints() throws Exception {
    InetAddress v4 = InetAddress.getByName("127.0.0.1");
    InetAddress v6 = InetAddress.getByName("::1");
    boolean ipv6 = canBind(v6);
    try (Connection c4 = new Connection(StandardProtocolFamily.INET, v4, 7);
        Connection c6 = ipv6 ? new Connection(StandardProtocolFamily.INET6, v6, 9) : null;
        Connection mapped = ipv6 ? new Connection(null, v4, 11) : null) {
      for (Connection c : Arrays.asList(c4, c6, mapped)) {
        if (c == null) {
          continue;
        }
        AgentJarRun run = AgentJarRun.of("sockets", "--port", Integer.toString(c.port));
        assertThat(run.status()).as("%s", run).isEqualTo(0);
        assertThat(run.out().get(0))
            .startsWith("State  Recv-Q Send-Q")
            .contains("Local Address:Port")
            .contains("Peer Address:Port")
            .matches(".*Peer Address:Port +Inode +Uid +Pid/Process");
        List<String> ours = new ArrayList<>();
        for (String line : run.out().subList(1, run.out().size())) {
          String[] t = line.trim().split("\\s+");
          ours.add(String.join(" ", Arrays.asList(t).subList(0, 5)));
          assertThat(t[7]).isEqualTo(ME + "/java");
        }
        List<String> ss = Ss.onPort(c.port).stream()
            .map(e -> String.join(" ", e.columns().subList(0, 5)))
            .collect(Collectors.toList());
        assertThat(ss).hasSize(3);
        assertThat(ours).containsExactlyInAnyOrderElementsOf(ss);
      }
    }
  }

  @Test
  void socketsOfAPidAreExactlyThatProcesssSockets() throws Exception {
    try (Connection c = new Connection(null, InetAddress.getByName("127.0.0.1"), 50)) {
      Set<Long> mine = new HashSet<>();
      for (Ss.Entry l : Ss.onPort(c.port)) {
        if (l.inode() != 0) { // a TIME_WAIT socket left on the port number by an earlier user
          mine.add(l.inode());
        }
      }
      List<Map<String, Object>> all =
          jsonLines(AgentJarRun.of("sockets", "--json", "--pid", Long.toString(ME)));
      assertThat(all).allSatisfy(s -> assertThat(s.get("pid")).isEqualTo(ME));
      assertThat(all.stream().map(s -> (Long) s.get("inode")).collect(Collectors.toSet()))
          .containsAll(mine);
      List<Map<String, Object>> port = jsonLines(AgentJarRun.of(
          "sockets", "--json", "--pid", Long.toString(ME), "--port", Integer.toString(c.port),
          "--state", "established"));
      assertThat(port).hasSize(2);
      assertThat(port).allSatisfy(s -> assertThat(s.get("state")).isEqualTo("ESTABLISHED"));

      Process child = new ProcessBuilder("sleep", "60").start();
      try {
        AgentJarRun none = AgentJarRun.of("sockets", "--json", "--pid", Long.toString(child.pid()));
        assertThat(jsonLines(none)).isEmpty();
      } finally {
        child.destroy();
        child.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void socketsWithInfoCarryTcpInfoCongestionAndMemory() throws Exception {
    try (Connection c = new Connection(null, InetAddress.getByName("127.0.0.1"), 50)) {
      List<Map<String, Object>> got = jsonLines(AgentJarRun.of("sockets", "--json", "--info",
          "--port", Integer.toString(c.port), "--state", "established"));
      assertThat(got).hasSize(2);
      String congestion =
          Files.readString(Paths.get("/proc/sys/net/ipv4/tcp_congestion_control")).strip();
      for (Map<String, Object> s : got) {
        @SuppressWarnings("unchecked")
        Map<String, Object> info = (Map<String, Object>) s.get("tcp_info");
        assertThat(info).containsEntry("state", 1L);
        assertThat(s.get("congestion")).isEqualTo(congestion);
        @SuppressWarnings("unchecked")
        Map<String, Object> skmem = (Map<String, Object>) s.get("skmem");
        assertThat(skmem.keySet()).containsExactly("r", "rb", "t", "tb", "f", "w", "o", "bl", "d");
        boolean receiver = s.get("local_port").equals((long) c.port);
        assertThat(info).containsEntry("bytes_received", receiver ? 5L : 0L);
        // the SYN counts as one byte acknowledged on the connecting side only
        assertThat(info).containsEntry("bytes_acked", receiver ? 0L : 6L);
      }
      AgentJarRun table = AgentJarRun.of("sockets", "--info", "--port",
          Integer.toString(c.port), "--state", "established");
      assertThat(table.out()).hasSize(5);
      assertThat(table.out().get(2)).startsWith("\t skmem:(r").contains(" " + congestion + " ");
    }
  }

  @Test
  void listenersShowNeverAcceptedConnectionsAsQueueDepthAndTheBacklog() throws Exception {
    InetAddress lo = InetAddress.getByName("127.0.0.1");
    // An IPv4 listener with room, and java.net's default (dual-stack IPv6) one whose queue is
    // full: the kernel holds one connection more than the backlog.
    try (ServerSocketChannel roomy = ServerSocketChannel.open(StandardProtocolFamily.INET);
        ServerSocket full = new ServerSocket(0, 1, lo)) {
      roomy.bind(new InetSocketAddress(lo, 0), 3);
      List<InetSocketAddress> targets =
          List.of((InetSocketAddress) roomy.getLocalAddress(),
              (InetSocketAddress) full.getLocalSocketAddress());
      List<Socket> clients = new ArrayList<>();
      try {
        for (InetSocketAddress target : targets) {
          for (int i = 0; i < 2; i++) {
            Socket s = new Socket();
            clients.add(s);
            s.connect(target, 5_000);
          }
          awaitSs(() -> Ss.inState(TcpState.LISTEN, "sport = :" + target.getPort()),
              lines -> lines.size() == 1 && lines.get(0).recvQ() == 2);
        }
        assertListener(targets.get(0).getPort(), "ipv4", "127.0.0.1", 3, false);
        assertListener(targets.get(1).getPort(), "ipv6", "::ffff:127.0.0.1", 1, true);
      } finally {
        for (Socket s : clients) {
          s.close();
        }
      }
    }
  }

  private static void assertListener(
      int port, String family, String address, long backlog, boolean full) throws Exception {
    List<Ss.Entry> ss = Ss.inState(TcpState.LISTEN, "sport = :" + port);
    assertThat(ss).hasSize(1);
    assertThat(ss.get(0).sendQ()).isEqualTo(backlog);
    long inode = ss.get(0).inode();
    List<Map<String, Object>> got =
        jsonLines(AgentJarRun.of("listeners", "--json", "--port", Integer.toString(port)));
    assertThat(got).hasSize(1);
    assertThat(got.get(0))
        .containsExactly(
            entry("family", family),
            entry("address", address),
            entry("port", (long) port),
            entry("queue_depth", 2L),
            entry("backlog", backlog),
            entry("full", full),
            entry("syn_recv", 0L),
            entry("pid", ME),
            entry("inode", inode),
            entry("source", "netlink"));
    AgentJarRun table = AgentJarRun.of("listeners", "--port", Integer.toString(port));
    assertThat(table.status()).isEqualTo(0);
    assertThat(table.out()).hasSize(2);
    assertThat(table.out().get(0))
        .matches(" *Local Address:Port +Accept-Q Backlog Full SYN-Recv Inode +Pid/Process");
    assertThat(table.out().get(1).trim().split("\\s+"))
        .containsExactly(ss.get(0).columns().get(3), "2", Long.toString(backlog),
            full ? "FULL" : "-", "0", Long.toString(inode), ME + "/java");
  }

  /** The TcpExt names of /proc/net/netstat in the kernel's order. */
  private static List<String> kernelCounterNames(String file, String group) throws IOException {
    for (String line : Files.readAllLines(Paths.get(file))) {
      if (line.startsWith(group + ":") && !line.matches(group + ":[ 0-9-]*")) {
        return Arrays.asList(line.substring(group.length() + 1).trim().split("\\s+"));
      }
    }
    throw new IllegalStateException("no " + group + " header in " + file);
  }

  @Test
  void countersJsonHasTheSetupCountersThisKernelHas() throws Exception {
    List<Map<String, Object>> got = jsonLines(AgentJarRun.of("counters", "--json"));
    assertThat(got).hasSize(1);
    Map<String, Object> o = got.get(0);
    assertThat(o.keySet()).containsExactly("time", "delta", "TcpExt", "Tcp");
    assertThat(Duration.between(Instant.parse((String) o.get("time")), Instant.now()))
        .isBetween(Duration.ZERO, Duration.ofSeconds(60));
    assertThat(o.get("delta")).isEqualTo(false);
    List<String> ext = kernelCounterNames("/proc/net/netstat", "TcpExt");
    List<String> expectedExt = CounterSelection.TCP_EXT_SETUP.stream().filter(ext::contains)
        .collect(Collectors.toList());
    assertThat(expectedExt).contains("ListenOverflows", "ListenDrops", "TCPSynRetrans");
    @SuppressWarnings("unchecked")
    Map<String, Object> tcpExt = (Map<String, Object>) o.get("TcpExt");
    assertThat(tcpExt.keySet()).containsExactlyElementsOf(expectedExt);
    assertThat(tcpExt.get("ListenOverflows")).isInstanceOf(Long.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> tcp = (Map<String, Object>) o.get("Tcp");
    assertThat(tcp.keySet()).containsExactlyElementsOf(CounterSelection.TCP_SETUP);
  }

  @Test
  void countersAllHasEveryTcpExtAndTcpCounterInTheKernelsOrder() throws Exception {
    Map<String, Object> o = jsonLines(AgentJarRun.of("counters", "--json", "--all")).get(0);
    @SuppressWarnings("unchecked")
    Map<String, Object> tcpExt = (Map<String, Object>) o.get("TcpExt");
    @SuppressWarnings("unchecked")
    Map<String, Object> tcp = (Map<String, Object>) o.get("Tcp");
    assertThat(tcpExt.keySet())
        .containsExactlyElementsOf(kernelCounterNames("/proc/net/netstat", "TcpExt"));
    assertThat(tcp.keySet()).containsExactlyElementsOf(kernelCounterNames("/proc/net/snmp", "Tcp"));
  }

  @Test
  void countersWatchPrintsTheAskedNumberOfDeltas() throws Exception {
    List<Map<String, Object>> got =
        jsonLines(AgentJarRun.of("counters", "--json", "--watch", "0.2", "--count", "3"));
    assertThat(got).hasSize(3);
    Instant previous = Instant.MIN;
    for (Map<String, Object> o : got) {
      assertThat(o.get("delta")).isEqualTo(true);
      Instant t = Instant.parse((String) o.get("time"));
      assertThat(t).isAfter(previous);
      previous = t;
    }
    AgentJarRun table = AgentJarRun.of("counters", "--watch", "0.1", "--count", "1");
    assertThat(table.status()).isEqualTo(0);
    assertThat(table.out().get(0))
        .isEqualTo("# changes every 0.1 s; counters cover the whole network namespace, not one"
            + " process");
    assertThat(table.out().get(3)).startsWith("Group  Counter").endsWith("Change");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "bogus | unknown command 'bogus'",
        "--bogus | unknown option '--bogus'",
        "sockets --port abc | bad value for --port: 'abc'",
        "sockets --port 65536 | bad value for --port: '65536'",
        "sockets --port | missing value for --port",
        "sockets --state nonsense | bad value for --state: 'nonsense'",
        "sockets --pid notanumber | bad value for --pid: 'notanumber'",
        "sockets --pid 0 | bad value for --pid: '0'",
        "sockets --frob | unknown option '--frob'",
        "sockets stray | unexpected argument 'stray'",
        "listeners --port -5 | bad value for --port: '-5'",
        "listeners --state listen | unknown option '--state'",
        "counters --watch 0 | bad value for --watch: '0'",
        "counters --watch -1 | bad value for --watch: '-1'",
        "counters --watch x | bad value for --watch: 'x'",
        "counters --watch 1 --count 0 | bad value for --count: '0'",
        "counters --count 2 | --count 2 needs --watch",
      })
  void badCommandLinesExitTwoWithOneLineOnStandardError(String line, String says)
      throws Exception {
    AgentJarRun run = AgentJarRun.of(line.split(" "));
    assertThat(run.status()).as("%s", run).isEqualTo(2);
    assertThat(run.out()).as("%s", run).isEmpty();
    assertThat(run.err()).as("%s", run).hasSize(1);
    String command = line.startsWith("-") || line.equals("bogus") ? "" : " " + line.split(" ")[0];
    assertThat(run.err().get(0))
        .startsWith("synscope" + command + ": " + says)
        .endsWith("; see --help");
  }

  @Test
  void pidOfAProcessThatIsGoneIsABadValue() throws Exception {
    Process p = new ProcessBuilder("true").start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    AgentJarRun run = AgentJarRun.of("sockets", "--pid", Long.toString(p.pid()));
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err())
        .containsExactly("synscope sockets: bad value for --pid: '" + p.pid()
            + "' (expected the pid of a running process; there is none); see --help");
  }

  /** The JDK's attach would wait ten seconds for an answer from a process that is no JVM. */
  @Test
  void attachToAProcessThatIsNotAJvmSaysSoInOneLine() throws Exception {
    Process sleeper = new ProcessBuilder("sleep", "60").start();
    try {
      AgentJarRun run = AgentJarRun.of("attach", Long.toString(sleeper.pid()));
      assertThat(run.status()).as("%s", run).isEqualTo(1);
      assertThat(run.out()).as("%s", run).isEmpty();
      assertThat(run.errWithoutJdkNativeAccessWarnings())
          .as("%s", run)
          .containsExactly(
              "synscope attach: AttachFailedException: pid "
                  + sleeper.pid()
                  + " is not a Java virtual machine ("
                  + sleeper.info().command().orElseThrow()
                  + ": no libjvm.so among its mappings)");
      assertThat(sleeper.isAlive()).isTrue();
    } finally {
      sleeper.destroy();
      sleeper.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aRuntimeFailureIsOneLineAndExitOneAndItsStackTraceOnlyWhenDebugging() throws Exception {
    List<String> badProbe = List.of("-Dsynscope.probe=bogus");
    AgentJarRun run = AgentJarRun.of(badProbe, Map.of(), "listeners");
    assertThat(run.status()).as("%s", run).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    List<String> err = run.errWithoutJdkNativeAccessWarnings();
    assertThat(err).as("%s", run).hasSize(1);
    assertThat(err.get(0))
        .startsWith("synscope listeners: IllegalArgumentException: ")
        .contains("synscope.probe")
        .contains("'bogus'");

    AgentJarRun debug = AgentJarRun.of(badProbe, Map.of("SYNSCOPE_DEBUG", "1"), "listeners");
    assertThat(debug.status()).isEqualTo(1);
    List<String> debugErr = debug.errWithoutJdkNativeAccessWarnings();
    assertThat(debugErr.get(0)).isEqualTo(err.get(0));
    assertThat(debugErr.get(1)).startsWith("java.lang.IllegalArgumentException: ");
    assertThat(debugErr.get(2)).startsWith("\tat ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"--help", "-h", "sockets --help", "listeners -h", "counters --help",
      "help sockets"})
  void helpExitsZeroWithUsageOnStandardOutput(String line) throws Exception {
    AgentJarRun run = AgentJarRun.of(line.split(" "));
    assertThat(run.status()).as("%s", run).isEqualTo(0);
    assertThat(run.err()).as("%s", run).isEmpty();
    assertThat(run.out().get(0)).startsWith("Usage: java -jar synscope-agent.jar ");
  }

  @Test
  void versionIsTheJarManifests() throws Exception {
    String version;
    try (JarFile jar = new JarFile(AgentJarRun.jar().toFile())) {
      version = jar.getManifest().getMainAttributes().getValue("Implementation-Version");
    }
    assertThat(version).isNotBlank();
    AgentJarRun run = AgentJarRun.of("--version");
    assertThat(run.status()).isEqualTo(0);
    assertThat(run.out()).containsExactly("synscope " + version);
  }
}
