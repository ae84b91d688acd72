package io.synscope.probe.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.synscope.probe.IpFamily;
import io.synscope.probe.SocketMemory;
import io.synscope.probe.SocketQuery;
import io.synscope.probe.SocketTimer;
import io.synscope.probe.TcpInfo;
import io.synscope.probe.TcpSocket;
import io.synscope.probe.TcpState;
import io.synscope.probe.testing.NetworkNamespace;
import io.synscope.probe.testing.Ss;
import io.synscope.probe.testing.SsComparison;
import io.synscope.probe.testing.TcpSockets;
import java.net.InetAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The probe against the real kernel, compared with {@code ss} field by field. */
class NetlinkTcpProbeLiveTest {
  private static final Duration BOUND = Duration.ofSeconds(15);
  private static NetlinkTcpProbe probe;

  @BeforeAll
  static void open() {
    Assumptions.assumeTrue(
        NetlinkTcpProbe.isAvailable(),
        () -> "netlink sock_diag is unavailable: " + NetlinkTcpProbe.unavailabilityCause());
    Assumptions.assumeTrue(Ss.hasTool("ss"), "the ss tool (iproute2) is not installed");
    probe = NetlinkTcpProbe.open();
  }

  @AfterAll
  static void close() {
    if (probe != null) {
      probe.close();
    }
  }

  private static List<TcpSocket> probeOnPort(int port) {
    return probe.list(SocketQuery.builder().port(port).build());
  }

