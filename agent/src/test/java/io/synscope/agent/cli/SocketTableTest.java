package io.synscope.agent.cli;

import static io.synscope.probe.testing.SocketRecords.listener;
import static io.synscope.probe.testing.SocketRecords.socket;
import static org.assertj.core.api.Assertions.assertThat;

import io.synscope.probe.IpFamily;
import io.synscope.probe.TcpState;
import java.util.List;
import org.junit.jupiter.api.Test;

class SocketTableTest {

  private static final List<OwnedSocket> SOCKETS =
      List.of(
          new OwnedSocket(listener(IpFamily.IPV4, "127.0.0.1", 43759, 1, 3), 3978L, "python3"),
          new OwnedSocket(
              socket(IpFamily.IPV4, TcpState.ESTABLISHED, "127.0.0.1", 35476, "127.0.0.1", 43759,
                  0, 0, 7412),
              null, null),
          new OwnedSocket(listener(IpFamily.IPV6, "::", 60241, 1, 5), 3978L, null),
          new OwnedSocket(
              socket(IpFamily.IPV6, TcpState.ESTABLISHED, "::ffff:127.0.0.1", 60241,
                  "::ffff:127.0.0.1", 48110, 0, 0, 0),
              null, null));

  @Test
  void columnsAreSizedToContentWithTheColonsOfAddressAndPortAligned() {
    // The first five columns match what ss -tan printed for the same sockets.
    assertThat(SocketTable.lines(SOCKETS, false))
        .containsExactly(
            "State  Recv-Q Send-Q      Local Address:Port        Peer Address:Port  Inode Uid  Pid/Process",
            "LISTEN 1      3               127.0.0.1:43759            0.0.0.0:*     47759 1000 3978/python3",
            "ESTAB  0      0               127.0.0.1:35476          127.0.0.1:43759 7412  1000 -",
            "LISTEN 1      5                       *:60241                  *:*     64241 1000 3978",
            "ESTAB  0      0      [::ffff:127.0.0.1]:60241 [::ffff:127.0.0.1]:48110 0     1000 -");
  }

  @Test
  void anEmptyTableIsItsHeader() {
    assertThat(SocketTable.lines(List.of(), true))
        .containsExactly(
            "State Recv-Q Send-Q Local Address:Port Peer Address:Port Inode Uid Pid/Process");
  }

  @Test
  void infoGoesOnAnIndentedLineBelowEachSocket() {
    List<String> lines = SocketTable.lines(SOCKETS.subList(0, 2), true);
    assertThat(lines).hasSize(5);
    assertThat(lines.get(1)).startsWith("LISTEN");
    assertThat(lines.get(2)).isEqualTo("\t (no tcp_info for this socket)");
    assertThat(lines.get(3)).startsWith("ESTAB");
    assertThat(lines.get(4)).isEqualTo("\t (no tcp_info for this socket)");
  }

  @Test
  void rightAlignedColumnsPadOnTheLeft() {
    TextTable t =
        new TextTable()
            .column("Name", TextTable.Align.LEFT)
            .column("Value", TextTable.Align.RIGHT)
            .row("ListenOverflows", "12")
            .row("X", "123456");
    assertThat(t.lines())
        .containsExactly(
            "Name             Value", "ListenOverflows     12", "X               123456");
  }
}
