package io.synscope.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.synscope.probe.linux.NetlinkTcpProbe;
import io.synscope.probe.testing.Ss;
import io.synscope.probe.testing.SsComparison;
import io.synscope.probe.testing.TcpSockets;
import java.net.InetAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class TcpProbesTest {

  @Test
  void fallbackToProcIsLoggedOnceWithTheCause() {
    Logger jul = Logger.getLogger(TcpProbes.class.getName());
    List<LogRecord> records = new ArrayList<>();
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            records.add(r);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    jul.addHandler(handler);
    try {
      AtomicBoolean logged = new AtomicBoolean();
      Throwable cause = new IllegalStateException("no sock_diag here");
      try (TcpProbe first = TcpProbes.open(null, false, cause, logged);
          TcpProbe second = TcpProbes.open("auto", false, cause, logged)) {
        assertThat(first.source()).isEqualTo(DataSource.PROC);
        assertThat(second.source()).isEqualTo(DataSource.PROC);
      }
      assertThat(records).hasSize(1);
      assertThat(records.get(0).getLevel()).isEqualTo(java.util.logging.Level.WARNING);
      assertThat(records.get(0).getMessage())
          .startsWith("netlink sock_diag is not available (java.lang.IllegalStateException: no"
              + " sock_diag here); reading TCP sockets from /proc/net/tcp");
    } finally {
      jul.removeHandler(handler);
    }
  }

  @Test
  void procCanBeForced() {
    try (TcpProbe p = TcpProbes.open(" PROC ", true, null, new AtomicBoolean())) {
      assertThat(p.source()).isEqualTo(DataSource.PROC);
    }
    try (TcpProbe p = TcpProbes.proc()) {
      assertThat(p.source()).isEqualTo(DataSource.PROC);
    }
  }

  @Test
  void systemPropertyIsHonouredByOpen() {
    String old = System.getProperty(TcpProbes.PROPERTY);
    try {
      System.setProperty(TcpProbes.PROPERTY, "proc");
      try (TcpProbe p = TcpProbes.open()) {
        assertThat(p.source()).isEqualTo(DataSource.PROC);
      }
      System.setProperty(TcpProbes.PROPERTY, "netlinky");
      assertThatIllegalArgumentException()
          .isThrownBy(TcpProbes::open)
          .withMessage("synscope.probe is 'netlinky'; expected auto, netlink or"
              + " proc");
    } finally {
      if (old == null) {
        System.clearProperty(TcpProbes.PROPERTY);
      } else {
        System.setProperty(TcpProbes.PROPERTY, old);
      }
    }
  }

  @Test
  void autoChoosesNetlinkExactlyWhenItIsAvailable() {
    String old = System.getProperty(TcpProbes.PROPERTY);
    System.clearProperty(TcpProbes.PROPERTY);
    try (TcpProbe p = TcpProbes.open()) {
      assertThat(p.source())
          .isEqualTo(NetlinkTcpProbe.isAvailable() ? DataSource.NETLINK : DataSource.PROC);
    } finally {
      if (old != null) {
        System.setProperty(TcpProbes.PROPERTY, old);
      }
    }
  }

  @Test
  void autoModeOpensNetlinkHereAndItReadsAListenersBacklogAsSsDoes() throws Exception {
    Assumptions.assumeTrue(
        NetlinkTcpProbe.isAvailable(),
        () -> "netlink sock_diag is unavailable: " + NetlinkTcpProbe.unavailabilityCause());
    Assumptions.assumeTrue(Ss.hasTool("ss"), "the ss tool (iproute2) is not installed");
    String old = System.getProperty(TcpProbes.PROPERTY);
    try (TcpSockets sockets = new TcpSockets(InetAddress.getByName("127.0.0.1"))) {
      ServerSocketChannel listener = sockets.listen(5);
      int port = listener.socket().getLocalPort();
      sockets.queueUnaccepted(listener, 1);
      SocketQuery query = SocketQuery.builder().localPort(port).build();
      for (String setting : new String[] {null, "auto"}) {
        if (setting == null) {
          System.clearProperty(TcpProbes.PROPERTY);
        } else {
          System.setProperty(TcpProbes.PROPERTY, setting);
        }
        try (TcpProbe p = TcpProbes.open()) {
          assertThat(p.source()).as("source with %s=%s", TcpProbes.PROPERTY, setting)
              .isEqualTo(DataSource.NETLINK);
          List<TcpSocket> seen = SsComparison.assertSameAsSs(
              () -> p.list(query), () -> Ss.sockets("sport = :" + port));
          // Only netlink knows a listener's backlog; the queued server side is the other socket.
          assertThat(seen).filteredOn(TcpSocket::isListener).singleElement()
              .satisfies(l -> {
                assertThat(l.sendQ()).isEqualTo(5);
                assertThat(l.recvQ()).isEqualTo(1);
                assertThat(l.source()).isEqualTo(DataSource.NETLINK);
              });
          assertThat(seen).hasSize(2);
        }
      }
    } finally {
      if (old == null) {
        System.clearProperty(TcpProbes.PROPERTY);
      } else {
        System.setProperty(TcpProbes.PROPERTY, old);
      }
    }
  }
}
