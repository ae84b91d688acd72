package io.synscope.probe.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.synscope.probe.MalformedDataException;
import io.synscope.probe.NativeCallException;
import io.synscope.probe.testing.TcpSockets;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** getsockname(2) on a socket's own descriptor, against what the JDK says of the same socket. */
class SocketNamesTest {

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "::1", "mapped"})
  void bothEndsOfAConnectionAreWhereTheJdkSaysTheyAre(String kind) throws Exception {
    Assumptions.assumeTrue(
        NetlinkTcpProbe.isAvailable(), () -> "netlink: " + NetlinkTcpProbe.unavailabilityCause());
    try (TcpSockets sockets = TcpSockets.onLoopback(kind)) {
      TcpSockets.Connection c = sockets.established(sockets.listen(4));
      InetSocketAddress client = SocketNames.local(TcpSockets.fd(c.client()));
      InetSocketAddress server = SocketNames.local(TcpSockets.fd(c.server()));
      assertThat(client).isEqualTo(c.client().getLocalAddress());
      assertThat(server).isEqualTo(c.server().getLocalAddress());
      assertThat(client.getPort()).isEqualTo(c.clientPort());
      if (kind.equals("mapped")) {
        // An IPv6 socket's ::ffff:127.0.0.1, given back as the JDK gives it.
        assertThat(client.getAddress()).isInstanceOf(Inet4Address.class);
      }
    }
  }

  @Test
  void aBadDescriptorIsANativeCallException() {
    Assumptions.assumeTrue(
        NetlinkTcpProbe.isAvailable(), () -> "netlink: " + NetlinkTcpProbe.unavailabilityCause());
    assertThatThrownBy(() -> SocketNames.local(-1))
        .isInstanceOf(NativeCallException.class)
        .hasMessage("getsockname failed with error 9: Bad file descriptor");
  }

  @Test
  void decodesAnIpv4AddressWithItsPortInNetworkOrder() {
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
    b.putShort(0, (short) 2);
    b.order(ByteOrder.BIG_ENDIAN).putShort(2, (short) 50_000);
    b.put(4, (byte) 10).put(5, (byte) 1).put(6, (byte) 2).put(7, (byte) 3);
    assertThat(SocketNames.decode(b)).isEqualTo(new InetSocketAddress("10.1.2.3", 50_000));
  }

  @Test
  void anotherFamilyOrAShortAddressIsNamedInTheError() {
    ByteBuffer unix = ByteBuffer.allocate(110).order(ByteOrder.nativeOrder());
    unix.putShort(0, (short) 1);
    assertThatThrownBy(() -> SocketNames.decode(unix))
        .isInstanceOf(MalformedDataException.class)
        .hasMessage("getsockname: address family 1 is neither AF_INET nor AF_INET6");
    ByteBuffer cut = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
    cut.putShort(0, (short) 10);
    assertThatThrownBy(() -> SocketNames.decode(cut))
        .isInstanceOf(MalformedDataException.class)
        .hasMessage("getsockname: 20 bytes for address family 10, expected 28");
  }
}
