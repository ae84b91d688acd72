package io.synscope.probe.linux;

import io.synscope.probe.DataSource;
import io.synscope.probe.SocketQuery;
import io.synscope.probe.SocketVisitor;
import io.synscope.probe.TcpProbe;

/** Reads TCP sockets over NETLINK_SOCK_DIAG (inet_diag), as {@code ss} does. */
public final class NetlinkTcpProbe implements TcpProbe {

  private NetlinkTcpProbe() {}

  /** Opens a netlink sock_diag socket. */
  public static NetlinkTcpProbe open() {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** True if netlink sock_diag works on this system (checked once). */
  public static boolean isAvailable() {
    return false;
  }

  /** Why netlink sock_diag cannot be used here, or null when it can. */
  public static Throwable unavailabilityCause() {
    return new UnsupportedOperationException("not yet implemented");
  }

  @Override
  public DataSource source() {
    return DataSource.NETLINK;
  }

  @Override
  public void dump(SocketQuery query, SocketVisitor visitor) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  @Override
  public void close() {}
}
