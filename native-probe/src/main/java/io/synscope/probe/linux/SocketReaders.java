package io.synscope.probe.linux;

import io.synscope.probe.linux.jna.SocketOptionReader;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The reader a thread uses for its calls about one of its sockets ({@link TcpInfoSockopt}, {@link
 * SocketNames}): a platform thread's own, or one borrowed from a small pool by a virtual thread.
 * Acquire, call, release, on the same thread.
 */
final class SocketReaders {
  /** Room for tcp_info of kernels well beyond today's 252 bytes; the kernel copies at most this. */
  static final int VALUE_CAPACITY = 512;

  /** A platform thread's own reader: the cheapest way, for threads that live long. */
  private static final ThreadLocal<SocketOptionReader> OWN =
      ThreadLocal.withInitial(() -> new SocketOptionReader(VALUE_CAPACITY));

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

  private SocketReaders() {}

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

  static SocketOptionReader acquire() {
    if (!onVirtualThread()) {
      return OWN.get();
    }
    SocketOptionReader reader = POOL.poll();
    if (reader == null) {
      return new SocketOptionReader(VALUE_CAPACITY);
    }
    POOLED.decrementAndGet();
    return reader;
  }

  static void release(SocketOptionReader reader) {
    if (!onVirtualThread()) {
      return;
    }
    if (POOLED.incrementAndGet() <= POOLED_READERS) {
      POOL.offer(reader);
    } else {
      POOLED.decrementAndGet();
    }
  }
}
