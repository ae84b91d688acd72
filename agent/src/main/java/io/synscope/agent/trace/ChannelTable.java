package io.synscope.agent.trace;

import java.util.Map;
import java.util.WeakHashMap;

/**
 * What the tracer remembers about a channel between two JDK calls (a non-blocking connect until
 * finishConnect, an asynchronous accept until it completes). Keyed weakly by the channel (by
 * identity: channels don't override equals), so an abandoned channel costs nothing once
 * collected, and bounded, so a leak in the application cannot become one in the agent.
 */
final class ChannelTable<V> {
  private final Map<Object, V> entries = new WeakHashMap<>();
  private final int capacity;
  private volatile int size;
  private long overflowed;

  ChannelTable(int capacity) {
    this.capacity = capacity;
  }

  /** Remembers a value for the channel; returns false (and counts it) when full. */
  synchronized boolean put(Object channel, V value) {
    if (entries.size() >= capacity && !entries.containsKey(channel)) {
      overflowed++;
      return false;
    }
    entries.put(channel, value);
    size = entries.size();
    return true;
  }

  /** Forgets and returns the channel's value, if any. Cheap when the table is empty. */
  V remove(Object channel) {
    if (size == 0) {
      return null;
    }
    synchronized (this) {
      V v = entries.remove(channel);
      size = entries.size();
      return v;
    }
  }

  /** Values not remembered because the table was full. */
  synchronized long overflowed() {
    return overflowed;
  }
}
