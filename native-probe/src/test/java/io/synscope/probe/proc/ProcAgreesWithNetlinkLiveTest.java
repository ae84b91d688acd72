package io.synscope.probe.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.synscope.probe.DataSource;
import io.synscope.probe.IpFamily;
import io.synscope.probe.SocketQuery;
import io.synscope.probe.SocketTimer;
import io.synscope.probe.TcpSocket;
import io.synscope.probe.TcpState;
import io.synscope.probe.linux.NetlinkTcpProbe;
import io.synscope.probe.testing.NetworkNamespace;
import io.synscope.probe.testing.Ss;
import io.synscope.probe.testing.SsComparison;
import io.synscope.probe.testing.TcpSockets;
import java.net.InetAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The /proc fallback agrees with netlink on the same sockets: both probes read the sockets a test
 * creates, field by field against each other and against {@code ss}. /proc lacks, by design, the
 * socket cookie, a listener's backlog (send-q -1), tcp_info, socket memory and the congestion
 * algorithm; everything else must be the same.
 */
class ProcAgreesWithNetlinkLiveTest {
  private static final Duration BOUND = Duration.ofSeconds(15);
  private static final int BACKLOG = 8;
  private static final int QUEUED = 2;
  private static final int UNREAD = 11;
  /** The resolution of /proc's timer column: USER_HZ clock ticks of 10 ms. */
  private static final long PROC_TICK_MILLIS = 10;

  private static NetlinkTcpProbe netlink;
  private static ProcTcpProbe proc;

  @BeforeAll
  static void open() {
    Assumptions.assumeTrue(
        NetlinkTcpProbe.isAvailable(),
        () -> "netlink sock_diag is unavailable: " + NetlinkTcpProbe.unavailabilityCause());
    Assumptions.assumeTrue(Ss.hasTool("ss"), "the ss tool (iproute2) is not installed");
    netlink = NetlinkTcpProbe.open();
    proc = new ProcTcpProbe();
  }

  @AfterAll
  static void close() {
    if (netlink != null) {
      netlink.close();
    }
    if (proc != null) {
      proc.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "::1", "mapped"})
  void socketsInEveryLocalStateAgreeWithNetlinkAndSs(String kind) throws Exception {
    try (TcpSockets sockets = TcpSockets.onLoopback(kind)) {
      ServerSocketChannel listener = sockets.listen(BACKLOG);
      int port = listener.socket().getLocalPort();
      sockets.established(listener).clientSends(UNREAD);
      sockets.closeWaitAndFinWait2(listener);
      sockets.timeWait(listener);
      sockets.queueUnaccepted(listener, QUEUED);
      Supplier<List<Ss.Entry>> ss = () -> Ss.onPort(port);
      await().atMost(BOUND).until(() -> {
        List<Ss.Entry> now = ss.get();
        return now.size() == 10
            && now.stream().anyMatch(e -> e.state() == TcpState.LISTEN && e.recvQ() == QUEUED)
            && now.stream().anyMatch(e -> e.state() == TcpState.ESTABLISHED
                && e.recvQ() == UNREAD);
      });
      SocketQuery query = SocketQuery.builder().port(port).withInfo(true).build();
      Supplier<List<TcpSocket>> fromNetlink = () -> netlink.list(query);
      Supplier<List<TcpSocket>> fromProc = () -> proc.list(query);

      SsComparison.assertSameAsSs(fromNetlink, ss);
      SsComparison.assertSameAsSs(DataSource.PROC, fromProc, ss);
      SsComparison.Reading<TcpSocket> reading =
          SsComparison.assertProcAgreesWithNetlink(fromNetlink, fromProc);

      List<TcpSocket> procView = reading.reference();
      // The accepted pair (its server holding the unread bytes), the half-closed pair, the
      // queued pairs whose server sides wait in the accept queue, and the client in TIME_WAIT.
      assertThat(SsComparison.countStates(procView)).containsExactlyInAnyOrderEntriesOf(
          Map.of(
              TcpState.LISTEN, 1,
              TcpState.ESTABLISHED, 2 + 2 * QUEUED,
              TcpState.CLOSE_WAIT, 1,
              TcpState.FIN_WAIT2, 1,
              TcpState.TIME_WAIT, 1));
      IpFamily family = kind.equals("127.0.0.1") ? IpFamily.IPV4 : IpFamily.IPV6;
      assertThat(procView).allSatisfy(s -> assertThat(s.family()).isEqualTo(family));
      assertThat(reading.after()).allSatisfy(s -> assertThat(s.family()).isEqualTo(family));

      TcpSocket procListener = single(procView, TcpState.LISTEN);
      TcpSocket netlinkListener = single(reading.after(), TcpState.LISTEN);
      assertThat(procListener.recvQ()).isEqualTo(QUEUED);
      assertThat(netlinkListener.recvQ()).isEqualTo(QUEUED);
      assertThat(procListener.sendQ()).isEqualTo(-1);
      assertThat(netlinkListener.sendQ()).isEqualTo(BACKLOG);
      assertThat(procView).filteredOn(s -> s.recvQ() == UNREAD).singleElement()
          .satisfies(s -> assertThat(s.localPort()).isEqualTo(port));
      assertThat(procView).filteredOn(s -> s.inode() == 0)
          .extracting(TcpSocket::state)
          .containsExactlyInAnyOrder(TcpState.ESTABLISHED, TcpState.ESTABLISHED,
              TcpState.TIME_WAIT);
      TcpSocket timeWait = single(procView, TcpState.TIME_WAIT);
      assertThat(timeWait.timer()).isEqualTo(SocketTimer.TIME_WAIT);
      assertThat(timeWait.uid()).isZero();

      assertProcCarriesNoNetlinkOnlyFields(procView);
      assertThat(reading.after()).allSatisfy(s -> {
        assertThat(s.source()).isEqualTo(DataSource.NETLINK);
        // The kernel has no tcp_info, memory or congestion for a TIME_WAIT mini socket.
        boolean full = s.state() != TcpState.TIME_WAIT;
        assertThat(s.tcpInfo() != null).as("tcp_info of %s", s).isEqualTo(full);
        assertThat(s.memory() != null).as("memory of %s", s).isEqualTo(full);
        assertThat(s.congestion() != null).as("congestion of %s", s).isEqualTo(full);
      });
      assertTimersAgree(reading);
    }
  }

