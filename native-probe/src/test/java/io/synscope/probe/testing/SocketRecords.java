package io.synscope.probe.testing;

import io.synscope.probe.DataSource;
import io.synscope.probe.IpFamily;
import io.synscope.probe.SocketMemory;
import io.synscope.probe.SocketTimer;
import io.synscope.probe.TcpInfo;
import io.synscope.probe.TcpSocket;
import io.synscope.probe.TcpState;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** TcpSocket records as plain data, written the way the kernel would report them. */
public final class SocketRecords {
  private SocketRecords() {}

  public static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  public static TcpSocket socket(
      IpFamily family,
      TcpState state,
      String local,
      int localPort,
      String remote,
      int remotePort,
      long recvQ,
      long sendQ,
      long inode) {
    return new TcpSocket(
        family, state, ip(local), localPort, ip(remote), remotePort, recvQ, sendQ, inode, 1000,
        SocketTimer.NONE, 0, 0, 77, null, null, null, DataSource.NETLINK);
  }

  /** A listener on {@code local}:{@code port} with this accept queue depth and backlog. */
  public static TcpSocket listener(
      IpFamily family, String local, int port, long depth, long backlog) {
    String any = family == IpFamily.IPV4 ? "0.0.0.0" : "::";
    return socket(family, TcpState.LISTEN, local, port, any, 0, depth, backlog, 4000 + port);
  }

  /** A request socket (SYN_RECV, no inode) of a handshake from {@code remote}:{@code rport}. */
  public static TcpSocket request(
      IpFamily family, String local, int port, String remote, int rport) {
    return socket(family, TcpState.SYN_RECV, local, port, remote, rport, 0, 0, 0);
  }

  public static TcpSocket withInfo(
      TcpSocket s, SocketTimer timer, long expires, int retransmits, TcpInfo info,
      SocketMemory memory, String congestion) {
    return new TcpSocket(
        s.family(), s.state(), s.localAddress(), s.localPort(), s.remoteAddress(), s.remotePort(),
        s.recvQ(), s.sendQ(), s.inode(), s.uid(), timer, retransmits, expires, s.cookie(), info,
        memory, congestion, s.source());
  }
}
