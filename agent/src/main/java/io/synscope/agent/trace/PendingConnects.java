package io.synscope.agent.trace;

import io.opentelemetry.context.Context;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Non-blocking connects in progress, from {@code connect()} returning false until {@code
 * finishConnect()} completes them. Keyed weakly by the channel (identity: channels don't override
 * equals), so an abandoned channel costs nothing once collected, and bounded, so a leak in the
 * application cannot become one in the agent.
 */
final class PendingConnects {
  /** What a pending connect remembers from its connect() call. */
  record Pending(long startNanos, InetSocketAddress remote, Context parent) {}

  private final Map<Object, Pending> pending = new WeakHashMap<>();
  private final int capacity;
  private volatile int size;
  private long overflowed;

  PendingConnects(int capacity) {
    this.capacity = capacity;
  }

  /** Remembers a connect in progress; returns false (and counts it) when full. */
  synchronized boolean put(Object channel, Pending p) {
    if (pending.size() >= capacity) {
      overflowed++;
      return false;
    }
    pending.put(channel, p);
    size = pending.size();
    return true;
  }

  /** Forgets and returns the channel's pending connect, if any. */
  Pending remove(Object channel) {
    if (size == 0) {
      return null;
    }
    synchronized (this) {
      Pending p = pending.remove(channel);
      size = pending.size();
      return p;
    }
  }

  /** Connects not traced because the table was full. */
  synchronized long overflowed() {
    return overflowed;
  }
}
