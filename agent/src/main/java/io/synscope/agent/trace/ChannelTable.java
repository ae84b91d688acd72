package io.synscope.agent.trace;

import io.synscope.agent.AgentLog;
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
  private final String what;
  private final int capacity;
  private volatile int size;

  /** @param what what the table holds, for the one line said when it is full */
  ChannelTable(String what, int capacity) {
    this.what = what;
    this.capacity = capacity;
  }

  /**
   * Remembers a value for the channel. When the table is full the value is not kept (that
   * channel's span is not made), and the first time that happens one line says so.
   */
  synchronized void put(Object channel, V value) {
    if (isFullFor(channel)) {
      return;
    }
    entries.put(channel, value);
    size = entries.size();
  }

  /** Remembers a value for the channel unless it has one already (or the table is full). */
  synchronized void putIfAbsent(Object channel, V value) {
    if (entries.containsKey(channel) || isFullFor(channel)) {
      return;
    }
    entries.put(channel, value);
    size = entries.size();
  }

  private boolean isFullFor(Object channel) {
    if (entries.size() >= capacity && !entries.containsKey(channel)) {
      AgentLog.warnOnce(
          "channel-table:" + what,
          capacity + " " + what + " at once: more are not traced until some end");
      return true;
    }
    return false;
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

  /**
   * Forgets the channel's value if it is this very value: of the threads that may end the same
   * operation, only the one that removes it does.
   *
   * @return whether it was there and is now forgotten
   */
  boolean remove(Object channel, V value) {
    if (size == 0) {
      return false;
    }
    synchronized (this) {
      if (entries.get(channel) != value) {
        return false;
      }
      entries.remove(channel);
      size = entries.size();
      return true;
    }
  }
}
