package io.synscope.probe.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.synscope.probe.MalformedDataException;
import io.synscope.probe.testing.Mutations;
import io.synscope.probe.testing.TcpSockets;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The counters parser on /proc/net/netstat and /proc/net/snmp captured in a network namespace
 * after a listener with backlog 0 overflowed (four connects, three SYNs retransmitted) and one UDP
 * datagram to a closed port drew an ICMP port unreachable.
 */
class StackCountersTest {
  private static final String NETSTAT = Fixtures.text("proc-net-netstat.txt");
  private static final String SNMP = Fixtures.text("proc-net-snmp.txt");

  @Test
  void readsEveryGroupInTheKernelsOrder() {
    StackCounters c = parse(NETSTAT, SNMP);
    assertThat(c.groups().keySet())
        .containsExactly(
            "TcpExt", "IpExt", "MPTcpExt", "Ip", "Icmp", "IcmpMsg", "Tcp", "Udp", "UdpLite");
    assertThat(c.groups().get("TcpExt")).hasSize(135);
    assertThat(c.groups().get("IpExt")).hasSize(18);
    assertThat(c.groups().get("MPTcpExt")).hasSize(76);
    assertThat(c.groups().get("Tcp").keySet())
        .containsExactly(
            "RtoAlgorithm", "RtoMin", "RtoMax", "MaxConn", "ActiveOpens", "PassiveOpens",
            "AttemptFails", "EstabResets", "CurrEstab", "InSegs", "OutSegs", "RetransSegs",
            "InErrs", "OutRsts", "InCsumErrors");
    assertThat(c.groups().get("IcmpMsg")).containsExactly(Map.entry("InType3", 1L),
        Map.entry("OutType3", 1L));
  }

  @Test
  void typedAccessorsReadTheNamedCounters() {
    StackCounters c = parse(NETSTAT, SNMP);
    assertThat(c.listenOverflows()).hasValue(6);
    assertThat(c.listenDrops()).hasValue(6);
    assertThat(c.reqQFullDrop()).hasValue(0);
    assertThat(c.reqQFullDoCookies()).hasValue(0);
    assertThat(c.syncookiesSent()).hasValue(0);
    assertThat(c.syncookiesRecv()).hasValue(0);
    assertThat(c.syncookiesFailed()).hasValue(0);
    assertThat(c.tcpTimeouts()).hasValue(3);
    assertThat(c.synRetrans()).hasValue(3);
    assertThat(c.activeOpens()).hasValue(4);
    assertThat(c.passiveOpens()).hasValue(1);
    assertThat(c.attemptFails()).hasValue(0);
    assertThat(c.estabResets()).hasValue(0);
    assertThat(c.currEstab()).hasValue(2);
    assertThat(c.retransSegs()).hasValue(3);
    assertThat(c.inErrs()).hasValue(0);
    assertThat(c.outRsts()).hasValue(0);
    assertThat(c.get("Tcp", "MaxConn")).hasValue(-1);
    assertThat(c.get("Tcp", "RtoMax")).hasValue(120_000);
    assertThat(c.get("IpExt", "InOctets")).hasValue(618);
    assertThat(c.get("TcpExt", "TcpTimeoutRehash")).hasValue(3);
  }

  @Test
  void countersTheKernelLacksAreAbsentNotZero() {
    StackCounters c = parse(NETSTAT.replace("ListenOverflows", "SomethingElse"), SNMP);
    assertThat(c.listenOverflows()).isEmpty();
    assertThat(c.get("NoSuchGroup", "X")).isEmpty();
    assertThat(parse("Tcp: ActiveOpens\nTcp: 5\n").listenDrops()).isEmpty();
  }

  @Test
  void columnsAreReadByNameNotPosition() {
    StackCounters c = parse("TcpExt: ListenDrops ListenOverflows\nTcpExt: 9 4\n");
    assertThat(c.listenOverflows()).hasValue(4);
    assertThat(c.listenDrops()).hasValue(9);
  }

  @Test
  void repeatedGroupPairsAreMerged() {
    StackCounters c =
        parse("IcmpMsg: InType0 InType3\nIcmpMsg: 1 2\nIcmpMsg: OutType3\nIcmpMsg: 5\n");
    assertThat(c.groups().get("IcmpMsg"))
        .containsExactly(Map.entry("InType0", 1L), Map.entry("InType3", 2L),
            Map.entry("OutType3", 5L));
  }

