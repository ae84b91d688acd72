package io.synscope.probe;

import java.net.InetAddress;

/**
 * One socket of a dump, read in place: from the kernel's answer in the probe's reused buffer
 * (netlink), without a record being built. Valid only during {@link SocketViewVisitor#visit}: keep
 * {@link #toSocket()} to hold on to a socket. The accessors mean what {@link TcpSocket}'s do.
 */
public interface SocketView {
  IpFamily family();

  TcpState state();

  InetAddress localAddress();

  int localPort();

  InetAddress remoteAddress();

  int remotePort();

  long recvQ();

  long sendQ();

  long inode();

  long uid();

  SocketTimer timer();

  int retransmits();

  long timerExpiresMillis();

  long cookie();

  DataSource source();

  /** True when tcp_info was asked for and the kernel sent it. */
  boolean hasTcpInfo();

  /** True when the kernel's tcp_info holds this field. */
  boolean hasTcpInfo(TcpInfoField field);

  /**
   * A tcp_info field, read in place.
   *
   * @throws IllegalStateException naming the field when the socket's tcp_info lacks it
   */
  long tcpInfo(TcpInfoField field);

  /** The socket as a record that outlives the visit. */
  TcpSocket toSocket();

  /** A view of a record, for probes that build records anyway (/proc). */
  static SocketView of(TcpSocket socket) {
    return new TcpSocketView(socket);
  }
}
