package io.synscope.probe.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.management.ThreadMXBean;
import io.synscope.probe.IpFamily;
import io.synscope.probe.SocketQuery;
import io.synscope.probe.SocketView;
import io.synscope.probe.TcpInfoField;
import io.synscope.probe.TcpSocket;
import io.synscope.probe.TcpState;
import io.synscope.probe.testing.TcpSockets;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Dumps as views read in place: the same sockets as the records, without allocating per socket. */
class SocketViewLiveTest {
  private static final Duration BOUND = Duration.ofSeconds(15);
  private static NetlinkTcpProbe probe;

  @BeforeAll
  static void open() {
    probe = NetlinkTcpProbe.open();
  }

  @AfterAll
  static void close() {
    probe.close();
  }

  @Test
  void viewsSayWhatTheRecordsSay() throws Exception {
    try (TcpSockets sockets = new TcpSockets(InetAddress.getByName("127.0.0.1"))) {
      ServerSocketChannel listener = sockets.listen(8);
      int port = listener.socket().getLocalPort();
      for (int i = 0; i < 3; i++) {
        sockets.established(listener);
      }
      SocketQuery query =
          SocketQuery.builder().port(port).families(IpFamily.IPV4).withInfo(true).build();
      await().atMost(BOUND).until(() -> probe.list(query).size() == 7);

      // Idle loopback sockets: every field below is stable between two dumps.
      List<TcpSocket> records = probe.list(query);
      List<TcpSocket> fromViews = new ArrayList<>();
      List<String> readInPlace = new ArrayList<>();
      probe.dumpViews(
          query,
          v -> {
            fromViews.add(v.toSocket());
            readInPlace.add(inPlace(v));
            return true;
          });
      assertThat(fromViews).hasSize(7);
      assertThat(readInPlace)
          .containsExactlyElementsOf(records.stream().map(SocketViewLiveTest::fromRecord).toList());
      assertThat(fromViews.stream().map(SocketViewLiveTest::fromRecord).toList())
          .containsExactlyElementsOf(readInPlace);
    }
  }

  @Test
  void aTcpInfoFieldOutsideTheKernelsStructIsRefusedByName() throws Exception {
    try (TcpSockets sockets = new TcpSockets(InetAddress.getByName("127.0.0.1"))) {
      int port = sockets.listen(4).socket().getLocalPort();
      SocketQuery withoutInfo = SocketQuery.builder().localPort(port).build();
      List<Boolean> had = new ArrayList<>();
      probe.dumpViews(
          withoutInfo,
          v -> {
            had.add(v.hasTcpInfo());
            assertThatThrownBy(() -> v.tcpInfo(TcpInfoField.RTT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("rtt");
            return true;
          });
      assertThat(had).containsExactly(false);
    }
  }

  @Test
  void aViewDumpAllocatesNothingPerSocket() throws Exception {
    int pairs = 200;
    try (TcpSockets sockets = new TcpSockets(InetAddress.getByName("127.0.0.1"))) {
      ServerSocketChannel listener = sockets.listen(pairs);
      int port = listener.socket().getLocalPort();
      for (int i = 0; i < pairs; i++) {
        sockets.established(listener);
      }
      SocketQuery query =
          SocketQuery.builder().port(port).families(IpFamily.IPV4).withInfo(true).build();
      await().atMost(BOUND).until(() -> probe.list(query).size() == 2 * pairs + 1);
      long[] sum = new long[1];
      Runnable dump =
          () ->
              probe.dumpViews(
                  query,
                  v -> {
                    sum[0] += v.localPort() + v.recvQ() + v.tcpInfo(TcpInfoField.RTT);
                    return v.state() != TcpState.CLOSE;
                  });
      for (int i = 0; i < 200; i++) {
        dump.run(); // let the JIT settle
      }
      ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
      long id = Thread.currentThread().getId();
      int dumps = 50;
      long before = threads.getThreadAllocatedBytes(id);
      for (int i = 0; i < dumps; i++) {
        dump.run();
      }
      long perDump = (threads.getThreadAllocatedBytes(id) - before) / dumps;
      // A dump's own few objects (two requests' lambdas, say) and no more: far below one byte
      // per socket, where a record per socket takes hundreds.
      assertThat(perDump).as("bytes allocated per dump of %d sockets", 2 * pairs + 1)
          .isLessThan(2 * pairs + 1);
      assertThat(sum[0]).isPositive();
    }
  }

  private static String inPlace(SocketView v) {
    return String.join(
        " ",
        v.family().name(),
        v.state().name(),
        v.localAddress().getHostAddress() + ":" + v.localPort(),
        v.remoteAddress().getHostAddress() + ":" + v.remotePort(),
        "q=" + v.recvQ() + "/" + v.sendQ(),
        "ino=" + v.inode(),
        "uid=" + v.uid(),
        "timer=" + v.timer(),
        "cookie=" + v.cookie(),
        "mss=" + v.tcpInfo(TcpInfoField.SND_MSS),
        "state#=" + v.tcpInfo(TcpInfoField.STATE),
        v.source().name());
  }

  private static String fromRecord(TcpSocket s) {
    return String.join(
        " ",
        s.family().name(),
        s.state().name(),
        s.localAddress().getHostAddress() + ":" + s.localPort(),
        s.remoteAddress().getHostAddress() + ":" + s.remotePort(),
        "q=" + s.recvQ() + "/" + s.sendQ(),
        "ino=" + s.inode(),
        "uid=" + s.uid(),
        "timer=" + s.timer(),
        "cookie=" + s.cookie(),
        "mss=" + s.tcpInfo().get(TcpInfoField.SND_MSS),
        "state#=" + s.tcpInfo().get(TcpInfoField.STATE),
        s.source().name());
  }
}
