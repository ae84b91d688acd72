package io.synscope.agent.trace;

import java.net.InetSocketAddress;

/**
 * The local address the JDK last read on each thread ({@code sun.nio.ch.Net.localAddress}). A
 * {@code java.net.Socket}'s connect and accept read it at their end and keep only its port; the
 * connect or accept that caused the read takes the address from here, and the agent need not ask
 * the kernel a second time.
 */
final class JdkLocalAddresses {
  /** One thread's last read. */
  private static final class Read {
    int fd = -1;
    long nanos;
    InetSocketAddress address;
  }

  private final ThreadLocal<Read> reads = ThreadLocal.withInitial(Read::new);

  /** The JDK read {@code address} as descriptor {@code fd}'s local end, on this thread, now. */
  void read(int fd, InetSocketAddress address) {
    Read r = reads.get();
    r.fd = fd;
    r.nanos = System.nanoTime();
    r.address = address;
  }

  /**
   * The local address the JDK read for {@code fd} on this thread since {@code sinceNanos} (a
   * {@link System#nanoTime()} reading), or null; forgotten once taken.
   */
  InetSocketAddress take(int fd, long sinceNanos) {
    Read r = reads.get();
    InetSocketAddress address = r.address;
    if (address == null) {
      return null;
    }
    r.address = null;
    return r.fd == fd && r.nanos - sinceNanos >= 0 ? address : null;
  }
}
