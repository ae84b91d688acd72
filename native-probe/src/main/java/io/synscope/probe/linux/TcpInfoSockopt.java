package io.synscope.probe.linux;

import io.synscope.probe.TcpInfo;
import io.synscope.probe.linux.jna.SocketOptionReader;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
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

  /** A platform thread's own reader: the cheapest way, for threads that live long. */
  private static final ThreadLocal<SocketOptionReader> OWN =
      ThreadLocal.withInitial(() -> new SocketOptionReader(BUFFER_SIZE));

  /** Readers kept for virtual threads; more are made when many read at once, and then dropped. */
  private static final int POOLED_READERS = 16;

  /**
   * A pool for virtual threads: most live for one task, and a thread-local reader would be a new
   * direct buffer for almost every call.
   */
  private static final ConcurrentLinkedQueue<SocketOptionReader> POOL =
      new ConcurrentLinkedQueue<>();

  private static final AtomicInteger POOLED = new AtomicInteger();

  /** {@code Thread.isVirtual()} on JDK 21 and later; null before, where all threads are platform. */
  private static final MethodHandle IS_VIRTUAL = isVirtualHandle();

  private static MethodHandle isVirtualHandle() {
    try {
      return MethodHandles.publicLookup()
          .findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
    } catch (ReflectiveOperationException e) {
      return null;
    }
  }

  private static boolean onVirtualThread() {
    if (IS_VIRTUAL == null) {
      return false;
    }
    try {
      return (boolean) IS_VIRTUAL.invokeExact(Thread.currentThread());
    } catch (Throwable t) {
      return false;
    }
  }

  private TcpInfoSockopt() {}

  /**
   * The socket's tcp_info now.
   *
   * @param fd a TCP socket's file descriptor
   * @throws io.synscope.probe.NativeCallException named {@code getsockopt(TCP_INFO)} when the call
   *     fails (EBADF, ENOTSOCK, EOPNOTSUPP for a non-TCP socket)
   */
  public static TcpInfo read(int fd) {
    if (!onVirtualThread()) {
      return read(fd, OWN.get());
    }
    SocketOptionReader reader = POOL.poll();
    if (reader == null) {
      reader = new SocketOptionReader(BUFFER_SIZE);
    } else {
      POOLED.decrementAndGet();
    }
    try {
      return read(fd, reader);
    } finally {
      if (POOLED.incrementAndGet() <= POOLED_READERS) {
        POOL.offer(reader);
      } else {
        POOLED.decrementAndGet();
      }
    }
  }

  private static TcpInfo read(int fd, SocketOptionReader reader) {
    int length = reader.read(fd, InetDiag.IPPROTO_TCP, TCP_INFO, "getsockopt(TCP_INFO)");
    return TcpInfo.decode(reader.value(), Math.min(length, BUFFER_SIZE));
  }
}
