package io.synscope.probe;

import java.net.InetAddress;

/** A {@link SocketView} of a record. */
final class TcpSocketView implements SocketView {
  private final TcpSocket s;

  TcpSocketView(TcpSocket s) {
    this.s = s;
  }

  @Override
  public IpFamily family() {
    return s.family();
  }

  @Override
  public TcpState state() {
    return s.state();
  }

  @Override
  public InetAddress localAddress() {
    return s.localAddress();
  }

  @Override
  public int localPort() {
    return s.localPort();
  }

  @Override
  public InetAddress remoteAddress() {
    return s.remoteAddress();
  }

  @Override
  public int remotePort() {
    return s.remotePort();
  }

  @Override
  public long recvQ() {
    return s.recvQ();
  }

  @Override
  public long sendQ() {
    return s.sendQ();
  }

  @Override
  public long inode() {
    return s.inode();
  }

  @Override
  public long uid() {
    return s.uid();
  }

  @Override
  public SocketTimer timer() {
    return s.timer();
  }

  @Override
  public int retransmits() {
    return s.retransmits();
  }

  @Override
  public long timerExpiresMillis() {
    return s.timerExpiresMillis();
  }

  @Override
  public long cookie() {
    return s.cookie();
  }

  @Override
  public DataSource source() {
    return s.source();
  }

  @Override
  public boolean hasTcpInfo() {
    return s.tcpInfo() != null;
  }

  @Override
  public boolean hasTcpInfo(TcpInfoField field) {
    return s.tcpInfo() != null && s.tcpInfo().has(field);
  }

  @Override
  public long tcpInfo(TcpInfoField field) {
    if (s.tcpInfo() == null) {
      throw new IllegalStateException("no tcp_info for this socket, so no " + field.key());
    }
    return s.tcpInfo().get(field);
  }

  @Override
  public TcpSocket toSocket() {
    return s;
  }
}