  @Test
  void synSentInANamespaceThatDropsSynsAgreesWithNetlinkAndSs() throws Exception {
    NetworkNamespace.assumeSupported();
    int port = 4712;
    try (NetworkNamespace ns = NetworkNamespace.create("synscope-procagree");
        TcpSockets v4 = new TcpSockets(InetAddress.getByName("127.0.0.1"));
        TcpSockets v6 = new TcpSockets(InetAddress.getByName("::1"))) {
      ns.dropSynsTo(port);
      NetlinkTcpProbe nsNetlink = ns.call(NetlinkTcpProbe::open);
      // /proc/self/net follows the main thread's namespace; thread-self is the calling thread's.
      ProcTcpProbe nsProc = new ProcTcpProbe(Path.of("/proc/thread-self/net"));
      try {
        ns.call(() -> {
          v4.startConnect(port);
          v6.startConnect(port);
          return null;
        });
        Supplier<List<Ss.Entry>> ss = () -> ns.ss("dport = :" + port);
        await().atMost(BOUND).until(() -> ss.get().stream()
            .filter(e -> e.state() == TcpState.SYN_SENT && e.timerRetransmits() >= 1)
            .count() == 2);
        SocketQuery query = SocketQuery.builder().remotePort(port).withInfo(true).build();
        Supplier<List<TcpSocket>> fromNetlink = () -> nsNetlink.list(query);
        Supplier<List<TcpSocket>> fromProc = () -> ns.call(() -> nsProc.list(query));

        SsComparison.assertSameAsSs(fromNetlink, ss);
        SsComparison.assertSameAsSs(DataSource.PROC, fromProc, ss);
        SsComparison.Reading<TcpSocket> reading =
            SsComparison.assertProcAgreesWithNetlink(fromNetlink, fromProc);

        List<TcpSocket> procView = reading.reference();
        assertThat(procView).extracting(TcpSocket::family)
            .containsExactlyInAnyOrder(IpFamily.IPV4, IpFamily.IPV6);
        assertThat(procView).allSatisfy(s -> {
          assertThat(s.state()).isEqualTo(TcpState.SYN_SENT);
          assertThat(s.timer()).isEqualTo(SocketTimer.RETRANSMIT);
          assertThat(s.retransmits()).isPositive();
          // The unacknowledged SYN takes one sequence number: write_seq - snd_una = 1.
          assertThat(s.sendQ()).isEqualTo(1);
        });
        assertProcCarriesNoNetlinkOnlyFields(procView);
        assertTimersAgree(reading);
        // This thread's /proc/net is the root namespace's, which does not hold these sockets.
        assertThat(nsProc.list(query)).isEmpty();
      } finally {
        nsNetlink.close();
      }
    }
  }

  private static void assertProcCarriesNoNetlinkOnlyFields(List<TcpSocket> procView) {
    assertThat(procView).allSatisfy(s -> {
      assertThat(s.source()).isEqualTo(DataSource.PROC);
      assertThat(s.cookie()).isEqualTo(-1);
      assertThat(s.tcpInfo()).isNull();
      assertThat(s.memory()).isNull();
      assertThat(s.congestion()).isNull();
    });
  }

  /**
   * Both count down to the same expiry. /proc truncates to 10 ms ticks and was read between the
   * two netlink readings, so it lies in (after - 10 ms, before]; without a timer all say 0.
   */
  private static void assertTimersAgree(SsComparison.Reading<TcpSocket> reading) {
    for (TcpSocket p : reading.reference()) {
      TcpSocket before = sameSocket(reading.before(), p);
      TcpSocket after = sameSocket(reading.after(), p);
      if (p.timer() == SocketTimer.NONE) {
        assertThat(new long[] {before.timerExpiresMillis(), p.timerExpiresMillis(),
            after.timerExpiresMillis()}).as("expiry of %s", p).containsOnly(0);
      } else {
        assertThat(p.timerExpiresMillis())
            .as("/proc's expiry of %s", p)
            .isGreaterThan(after.timerExpiresMillis() - PROC_TICK_MILLIS)
            .isLessThanOrEqualTo(before.timerExpiresMillis());
      }
    }
  }

  private static TcpSocket sameSocket(List<TcpSocket> netlinkReading, TcpSocket procSocket) {
    String view = SsComparison.view(procSocket);
    return netlinkReading.stream()
        .filter(s -> SsComparison.view(s, DataSource.PROC).equals(view))
        .findFirst()
        .orElseThrow();
  }

  private static TcpSocket single(List<TcpSocket> sockets, TcpState state) {
    List<TcpSocket> inState = sockets.stream().filter(s -> s.state() == state).toList();
    assertThat(inState).as("sockets in %s", state).hasSize(1);
    return inState.get(0);
  }
}
