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
import io.synscope.probe.testing.Ss;
import io.synscope.probe.testing.SsComparison;
import io.synscope.probe.testing.TcpSockets;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ProcTcpProbe against real loopback sockets, field by field against {@code ss}. */
class ProcTcpProbeLiveTest {
  private static final int BACKLOG = 7;
  private static final int QUEUED = 2;
  private static final int UNREAD = 11;

  @BeforeAll
  static void needSs() {
    assumeTrue(Ss.hasTool("ss"), "the ss command (iproute2) is not available");
  }

  /**
   * A listener with {@link #QUEUED} connected clients it never accepts, and an accepted pair
   * whose server side holds {@link #UNREAD} unread bytes.
   */
  private record Scenario(ServerSocketChannel listener, ServerSocketChannel pairListener) {
    static Scenario open(TcpSockets sockets) {
      ServerSocketChannel listener = sockets.listen(BACKLOG);
      sockets.queueUnaccepted(listener, QUEUED);
      ServerSocketChannel pairListener = sockets.listen(BACKLOG);
      sockets.established(pairListener).clientSends(UNREAD);
      return new Scenario(listener, pairListener);
    }

    int listenerPort() {
      return listener.socket().getLocalPort();
    }

    int pairPort() {
      return pairListener.socket().getLocalPort();
    }

    List<TcpSocket> list(ProcTcpProbe probe) {
      List<TcpSocket> out = new ArrayList<>();
      out.addAll(probe.list(SocketQuery.builder().port(listenerPort()).build()));
      out.addAll(probe.list(SocketQuery.builder().port(pairPort()).build()));
      return out;
    }

    List<Ss.Entry> ss() {
      return Ss.sockets("sport = :" + listenerPort() + " or dport = :" + listenerPort()
          + " or sport = :" + pairPort() + " or dport = :" + pairPort());
    }
  }

  @Test
  void ipv4SocketsMatchSs() throws Exception {
    try (TcpSockets sockets = new TcpSockets(InetAddress.getByName("127.0.0.1"))) {
      Scenario s = Scenario.open(sockets);
      List<TcpSocket> mine = settledSockets(s);
      assertThat(mine).allSatisfy(t -> assertThat(t.family()).isEqualTo(IpFamily.IPV4));
      assertMatchesSs(s, mine);
    }
  }

  @Test
  void ipv6SocketsMatchSs() throws Exception {
    try (TcpSockets sockets = new TcpSockets(InetAddress.getByName("::1"))) {
      Scenario s = Scenario.open(sockets);
      List<TcpSocket> mine = settledSockets(s);
      assertThat(mine).allSatisfy(t -> assertThat(t.family()).isEqualTo(IpFamily.IPV6));
      assertMatchesSs(s, mine);
    }
  }

  /** Java's default sockets on a dual-stack host: IPv6 sockets with IPv4-mapped addresses. */
  @Test
  void ipv4MappedSocketsOfTheJdkDefaultMatchSs() throws Exception {
    try (TcpSockets sockets =
        new TcpSockets(InetAddress.getByName("127.0.0.1"), StandardProtocolFamily.INET6)) {
      Scenario s = Scenario.open(sockets);
      List<TcpSocket> mine = settledSockets(s);
      assertMatchesSs(s, mine);
    }
  }

  @Test
  void familyFilterChoosesTheFile() throws Exception {
    try (TcpSockets sockets = new TcpSockets(InetAddress.getByName("127.0.0.1"));
        ProcTcpProbe probe = new ProcTcpProbe()) {
      int port = Scenario.open(sockets).listenerPort();
      SocketQuery v6only =
          SocketQuery.builder().families(IpFamily.IPV6).port(port).build();
      SocketQuery v4only =
          SocketQuery.builder().families(IpFamily.IPV4).port(port).build();
      assertThat(probe.list(v6only)).isEmpty();
      // the listener and, on each of the two connections, a client and a queued child
      assertThat(probe.list(v4only)).hasSize(1 + 2 * QUEUED);
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
  private static List<TcpSocket> settledSockets(Scenario s) {
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
                out.addAll(s.list(probe));
                return out.stream()
                    .anyMatch(
                        t -> t.isListener()
                            && t.localPort() == listenerPort
                            && t.recvQ() == QUEUED)
                    && out.stream()
                        .anyMatch(
                            t -> t.localPort() == pairPort
                                && !t.isListener()
                                && t.recvQ() == UNREAD);
              });
    }
    assertThat(out).hasSize(1 + 2 * QUEUED + 3);
    return out;
  }

  private static void assertMatchesSs(Scenario s, List<TcpSocket> settled) {
    List<TcpSocket> mine;
    try (ProcTcpProbe probe = new ProcTcpProbe()) {
      mine = SsComparison.assertSameAsSs(DataSource.PROC, () -> s.list(probe), s::ss);
    }
    assertThat(mine).extracting(SsComparison::view)
        .containsExactlyInAnyOrderElementsOf(
            settled.stream().map(SsComparison::view).toList());

    for (TcpSocket t : mine) {
      if (t.isListener()) {
        // /proc has no backlog; ss has it from netlink
        assertThat(t.sendQ()).as("send-q of %s", SsComparison.view(t)).isEqualTo(-1);
      }
      assertThat(t.source()).isEqualTo(DataSource.PROC);
      assertThat(t.cookie()).isEqualTo(-1);
      assertThat(t.tcpInfo()).isNull();
      assertThat(t.timer()).isEqualTo(SocketTimer.NONE);
    }
    assertThat(s.ss()).filteredOn(e -> e.state() == TcpState.LISTEN)
        .extracting(Ss.Entry::sendQ)
        .containsExactly((long) BACKLOG, (long) BACKLOG);

    assertThat(mine.stream().filter(t -> t.state() == TcpState.LISTEN).count()).isEqualTo(2);
    assertThat(mine.stream().filter(t -> t.state() == TcpState.ESTABLISHED).count())
        .isEqualTo(2 * QUEUED + 2);
    // queued children have no file yet, so no inode; the rest do
    assertThat(mine.stream().filter(t -> t.inode() == 0).count()).isEqualTo(QUEUED);
  }
}
