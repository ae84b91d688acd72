package io.synscope.agent.listen;

import io.synscope.probe.DataSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * This process's listeners at one moment, read by {@link ListenerTable}.
 *
 * @param listeners the listeners, in the kernel's order
 * @param source where they were read from; {@link DataSource#PROC} listeners have no backlog
 * @param nanoTime {@link System#nanoTime()} when they were read
 */
public record ListenerSnapshot(List<Listener> listeners, DataSource source, long nanoTime) {

  public ListenerSnapshot {
    listeners = List.copyOf(listeners);
  }

  /** The listeners by {@link Listener#key()}, in order. */
  public Map<String, Listener> byKey() {
    Map<String, Listener> out = new LinkedHashMap<>();
    for (Listener l : listeners) {
      out.put(l.key(), l);
    }
    return out;
  }

  /** The listener with this key, or null. */
  public Listener find(String key) {
    for (Listener l : listeners) {
      if (l.key().equals(key)) {
        return l;
      }
    }
    return null;
  }
}
