package io.synscope.probe;

import static io.synscope.probe.testing.SocketRecords.listener;
import static io.synscope.probe.testing.SocketRecords.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ListenerLookupTest {
  private static final TcpSocket WILDCARD4 = listener(IpFamily.IPV4, "0.0.0.0", 8080, 0, 50);
  private static final TcpSocket WILDCARD6 = listener(IpFamily.IPV6, "::", 8080, 0, 50);
  private static final TcpSocket EXACT4 = listener(IpFamily.IPV4, "127.0.0.2", 8080, 0, 50);
  private static final TcpSocket OTHER_PORT = listener(IpFamily.IPV4, "127.0.0.1", 9090, 0, 50);

  @Test
  void anExactAddressWinsOverAWildcardListedBeforeIt() {
    List<TcpSocket> listeners = List.of(OTHER_PORT, WILDCARD6, WILDCARD4, EXACT4);
    assertThat(indexOf(IpFamily.IPV4, "127.0.0.2", 8080, listeners)).isEqualTo(3);
  }

  @Test
  void aWildcardOfTheRequestsFamilyWinsOverADualStackOne() {
    List<TcpSocket> listeners = List.of(WILDCARD6, EXACT4, WILDCARD4);
    assertThat(indexOf(IpFamily.IPV4, "127.0.0.1", 8080, listeners)).isEqualTo(2);
    assertThat(indexOf(IpFamily.IPV6, "::1", 8080, listeners)).isEqualTo(0);
  }

  @Test
  void anIpv4HandshakeFallsToADualStackIpv6Wildcard() {
    assertThat(indexOf(IpFamily.IPV4, "127.0.0.1", 8080, List.of(EXACT4, WILDCARD6)))
        .isEqualTo(1);
  }

  @Test
  void anIpv6HandshakeNeverGoesToAnIpv4Listener() {
    assertThat(indexOf(IpFamily.IPV6, "::1", 8080, List.of(EXACT4, WILDCARD4))).isEqualTo(-1);
  }

  @Test
  void noListenerOnThePortIsMinusOne() {
    assertThat(indexOf(IpFamily.IPV4, "127.0.0.1", 7070, List.of(OTHER_PORT, WILDCARD4)))
        .isEqualTo(-1);
    assertThat(indexOf(IpFamily.IPV4, "127.0.0.1", 8080, List.of())).isEqualTo(-1);
  }

  @Test
  void ofListenersOnOneAddressAndPortTheFirstIsTaken() {
    TcpSocket reusePort = listener(IpFamily.IPV4, "127.0.0.2", 8080, 0, 50);
    TcpSocket wildcard4Again = listener(IpFamily.IPV4, "0.0.0.0", 8080, 0, 50);
    TcpSocket wildcard6Again = listener(IpFamily.IPV6, "::", 8080, 0, 50);
    assertThat(indexOf(IpFamily.IPV4, "127.0.0.2", 8080, List.of(EXACT4, reusePort)))
        .isEqualTo(0);
    assertThat(indexOf(IpFamily.IPV4, "127.0.0.1", 8080, List.of(WILDCARD4, wildcard4Again)))
        .isEqualTo(0);
    assertThat(indexOf(IpFamily.IPV6, "::1", 8080, List.of(WILDCARD6, wildcard6Again)))
        .isEqualTo(0);
    assertThat(indexOf(IpFamily.IPV4, "127.0.0.1", 8080, List.of(WILDCARD6, wildcard6Again)))
        .isEqualTo(0);
  }

  private static int indexOf(IpFamily family, String local, int port, List<TcpSocket> listeners) {
    String peer = family == IpFamily.IPV4 ? "127.0.0.9" : "::1";
    return ListenerLookup.indexOf(request(family, local, port, peer, 40000), listeners);
  }
}
