package io.synscope.probe.linux;

import io.synscope.probe.TcpInfo;
import io.synscope.probe.linux.jna.SocketOptionReader;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads {@code struct tcp_info} of a socket this process holds, by {@code getsockopt(fd,
 * IPPROTO_TCP, TCP_INFO)} (tcp(7)), decoded by the length the kernel returns.
 */
public final class TcpInfoSockopt {
  /** TCP_INFO (linux/tcp.h). */
  private static final int TCP_INFO = 11;
  /** Room for the struct of kernels well beyond today's 252 bytes; the kernel copies at most this. */
  private static final int BUFFER_SIZE = 512;

  /** Readers kept for reuse; more are made when many threads read at once, and then dropped. */
  private static final int POOLED_READERS = 16;

  /**
   * A pool rather than a thread-local: with virtual threads a thread-local reader would be a new
   * direct buffer for almost every call.
   */
  private static final ConcurrentLinkedQueue<SocketOptionReader> POOL =
      new ConcurrentLinkedQueue<>();

  private static final AtomicInteger POOLED = new AtomicInteger();

  private TcpInfoSockopt() {}

  /**
   * The socket's tcp_info now.
   *
   * @param fd a TCP socket's file descriptor
   * @throws io.synscope.probe.NativeCallException named {@code getsockopt(TCP_INFO)} when the call
   *     fails (EBADF, ENOTSOCK, EOPNOTSUPP for a non-TCP socket)
   */
  public static TcpInfo read(int fd) {
    SocketOptionReader reader = POOL.poll();
    if (reader == null) {
      reader = new SocketOptionReader(BUFFER_SIZE);
    } else {
      POOLED.decrementAndGet();
    }
    try {
      int length = reader.read(fd, InetDiag.IPPROTO_TCP, TCP_INFO, "getsockopt(TCP_INFO)");
      return TcpInfo.decode(reader.value(), Math.min(length, BUFFER_SIZE));
    } finally {
      if (POOLED.incrementAndGet() <= POOLED_READERS) {
        POOL.offer(reader);
      } else {
        POOLED.decrementAndGet();
      }
    }
  }
}