  @Test
  void sinceSubtractsCountersAndKeepsGaugesAndSettings() {
    StackCounters before =
        parse("Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens CurrEstab\n"
            + "Tcp: 1 200 120000 -1 10 7\n"
            + "IcmpMsg: InType3\nIcmpMsg: 2\n"
            + "Ip: Forwarding DefaultTTL InReceives\nIp: 2 64 100\n"
            + "TcpExt: ListenOverflows Gone\nTcpExt: 5 1\n");
    StackCounters after =
        parse("Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens CurrEstab\n"
            + "Tcp: 1 200 120000 -1 25 3\n"
            + "IcmpMsg: InType3 OutType3\nIcmpMsg: 4 6\n"
            + "Ip: Forwarding DefaultTTL InReceives\nIp: 2 64 150\n"
            + "TcpExt: ListenOverflows New\nTcpExt: 8 1\n");
    StackCounters d = after.since(before);
    assertThat(d.groups().get("Tcp"))
        .containsExactly(
            Map.entry("RtoAlgorithm", 1L), Map.entry("RtoMin", 200L),
            Map.entry("RtoMax", 120_000L), Map.entry("MaxConn", -1L),
            Map.entry("ActiveOpens", 15L), Map.entry("CurrEstab", 3L));
    assertThat(d.groups().get("IcmpMsg"))
        .containsExactly(Map.entry("InType3", 2L), Map.entry("OutType3", 6L));
    assertThat(d.groups().get("Ip"))
        .containsExactly(Map.entry("Forwarding", 2L), Map.entry("DefaultTTL", 64L),
            Map.entry("InReceives", 50L));
    // "New" has no earlier value to subtract, "Gone" no current one
    assertThat(d.groups().get("TcpExt")).containsExactly(Map.entry("ListenOverflows", 3L));
    assertThat(d.listenOverflows()).hasValue(3);
  }

