package io.synscope.probe.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.synscope.probe.NativeCallException;
import io.synscope.probe.SocketQuery;
import io.synscope.probe.TcpInfo;
import io.synscope.probe.TcpInfoField;
import io.synscope.probe.TcpState;
import io.synscope.probe.testing.TcpSockets;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** getsockopt(TCP_INFO) on a socket's own descriptor, against the netlink view of it. */
class TcpInfoSockoptTest {

  @Test
  void readsTheSameTcpInfoAsNetlinkShowsForTheSocket() throws Exception {
    Assumptions.assumeTrue(
        NetlinkTcpProbe.isAvailable(), () -> "netlink: " + NetlinkTcpProbe.unavailabilityCause());
    try (TcpSockets sockets = new TcpSockets(InetAddress.getByName("127.0.0.1"));
        NetlinkTcpProbe probe = NetlinkTcpProbe.open()) {
      TcpSockets.Connection c = sockets.established(sockets.listen(4));
      c.client().write(ByteBuffer.wrap(new byte[1000]));
      c.server().read(ByteBuffer.allocate(2000));
      SocketQuery query = SocketQuery.builder().localPort(c.clientPort())
          .states(TcpState.ESTABLISHED).withInfo(true).build();

      for (int attempt = 0; ; attempt++) {
        TcpInfo own = TcpInfoSockopt.read(TcpSockets.fd(c.client()));
        List<io.synscope.probe.TcpSocket> listed = probe.list(query);
        TcpInfo viaNetlink = listed.get(0).tcpInfo();
        TcpInfo ownAgain = TcpInfoSockopt.read(TcpSockets.fd(c.client()));
        if (!own.toString().equals(ownAgain.toString()) && attempt < 20) {
          continue;
        }
        assertThat(own.length()).isEqualTo(viaNetlink.length());
        for (TcpInfoField f : List.of(TcpInfoField.STATE, TcpInfoField.RTO, TcpInfoField.RTT,
            TcpInfoField.RTTVAR, TcpInfoField.SND_MSS, TcpInfoField.RCV_MSS, TcpInfoField.SND_CWND,
            TcpInfoField.TOTAL_RETRANS, TcpInfoField.BYTES_ACKED, TcpInfoField.BYTES_RECEIVED,
            TcpInfoField.SEGS_OUT, TcpInfoField.SEGS_IN, TcpInfoField.DATA_SEGS_OUT)) {
          assertThat(own.get(f)).as(f.key()).isEqualTo(viaNetlink.get(f));
        }
        assertThat(own.state()).isEqualTo(TcpState.ESTABLISHED.kernelCode());
        assertThat(own.get(TcpInfoField.DATA_SEGS_OUT)).isEqualTo(1);
        assertThat(own.bytesAcked()).isEqualTo(1001);
        return;
      }
    }
  }

  @Test
  void aBadDescriptorIsANativeCallException() {
    Assumptions.assumeTrue(
        NetlinkTcpProbe.isAvailable(), () -> "netlink: " + NetlinkTcpProbe.unavailabilityCause());
    assertThatThrownBy(() -> TcpInfoSockopt.read(-1))
        .isInstanceOf(NativeCallException.class)
        .hasMessage("getsockopt(TCP_INFO) failed with error 9: Bad file descriptor")
        .satisfies(e -> assertThat(((NativeCallException) e).errno()).isEqualTo(9));
  }

  /**
   * Once prepared, the call goes through the JDK's foreign function API where the JDK has it (24
   * and later here), and gives what JNA gave: the values, and the error of a bad descriptor.
   */
  @Test
  void preparedTheFasterCallGivesTheSameValuesAndErrors() throws Exception {
    Assumptions.assumeTrue(
        NetlinkTcpProbe.isAvailable(), () -> "netlink: " + NetlinkTcpProbe.unavailabilityCause());
    int feature = Runtime.version().feature();
    String how = TcpInfoSockopt.prepare();
    if (feature >= 24) {
      assertThat(how).isEqualTo("java.lang.foreign");
    } else if (feature < 22) {
      assertThat(how).isEqualTo("JNA (JDK " + feature + " has no final foreign function API)");
    }
    try (TcpSockets sockets = new TcpSockets(InetAddress.getByName("127.0.0.1"))) {
      TcpSockets.Connection c = sockets.established(sockets.listen(4));
      TcpInfo info = TcpInfoSockopt.read(TcpSockets.fd(c.client()));
      assertThat(TcpState.fromKernel(info.state())).isEqualTo(TcpState.ESTABLISHED);
      assertThat(info.get(TcpInfoField.BYTES_ACKED)).isEqualTo(1); // its own SYN
    }
    assertThatThrownBy(() -> TcpInfoSockopt.read(-1))
        .isInstanceOf(NativeCallException.class)
        .hasMessage("getsockopt(TCP_INFO) failed with error 9: Bad file descriptor");
  }
}
