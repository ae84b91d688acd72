package io.synscope.agent.listen;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.synscope.probe.DataSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * Gauges of this process's listening sockets, one set per listening address and port (tags {@code
 * address} and {@code port}): {@code tcp.listen.queue.depth} (connections established and waiting
 * for accept(), ss Recv-Q), {@code tcp.listen.queue.limit} (the backlog, ss Send-Q; not registered
 * when the kernel's tables come from /proc, which lacks it) and {@code tcp.listen.syn.recv}
 * (handshakes under way), plus {@code tcp.listen.sockets}, the number of listening sockets.
 *
 * <p>Listeners that open later get their gauges at the next read, those that close lose them.
 * Without the agent the listener table is read again when a gauge is read and the last reading is
 * older than a second; under the agent it is the listener poller's.
 *
 * <pre>{@code
 * new ListenerMetrics().bindTo(registry);
 * }</pre>
 */
public final class ListenerMetrics extends KernelMeterBinder {
  private final Consumer<ListenerSnapshot> observer = this::update;
  private boolean observing;

  public ListenerMetrics() {
    this(Tags.empty());
  }

  public ListenerMetrics(Iterable<Tag> tags) {
    this(tags, null);
  }

  /** Meters over {@code readings}; null for the standalone readings, made on first bind. */
  ListenerMetrics(Iterable<Tag> tags, KernelReadings readings) {
    super(tags, readings);
  }

  @Override
  void bind(MeterRegistry registry, KernelReadings readings) {
    if (!readings.listenersSupported()) {
      return;
    }
    meters.addGroup(
        registry,
        FIXED_GROUP,
        r ->
            List.of(
                Gauge.builder(ListenMeterNames.LISTEN_SOCKETS, () -> count(readings.listeners()))
                    .tags(tags)
                    .description("Listening TCP sockets of this process")
                    .baseUnit(ListenMeterNames.UNIT_SOCKETS)
                    .register(r)));
    if (!observing) {
      readings.observeListeners(observer);
      observing = true;
    }
    ListenerSnapshot now = readings.listeners();
    if (now != null) {
      addListeners(registry, now);
    }
  }

  private static double count(ListenerSnapshot snapshot) {
    if (snapshot == null) {
      return Double.NaN;
    }
    int n = 0;
    for (Listener l : snapshot.listeners()) {
      n += l.inodes().size();
    }
    return n;
  }

  /** Registers gauges for new listeners and removes those of closed ones. */
  private void update(ListenerSnapshot snapshot) {
    Set<String> keep = new HashSet<>();
    keep.add(FIXED_GROUP);
    for (Listener l : snapshot.listeners()) {
      keep.add(l.key());
    }
    meters.retainGroups(keep);
    for (MeterRegistry registry : meters.registries()) {
      addListeners(registry, snapshot);
    }
  }

  private void addListeners(MeterRegistry registry, ListenerSnapshot snapshot) {
    for (Listener l : snapshot.listeners()) {
      if (!meters.has(registry, l.key())) {
        meters.addGroup(registry, l.key(), r -> register(r, l, snapshot.source()));
      }
    }
  }

  private List<Meter> register(MeterRegistry registry, Listener listener, DataSource source) {
    String key = listener.key();
    Tags listenerTags =
        Tags.of(tags)
            .and(ListenMeterNames.TAG_ADDRESS, listener.addressText())
            .and(ListenMeterNames.TAG_PORT, Integer.toString(listener.port()));
    List<Meter> out = new ArrayList<>(3);
    out.add(
        gauge(
            registry,
            ListenMeterNames.LISTEN_QUEUE_DEPTH,
            listenerTags,
            key,
            Listener::queueDepth,
            "Connections established and waiting in the listener's accept queue for accept()"));
    if (source == DataSource.NETLINK) {
      out.add(
          gauge(
              registry,
              ListenMeterNames.LISTEN_QUEUE_LIMIT,
              listenerTags,
              key,
              l -> l.backlogKnown() ? l.backlog() : Double.NaN,
              "The accept queue's limit: the backlog given to listen(), capped by"
                  + " net.core.somaxconn; the kernel drops connections once the queue exceeds it"));
    }
    out.add(
        gauge(
            registry,
            ListenMeterNames.LISTEN_SYN_RECV,
            listenerTags,
            key,
            Listener::synRecv,
            "Handshakes under way to the listener: request sockets in SYN_RECV"));
    return out;
  }

  private Gauge gauge(
      MeterRegistry registry,
      String name,
      Tags listenerTags,
      String key,
      ToDoubleFunction<Listener> value,
      String description) {
    KernelReadings source = readings();
    return Gauge.builder(
            name,
            () -> {
              ListenerSnapshot snapshot = source.listeners();
              Listener l = snapshot == null ? null : snapshot.find(key);
              return l == null ? Double.NaN : value.applyAsDouble(l);
            })
        .tags(listenerTags)
        .description(description)
        .baseUnit(ListenMeterNames.UNIT_CONNECTIONS)
        .register(registry);
  }

  /** Removes this binder's meters from every registry it was bound to, and stops observing. */
  @Override
  public synchronized void close() {
    if (readings() != null) {
      readings().stopObserving(observer);
    }
    observing = false;
    super.close();
  }
}