  @Test
  void groupsAreUnmodifiable() {
    StackCounters c = parse(NETSTAT, SNMP);
    assertThatThrownBy(() -> c.groups().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> c.groups().get("Tcp").put("X", 1L))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void mismatchedCountsAreMalformed() {
    assertThatThrownBy(() -> parse("Tcp: A B C\nTcp: 1 2\n"))
        .isInstanceOf(MalformedDataException.class)
        .hasMessage("/proc/net/netstat line 2: group Tcp has 3 names on line 1 but 2 values");
  }

  @Test
  void nonNumericValueIsMalformed() {
    String bad = SNMP.replace("Tcp: 1 200 120000 -1 4 ", "Tcp: 1 200 120000 -1 4x ");
    assertThatThrownBy(() -> parse(NETSTAT, bad))
        .isInstanceOf(MalformedDataException.class)
        .hasMessage("/proc/net/snmp line 8: value of Tcp ActiveOpens is '4x', not a signed"
            + " 64-bit decimal number");
  }

  @Test
  void headerWithoutValueLineIsMalformed() {
    String truncated = SNMP.substring(0, SNMP.lastIndexOf("UdpLite: 0"));
    assertThatThrownBy(() -> parse(NETSTAT, truncated))
        .isInstanceOf(MalformedDataException.class)
        .hasMessage("/proc/net/snmp line 11: header of group UdpLite has no value line after it");
  }

  @Test
  void valuesOfAnotherGroupAreMalformed() {
    assertThatThrownBy(() -> parse("Tcp: A\nUdp: 1\n"))
        .isInstanceOf(MalformedDataException.class)
        .hasMessage("/proc/net/netstat line 2: values of group Udp follow the header of group Tcp");
  }

  @Test
  void duplicateCounterIsMalformed() {
    assertThatThrownBy(() -> parse("Tcp: A A\nTcp: 1 2\n"))
        .isInstanceOf(MalformedDataException.class)
        .hasMessage("/proc/net/netstat line 1: counter Tcp A appears twice");
  }

  @Test
  void emptyFileTruncatedLineAndBlankLineAreMalformed() {
    assertThatThrownBy(() -> parse(""))
        .isInstanceOf(MalformedDataException.class)
        .hasMessage("/proc/net/netstat: empty file, expected header and value lines");
    assertThatThrownBy(() -> parse("Tcp: A B\nTcp:"))
        .isInstanceOf(MalformedDataException.class)
        .hasMessage("/proc/net/netstat line 2: expected 'Group: fields...' in 'Tcp:'");
    assertThatThrownBy(() -> parse("Tcp: A\nTcp: 1\n\nUdp: B\nUdp: 2\n"))
        .isInstanceOf(MalformedDataException.class)
        .hasMessage("/proc/net/netstat line 3: expected 'Group: fields...' in ''");
  }

  @Test
  void mutatedFilesOnlyEverFailAsMalformed() {
    Random random = new Random(4711L);
    int malformed = 0;
    for (int i = 0; i < 5_000; i++) {
      try {
        parse(Mutations.mutate(NETSTAT, random), Mutations.mutate(SNMP, random));
      } catch (MalformedDataException e) {
        assertThat(e.getMessage()).startsWith("/proc/net/");
        malformed++;
      }
    }
    assertThat(malformed).isGreaterThan(0);
    for (int i = 0; i < 2_000; i++) {
      try {
        parse(Mutations.randomBytes(random, random.nextInt(200)));
      } catch (MalformedDataException e) {
        assertThat(e.getMessage()).startsWith("/proc/net/netstat");
      }
    }
  }

  @Test
  void listenOverflowsGrowWhenAListenerWithBacklogOneIsFlooded() throws Exception {
    Path netstat = Paths.get("/proc/net/netstat");
    Path snmp = Paths.get("/proc/net/snmp");
    String netstatBefore = Files.readString(netstat, StandardCharsets.ISO_8859_1);
    String snmpBefore = Files.readString(snmp, StandardCharsets.ISO_8859_1);
    StackCounters before = parse(netstatBefore, snmpBefore);
    String[] after = new String[2];
    try (TcpSockets sockets = new TcpSockets(InetAddress.getByName("127.0.0.1"))) {
      int port = sockets.listen(1).socket().getLocalPort();
      // backlog 1 holds two finished connections; the rest of the SYNs are dropped and counted
      for (int i = 0; i < 5; i++) {
        sockets.startConnect(port);
      }
      await()
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(10))
          .until(
              () -> {
                after[0] = Files.readString(netstat, StandardCharsets.ISO_8859_1);
                after[1] = Files.readString(snmp, StandardCharsets.ISO_8859_1);
                return parse(after[0], after[1]).since(before).listenOverflows().getAsLong() >= 1;
              });
    }
    OptionalLong delta = parse(after[0], after[1]).since(before).listenOverflows();
    assertThat(delta.getAsLong())
        .isEqualTo(column(after[0], "ListenOverflows") - column(netstatBefore, "ListenOverflows"));
    assertThat(delta.getAsLong()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void readTakesBothFilesOfThisNamespace() {
    StackCounters c = StackCounters.read();
    assertThat(c.groups()).containsKeys("TcpExt", "Tcp", "Ip", "Udp");
    assertThat(c.get("Tcp", "MaxConn")).hasValue(-1);
    assertThat(c.get("Tcp", "RtoAlgorithm")).hasValue(1);
  }

  /** A TcpExt counter found the simple way, by the index of its name in the header line. */
  private static long column(String netstat, String name) {
    String[] lines = netstat.split("\n");
    String[] names = lines[0].split(" ");
    String[] values = lines[1].split(" ");
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return Long.parseLong(values[i]);
      }
    }
    throw new AssertionError(name + " not in the first line of /proc/net/netstat");
  }

  private static StackCounters parse(String netstat) {
    Map<String, String> texts = new LinkedHashMap<>();
    texts.put("/proc/net/netstat", netstat);
    return StackCounters.parse(texts);
  }

  private static StackCounters parse(String netstat, String snmp) {
    Map<String, String> texts = new LinkedHashMap<>();
    texts.put("/proc/net/netstat", netstat);
    texts.put("/proc/net/snmp", snmp);
    return StackCounters.parse(texts);
  }
}
