package io.synscope.agent.listen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.synscope.probe.TcpProbe;
import io.synscope.probe.TcpProbes;
import io.synscope.probe.TcpState;
import io.synscope.probe.proc.StackCounters;
import io.synscope.probe.testing.Ss;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The listener table against real listeners, field by field against {@code ss}. */
class ListenerTableLiveTest {
  private final List<AutoCloseable> open = new ArrayList<>();
  private TcpProbe probe;

  @BeforeEach
  void openProbe() {
    assumeTrue(Ss.hasTool("ss"), "ss (iproute2) is needed as the reference");
    probe = TcpProbes.netlink();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    if (probe != null) {
      probe.close();
    }
  }

  @Test
  void listenerWithBacklogTwoAndThreeQueuedConnectionsIsFullAsSsShows() throws IOException {
    ServerSocket server = listen(2);
    int port = server.getLocalPort();
    for (int i = 0; i < 3; i++) {
      connect(port);
    }

    Listener l = new ListenerTable(probe).read().find("127.0.0.1:" + port);

    List<Ss.Entry> ss = Ss.inState(TcpState.LISTEN, "sport = :" + port);
    assertThat(ss).hasSize(1);
    assertThat(l).isNotNull();
    assertThat(l.queueDepth()).isEqualTo(3).isEqualTo(ss.get(0).recvQ());
    assertThat(l.backlog()).isEqualTo(2).isEqualTo(ss.get(0).sendQ());
    assertThat(l.queueFull()).isTrue();
    assertThat(l.atLimit()).isTrue();
    assertThat(l.inodes()).containsExactly(ss.get(0).inode());
    assertThat(l.synRecv()).isZero();
    assertThat(l.port()).isEqualTo(port);
    assertThat(l.addressText()).isEqualTo("127.0.0.1");
    assertThat(l.networkType()).isEqualTo("ipv4");
    // Java's ServerSocket is a dual-stack IPv6 socket: ss shows [::ffff:127.0.0.1]:port.
    assertThat(ss.get(0).columns().get(3)).isEqualTo("[::ffff:127.0.0.1]:" + port);
  }

  @Test
  void listenersOfOtherProcessesAreLeftOutAndClosedOnesDisappear() throws IOException {
    ServerSocket server = listen(5);
    int port = server.getLocalPort();
    ListenerTable table = new ListenerTable(probe);
    assertThat(table.read().find("127.0.0.1:" + port)).isNotNull();

    ListenerTable noneOurs = new ListenerTable(probe, () -> new long[0]);
    assertThat(noneOurs.read().listeners()).isEmpty();

    server.close();
    assertThat(table.read().find("127.0.0.1:" + port)).isNull();
    assertThat(Ss.inState(TcpState.LISTEN, "sport = :" + port)).isEmpty();
  }

  /**
   * Request sockets stay in SYN_RECV when their final ACK finds the accept queue full. The clients
   * here delay that ACK (TCP_QUICKACK off puts a connecting socket in the kernel's pingpong mode,
   * and tcp_rcv_synsent_state_process then sends the ACK up to TCP_DELACK_MAX later), so their SYNs
   * pass while the queue is at its limit of 4 and their ACKs arrive after a fifth connection has
   * filled it.
   */
  @Test
  void synRecvRequestSocketsAreCountedForTheirListenerAsSsShows() throws Exception {
    ServerSocket server = listen(4);
    int port = server.getLocalPort();
    for (int i = 0; i < 4; i++) {
      connect(port);
    }
    long overflowsBefore = StackCounters.read().listenOverflows().getAsLong();
    for (int i = 0; i < 3; i++) {
      SocketChannel c = SocketChannel.open();
      open.add(c);
      c.setOption(ExtendedSocketOptions.TCP_QUICKACK, false);
      c.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }
    connect(port);

    List<Ss.Entry> ss = Ss.inState(TcpState.SYN_RECV, "sport = :" + port);
    Listener l = new ListenerTable(probe).read().find("127.0.0.1:" + port);

    assertThat(ss).hasSize(3);
    assertThat(l.synRecv()).isEqualTo(3);
    assertThat(l.queueDepth()).isEqualTo(5);
    assertThat(l.queueFull()).isTrue();
    // The delayed ACKs come and are dropped (ListenOverflows counts them): the requests stay.
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> StackCounters.read().listenOverflows().getAsLong() - overflowsBefore >= 3);
    assertThat(Ss.inState(TcpState.SYN_RECV, "sport = :" + port)).hasSize(3);
    assertThat(new ListenerTable(probe).read().find("127.0.0.1:" + port).synRecv()).isEqualTo(3);
  }

  private ServerSocket listen(int backlog) throws IOException {
    ServerSocket s = new ServerSocket();
    open.add(s);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), backlog);
    return s;
  }

  private void connect(int port) throws IOException {
    Socket c = new Socket();
    open.add(c);
    c.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
  }
}