  private static List<Ss.Entry> ssOnPort(int port) {
    return Ss.onPort(port);
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "::1", "mapped"})
  void socketsInEveryLocalStateMatchSs(String kind) throws Exception {
    try (TcpSockets sockets = TcpSockets.onLoopback(kind)) {
      ServerSocketChannel listener = sockets.listen(8);
      int port = listener.socket().getLocalPort();
      sockets.established(listener);
      sockets.closeWaitAndFinWait2(listener);
      sockets.timeWait(listener);
      sockets.queueUnaccepted(listener, 2);
      await().atMost(BOUND).until(() -> ssOnPort(port).size() == 10
          && ssOnPort(port).stream().anyMatch(e -> e.state() == TcpState.LISTEN
          && e.recvQ() == 2));

      List<TcpSocket> seen =
          SsComparison.assertSameAsSs(() -> probeOnPort(port), () -> ssOnPort(port));

      // Two established pairs of which the server sides wait in the accept queue, one pair
      // established and accepted, one half-closed pair, one client in TIME_WAIT.
      assertThat(SsComparison.countStates(seen))
          .containsExactlyInAnyOrderEntriesOf(
              Map.of(
                  TcpState.LISTEN, 1,
                  TcpState.ESTABLISHED, 6,
                  TcpState.CLOSE_WAIT, 1,
                  TcpState.FIN_WAIT2, 1,
                  TcpState.TIME_WAIT, 1));
      IpFamily family = kind.equals("127.0.0.1") ? IpFamily.IPV4 : IpFamily.IPV6;
      assertThat(seen).allSatisfy(s -> assertThat(s.family()).isEqualTo(family));
      TcpSocket l = seen.stream().filter(TcpSocket::isListener).findFirst().orElseThrow();
      assertThat(l.recvQ()).isEqualTo(2);
      assertThat(l.sendQ()).isEqualTo(8);
      TcpSocket tw = seen.stream().filter(s -> s.state() == TcpState.TIME_WAIT).findFirst()
          .orElseThrow();
      assertThat(tw.timer()).isEqualTo(SocketTimer.TIME_WAIT);
      assertThat(tw.inode()).isZero();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "::1"})
  void aFullAcceptQueueLeavesFurtherClientsInSynSentRetrying(String kind) throws Exception {
    int backlog = 4;
    int extra = 2;
    try (TcpSockets sockets = TcpSockets.onLoopback(kind)) {
      ServerSocketChannel listener = sockets.listen(backlog);
      int port = listener.socket().getLocalPort();
      // One at a time, so each handshake completes before the next SYN arrives: the queue takes
      // backlog + 1 connections (full means longer than the backlog).
      for (int i = 1; i <= backlog + 1; i++) {
        sockets.connect(port);
        long queued = i;
        await().atMost(BOUND).until(() -> listenerQueue(port) == queued);
      }
      for (int i = 0; i < extra; i++) {
        sockets.startConnect(port);
      }
      await().atMost(BOUND).until(() -> ssOnPort(port).stream()
          .filter(e -> e.state() == TcpState.SYN_SENT && e.timerRetransmits() >= 1)
          .count() == extra);

      List<TcpSocket> seen =
          SsComparison.assertSameAsSs(() -> probeOnPort(port), () -> ssOnPort(port));

      TcpSocket l = seen.stream().filter(TcpSocket::isListener).findFirst().orElseThrow();
      assertThat(l.recvQ()).isEqualTo(backlog + 1);
      assertThat(l.sendQ()).isEqualTo(backlog);
      assertThat(l.acceptQueueFull()).isTrue();
      List<TcpSocket> synSent =
          seen.stream().filter(s -> s.state() == TcpState.SYN_SENT).toList();
      assertThat(synSent).hasSize(extra);
      assertThat(synSent).allSatisfy(s -> {
        assertThat(s.timer()).isEqualTo(SocketTimer.RETRANSMIT);
        assertThat(s.retransmits()).isPositive();
        assertThat(s.remotePort()).isEqualTo(port);
      });
      assertThat(SsComparison.countStates(seen)).containsExactlyInAnyOrderEntriesOf(
          Map.of(TcpState.LISTEN, 1, TcpState.ESTABLISHED, 2 * (backlog + 1),
              TcpState.SYN_SENT, extra));
    }
  }

  private static long listenerQueue(int port) {
    return Ss.sockets("sport = :" + port).stream().filter(e -> e.state() == TcpState.LISTEN)
        .mapToLong(Ss.Entry::recvQ).findFirst().orElse(-1);
  }

  @Test
  void synSentInANamespaceThatDropsSynsMatchesSs() throws Exception {
    NetworkNamespace.assumeSupported();
    int port = 4711;
    try (NetworkNamespace ns = NetworkNamespace.create("synscope-synsent");
        TcpSockets v4 = new TcpSockets(InetAddress.getByName("127.0.0.1"));
        TcpSockets v6 = new TcpSockets(InetAddress.getByName("::1"))) {
      ns.dropSynsTo(port);
      NetlinkTcpProbe nsProbe = ns.call(NetlinkTcpProbe::open);
      try {
        ns.call(() -> {
          v4.startConnect(port);
          v6.startConnect(port);
          return null;
        });
        await().atMost(BOUND).until(() -> ns.ss("dport = :" + port).stream()
            .filter(e -> e.state() == TcpState.SYN_SENT && e.timerRetransmits() >= 1)
            .count() == 2);

        List<TcpSocket> seen = SsComparison.assertSameAsSs(
            () -> nsProbe.list(SocketQuery.builder().remotePort(port).build()),
            () -> ns.ss("dport = :" + port));

        assertThat(seen).extracting(TcpSocket::family)
            .containsExactlyInAnyOrder(IpFamily.IPV4, IpFamily.IPV6);
        assertThat(seen).allSatisfy(s -> {
          assertThat(s.state()).isEqualTo(TcpState.SYN_SENT);
          assertThat(s.timer()).isEqualTo(SocketTimer.RETRANSMIT);
          assertThat(s.retransmits()).isPositive();
        });
        // The root namespace's probe does not see the namespace's sockets.
        assertThat(probe.list(SocketQuery.builder().remotePort(port)
            .states(TcpState.SYN_SENT).build())).isEmpty();
      } finally {
        nsProbe.close();
      }
    }
  }

  @Test
  void tcpInfoMemoryAndCongestionOfAnEstablishedSocketMatchSs() throws Exception {
    try (TcpSockets sockets = new TcpSockets(InetAddress.getByName("127.0.0.1"))) {
      ServerSocketChannel listener = sockets.listen(8);
      TcpSockets.Connection c = sockets.established(listener);
      int clientPort = c.clientPort();
      SocketQuery query = SocketQuery.builder().localPort(clientPort)
          .states(TcpState.ESTABLISHED).withInfo(true).build();
      String[] filter = {"sport = :" + clientPort};
      await().atMost(BOUND).until(() -> Ss.sockets(filter).size() == 1);

      for (int attempt = 0; ; attempt++) {
        TcpSocket before = probe.list(query).get(0);
        Ss.Entry ss = Ss.sockets(filter).get(0);
        TcpSocket after = probe.list(query).get(0);
        if (!before.memory().equals(after.memory()) && attempt < 20) {
          continue;
        }
        TcpInfo info = after.tcpInfo();
        assertThat(info.state()).isEqualTo(TcpState.ESTABLISHED.kernelCode());
        assertThat(info.rtoMicros() / 1000.0).isEqualTo(Double.parseDouble(ss.detail("rto")));
        String[] rtt = ss.detail("rtt").split("/");
        assertThat(info.rttMicros() / 1000.0).isCloseTo(Double.parseDouble(rtt[0]), within(5e-4));
        assertThat(info.rttVarMicros() / 1000.0)
            .isCloseTo(Double.parseDouble(rtt[1]), within(5e-4));
        assertThat(info.get(io.synscope.probe.TcpInfoField.SND_MSS))
            .isEqualTo(Long.parseLong(ss.detail("mss")));
        assertThat(info.get(io.synscope.probe.TcpInfoField.RCV_MSS))
            .isEqualTo(Long.parseLong(ss.detail("rcvmss")));
        assertThat(info.get(io.synscope.probe.TcpInfoField.ADVMSS))
            .isEqualTo(Long.parseLong(ss.detail("advmss")));
        assertThat(info.get(io.synscope.probe.TcpInfoField.PMTU))
            .isEqualTo(Long.parseLong(ss.detail("pmtu")));
        assertThat(info.sndCwnd()).isEqualTo(Long.parseLong(ss.detail("cwnd")));
        assertThat(info.segsOut()).isEqualTo(Long.parseLong(ss.detail("segs_out")));
        assertThat(info.bytesAcked()).isEqualTo(Long.parseLong(ss.detail("bytes_acked")));
        assertThat(after.congestion()).isEqualTo(ss.congestion())
            .isEqualTo(Ss.run(List.of("sysctl", "-n", "net.ipv4.tcp_congestion_control")).trim());
        SocketMemory m = after.memory();
        assertThat(new long[] {m.rmemAlloc(), m.rcvBuf(), m.wmemAlloc(), m.sndBuf(), m.fwdAlloc(),
            m.wmemQueued(), m.optMem(), m.backlog(), m.drops()})
            .containsExactly(ss.skmem("r"), ss.skmem("rb"), ss.skmem("t"), ss.skmem("tb"),
                ss.skmem("f"), ss.skmem("w"), ss.skmem("o"), ss.skmem("bl"), ss.skmem("d"));
        return;
      }
    }
  }

  @Test
  void aVisitorThatStopsEarlyLeavesTheProbeReadyForTheNextDump() throws Exception {
    try (TcpSockets sockets = new TcpSockets(InetAddress.getByName("127.0.0.1"))) {
      ServerSocketChannel listener = sockets.listen(8);
      int port = listener.socket().getLocalPort();
      for (int i = 0; i < 3; i++) {
        sockets.established(listener);
      }
      SocketQuery query = SocketQuery.builder().port(port).families(IpFamily.IPV4).build();
      await().atMost(BOUND).until(() -> probe.list(query).size() == 7);

      AtomicInteger visited = new AtomicInteger();
      probe.dump(query, s -> visited.incrementAndGet() < 2);
      assertThat(visited).hasValue(2);
      // A visitor that throws stops the dump; with more sockets than one datagram holds, the
      // next dump works only if the probe read the rest of the answer before rethrowing.
      assertThatThrownBy(() -> probe.dump(SocketQuery.all(), s -> {
        throw new IllegalStateException("visitor failed");
      })).hasMessage("visitor failed");
      assertThat(probe.list(query)).hasSize(7);
    }
  }

  @Test
  void aVisitorThatThrowsInAManyDatagramDumpLeavesTheProbeReadyForTheNextDump() throws Exception {
    // Hundreds of sockets with tcp_info take several datagrams: the kernel keeps the abandoned
    // dump running until it is read to its end, and refuses a new dump (EBUSY) until then.
    int pairs = 300;
    try (TcpSockets sockets = new TcpSockets(InetAddress.getByName("127.0.0.1"))) {
      ServerSocketChannel listener = sockets.listen(pairs);
      int port = listener.socket().getLocalPort();
      for (int i = 0; i < pairs; i++) {
        sockets.established(listener);
      }
      SocketQuery query =
          SocketQuery.builder().port(port).families(IpFamily.IPV4).withInfo(true).build();
      await().atMost(BOUND).until(() -> probe.list(query).size() == 2 * pairs + 1);

      for (int round = 0; round < 3; round++) {
        assertThatThrownBy(() -> probe.dump(query, s -> {
          throw new IllegalStateException("visitor failed");
        })).hasMessage("visitor failed");
        assertThat(probe.list(query)).hasSize(2 * pairs + 1);
      }
    }
  }

  @Test
  void listenerQueriesReturnOnlyListenersAndTheInodeFilterFindsOneSocket() throws Exception {
    try (TcpSockets sockets = new TcpSockets(InetAddress.getByName("::1"))) {
      ServerSocketChannel listener = sockets.listen(3);
      int port = listener.socket().getLocalPort();
      sockets.established(listener);
      List<TcpSocket> listeners = new ArrayList<>();
      probe.dump(SocketQuery.listeners(), s -> listeners.add(s));
      assertThat(listeners).allSatisfy(s -> assertThat(s.state()).isEqualTo(TcpState.LISTEN));
      TcpSocket ours = listeners.stream().filter(s -> s.localPort() == port).findFirst()
          .orElseThrow();
      assertThat(probe.list(SocketQuery.builder().inodes(new long[] {ours.inode()}).build()))
          .extracting(TcpSocket::localPort, TcpSocket::state)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(port, TcpState.LISTEN));
    }
  }

  @Test
  void aClosedProbeRefusesToDump() {
    NetlinkTcpProbe p = NetlinkTcpProbe.open();
    p.close();
    p.close();
    assertThatThrownBy(() -> p.list(SocketQuery.all()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the netlink probe is closed");
  }
}
