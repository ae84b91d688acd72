package io.synscope.probe.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.synscope.probe.DataSource;
import io.synscope.probe.IpFamily;
import io.synscope.probe.SocketQuery;
import io.synscope.probe.SocketTimer;
import io.synscope.probe.TcpSocket;
import io.synscope.probe.TcpState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ProcTcpProbe against real loopback sockets, field by field against {@code ss -tanieH}. */
class ProcTcpProbeLiveTest {

  @BeforeAll
  static void needSs() {
    assumeTrue(ProcSsView.available(), "the ss command (iproute2) is not available");
  }

  @Test
  void ipv4SocketsMatchSs() throws Exception {
    try (LoopbackSockets s = LoopbackSockets.ipv4()) {
      List<TcpSocket> mine = settledSockets(s);
      assertThat(mine).allSatisfy(t -> assertThat(t.family()).isEqualTo(IpFamily.IPV4));
      assertMatchesSs(s, mine);
    }
  }

  @Test
  void ipv6SocketsMatchSs() throws Exception {
    try (LoopbackSockets s = LoopbackSockets.ipv6()) {
      List<TcpSocket> mine = settledSockets(s);
      assertThat(mine).allSatisfy(t -> assertThat(t.family()).isEqualTo(IpFamily.IPV6));
      assertMatchesSs(s, mine);
    }
  }

  @Test
  void ipv4MappedSocketsOfTheJdkDefaultMatchSs() throws Exception {
    try (LoopbackSockets s = LoopbackSockets.jdkDefault()) {
      List<TcpSocket> mine = settledSockets(s);
      assertMatchesSs(s, mine);
    }
  }

  @Test
  void familyFilterChoosesTheFile() throws Exception {
    try (LoopbackSockets s = LoopbackSockets.ipv4();
        ProcTcpProbe probe = new ProcTcpProbe()) {
      int port = s.listenerPort();
      SocketQuery v6only =
          SocketQuery.builder().families(IpFamily.IPV6).port(port).build();
      SocketQuery v4only =
          SocketQuery.builder().families(IpFamily.IPV4).port(port).build();
      assertThat(probe.list(v6only)).isEmpty();
      // the listener and, on each of the two connections, a client and a queued child
      assertThat(probe.list(v4only)).hasSize(1 + 2 * LoopbackSockets.QUEUED);
    }
  }

  @Test
  void closedProbeRefusesToDump() {
    ProcTcpProbe probe = new ProcTcpProbe();
    probe.close();
    org.assertj.core.api.Assertions.assertThatIllegalStateException()
        .isThrownBy(() -> probe.list(SocketQuery.all()))
        .withMessageContaining("closed");
  }

  /**
   * The test's sockets once the kernel has queued both connections and delivered the unread
   * bytes: listener, 2 clients, 2 queued children, pair listener, pair client, pair server.
   */
  private static List<TcpSocket> settledSockets(LoopbackSockets s) throws Exception {
    int listenerPort = s.listenerPort();
    int pairPort = s.pairPort();
    List<TcpSocket> out = new ArrayList<>();
    try (ProcTcpProbe probe = new ProcTcpProbe()) {
      await()
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(5))
          .until(
              () -> {
                out.clear();
                out.addAll(probe.list(SocketQuery.builder().port(listenerPort).build()));
                out.addAll(probe.list(SocketQuery.builder().port(pairPort).build()));
                return out.stream()
                    .anyMatch(
                        t -> t.isListener()
                            && t.localPort() == listenerPort
                            && t.recvQ() == LoopbackSockets.QUEUED)
                    && out.stream()
                        .anyMatch(
                            t -> t.localPort() == pairPort
                                && !t.isListener()
                                && t.recvQ() == LoopbackSockets.UNREAD);
              });
    }
    assertThat(out).hasSize(1 + 2 * LoopbackSockets.QUEUED + 3);
    return out;
  }

  private static void assertMatchesSs(LoopbackSockets s, List<TcpSocket> mine) throws Exception {
    int listenerPort = s.listenerPort();
    int pairPort = s.pairPort();
    List<ProcSsView.Row> ss =
        ProcSsView.snapshot().stream()
            .filter(r -> r.hasPort(listenerPort) || r.hasPort(pairPort))
            .collect(Collectors.toList());
    Map<String, ProcSsView.Row> ssByKey = new TreeMap<>();
    ss.forEach(r -> ssByKey.put(key(r), r));
    Map<String, TcpSocket> mineByKey = new TreeMap<>();
    mine.forEach(t -> mineByKey.put(key(t), t));
    assertThat(mineByKey.keySet()).containsExactlyElementsOf(ssByKey.keySet());

    for (TcpSocket t : mine) {
      ProcSsView.Row r = ssByKey.get(key(t));
      assertThat(t.state()).as("state of %s", key(t)).isEqualTo(r.state());
      assertThat(t.recvQ()).as("recv-q of %s", key(t)).isEqualTo(r.recvQ());
      if (t.isListener()) {
        // /proc has no backlog; ss has it from netlink
        assertThat(t.sendQ()).as("send-q of %s", key(t)).isEqualTo(-1);
        assertThat(r.sendQ()).isEqualTo(LoopbackSockets.BACKLOG);
      } else {
        assertThat(t.sendQ()).as("send-q of %s", key(t)).isEqualTo(r.sendQ());
      }
      assertThat(t.inode()).as("inode of %s", key(t)).isEqualTo(r.inode());
      assertThat(t.uid()).as("uid of %s", key(t)).isEqualTo(r.uid());
      assertThat(t.source()).isEqualTo(DataSource.PROC);
      assertThat(t.cookie()).isEqualTo(-1);
      assertThat(t.tcpInfo()).isNull();
      assertThat(t.timer()).isEqualTo(SocketTimer.NONE);
    }

    List<TcpSocket> byState =
        mine.stream().sorted(Comparator.comparing(TcpSocket::state)).collect(Collectors.toList());
    assertThat(byState.stream().filter(t -> t.state() == TcpState.LISTEN).count()).isEqualTo(2);
    assertThat(byState.stream().filter(t -> t.state() == TcpState.ESTABLISHED).count())
        .isEqualTo(2 * LoopbackSockets.QUEUED + 2);
    // queued children have no file yet, so no inode; the rest do
    assertThat(mine.stream().filter(t -> t.inode() == 0).count())
        .isEqualTo(LoopbackSockets.QUEUED);
  }

  private static String key(TcpSocket t) {
    return ProcSsView.ssAddress(t.localAddress()) + ":" + t.localPort() + " "
        + ProcSsView.ssAddress(t.remoteAddress()) + ":" + t.remotePort();
  }

  private static String key(ProcSsView.Row r) {
    return r.localAddress() + ":" + r.localPort() + " " + r.remoteAddress() + ":" + r.remotePort();
  }
}
