package io.synscope.probe;

/**
 * Where a {@link TcpSocket} record came from. Records from {@link #PROC} carry fewer fields: no
 * {@link TcpInfo}, no {@link SocketMemory}, no congestion algorithm.
 */
public enum DataSource {
  /** NETLINK_SOCK_DIAG / inet_diag, as {@code ss} reads it. */
  NETLINK,
  /** {@code /proc/net/tcp} and {@code /proc/net/tcp6}, as {@code netstat} reads it. */
  PROC
}
