package io.synscope.probe.linux;

import io.synscope.probe.TcpInfo;
import io.synscope.probe.linux.jna.SocketOptionReader;

/**
 * Reads {@code struct tcp_info} of a socket this process holds, by {@code getsockopt(fd,
 * IPPROTO_TCP, TCP_INFO)} (tcp(7)), decoded by the length the kernel returns.
 */
public final class TcpInfoSockopt {
  /** TCP_INFO (linux/tcp.h). */
  private static final int TCP_INFO = 11;

  private TcpInfoSockopt() {}

  /**
   * Prepares the fastest way to make the call here (the JDK's foreign function API, on JDK 24 and
   * later): a tenth of a second, for a thread that is not the application's; reads before it has
   * returned, or without it, go through JNA.
   *
   * @return how the call is made from now on, for a log line
   */
  public static String prepare() {
    return SocketOptionReader.prepareForeignCalls();
  }

  /**
   * The socket's tcp_info now.
   *
   * @param fd a TCP socket's file descriptor
   * @throws io.synscope.probe.NativeCallException named {@code getsockopt(TCP_INFO)} when the call
   *     fails (EBADF, ENOTSOCK, EOPNOTSUPP for a non-TCP socket)
   */
  public static TcpInfo read(int fd) {
    SocketOptionReader reader = SocketReaders.acquire();
    try {
      int length = reader.read(fd, InetDiag.IPPROTO_TCP, TCP_INFO, "getsockopt(TCP_INFO)");
      return TcpInfo.decode(reader.value(), Math.min(length, SocketReaders.VALUE_CAPACITY));
    } finally {
      SocketReaders.release(reader);
    }
  }
}
