package io.synscope.agent.listen;

import io.synscope.probe.DataSource;
import io.synscope.probe.TcpProbe;
import io.synscope.probe.TcpProbes;
import io.synscope.probe.TcpState;
import io.synscope.probe.proc.StackCounters;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The latest kernel readings the meters show: this process's listeners, its sockets by state, and
 * the namespace's stack counters. Each reading is tried once when this is made; one that fails then
 * is unsupported (said once, with the reason) and its meters are not registered. A later failed
 * read leaves the reading empty, which the meters show as NaN, never as zero.
 *
 * <p>Standing alone ({@link #standalone()}, what the binders use in an application without the
 * agent) the readings are refreshed when a meter reads them and they are older than a second. Under
 * the agent the listener poller refreshes listeners and counters every interval ({@link
 * #refreshListeners()}, {@link #refreshCounters()}) and the meters show what it read last; sockets
 * by state, which only meters need, are refreshed on read at most once a second.
 */
public final class KernelReadings implements AutoCloseable {
  /** How old a reading may be before a meter's read refreshes it. */
  static final long MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(1);

  private static final System.Logger LOG = System.getLogger(KernelReadings.class.getName());
  private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();
  private static KernelReadings standalone;

  private final TcpProbe probe;
  private final ListenerTable table;
  private final ProcessSockets sockets;
  private final Supplier<StackCounters> counterReader;
  private final boolean refreshOnRead;
  private final BiConsumer<String, String> warnOnce;
  private final List<Consumer<ListenerSnapshot>> listenerObservers = new CopyOnWriteArrayList<>();

  private final boolean listenersSupported;
  private final boolean socketsSupported;
  private final boolean countersSupported;

  private volatile ListenerSnapshot listeners;
  private volatile long listenersReadAt;
  private volatile Map<TcpState, Integer> socketStates;
  private volatile long socketStatesReadAt;
  private volatile StackCounters counters;
  private volatile long countersReadAt;

  KernelReadings(
      TcpProbe probe,
      ListenerTable table,
      ProcessSockets sockets,
      Supplier<StackCounters> counterReader,
      boolean refreshOnRead,
      BiConsumer<String, String> warnOnce) {
    this.probe = probe;
    this.table = table;
    this.sockets = sockets;
    this.counterReader = counterReader;
    this.refreshOnRead = refreshOnRead;
    this.warnOnce = warnOnce;
    this.listenersSupported = table != null && refreshListeners() != null;
    this.socketsSupported = sockets != null && refreshSocketStates() != null;
    this.countersSupported = refreshCounters() != null;
  }

  /**
   * The readings of this JVM for binders used without the agent, made on first use: a probe from
   * {@link TcpProbes#open()}, refreshed on read, warnings through {@link System.Logger}.
   */
  public static synchronized KernelReadings standalone() {
    if (standalone == null) {
      standalone = open(TcpProbes::open, true, KernelReadings::logOnce);
    }
    return standalone;
  }

  /**
   * Readings through a probe from {@code opener}; without one (it throws), only the stack counters.
   *
   * @param refreshOnRead true to refresh listeners and counters when a meter reads them (alone);
   *     false when a poller calls the refresh methods
   */
  static KernelReadings open(
      Supplier<TcpProbe> opener, boolean refreshOnRead, BiConsumer<String, String> warnOnce) {
    TcpProbe probe = null;
    try {
      probe = opener.get();
    } catch (RuntimeException | LinkageError e) {
      warnOnce.accept(
          "listen.probe",
          "cannot read the kernel's socket tables (" + e + "); no listener or socket meters");
    }
    return new KernelReadings(
        probe,
        probe == null ? null : new ListenerTable(probe),
        probe == null ? null : new ProcessSockets(probe),
        StackCounters::read,
        refreshOnRead,
        warnOnce);
  }

  private static void logOnce(String key, String message) {
    if (LOGGED.add(key)) {
      LOG.log(System.Logger.Level.WARNING, message);
    }
  }

  public boolean listenersSupported() {
    return listenersSupported;
  }

  public boolean socketStatesSupported() {
    return socketsSupported;
  }

  public boolean countersSupported() {
    return countersSupported;
  }

  /** Where listeners are read from, or null without a probe. */
  public DataSource source() {
    return probe == null ? null : probe.source();
  }

  /** Called with every listener snapshot read, successful ones only. */
  void observeListeners(Consumer<ListenerSnapshot> observer) {
    listenerObservers.add(observer);
  }

  void stopObserving(Consumer<ListenerSnapshot> observer) {
    listenerObservers.remove(observer);
  }

  /** The latest listeners, refreshed first when standing alone and stale; null if unreadable. */
  public ListenerSnapshot listeners() {
    if (refreshOnRead && stale(listenersReadAt)) {
      refreshListeners();
    }
    return listeners;
  }

  /** The latest stack counters, refreshed first when standing alone and stale; null if failed. */
  public StackCounters counters() {
    if (refreshOnRead && stale(countersReadAt)) {
      refreshCounters();
    }
    return counters;
  }

  /** This process's sockets by state, at most a second old; null if they cannot be read. */
  public Map<TcpState, Integer> socketStates() {
    if (stale(socketStatesReadAt)) {
      refreshSocketStates();
    }
    return socketStates;
  }

  /** Reads the listeners now and tells the observers; null (and said once) if that fails. */
  public synchronized ListenerSnapshot refreshListeners() {
    if (table == null) {
      return null;
    }
    listenersReadAt = System.nanoTime();
    try {
      listeners = table.read();
    } catch (RuntimeException e) {
      listeners = null;
      warnOnce.accept(
          "listen.listeners." + e.getClass().getName(),
          "cannot read this process's listening sockets: " + e);
      return null;
    }
    for (Consumer<ListenerSnapshot> o : listenerObservers) {
      o.accept(listeners);
    }
    return listeners;
  }

  /** Reads the stack counters now; null (and said once) if that fails. */
  public synchronized StackCounters refreshCounters() {
    countersReadAt = System.nanoTime();
    try {
      counters = counterReader.get();
    } catch (RuntimeException e) {
      counters = null;
      warnOnce.accept(
          "listen.counters." + e.getClass().getName(),
          "cannot read the TCP stack counters (/proc/net/netstat, /proc/net/snmp): " + e);
    }
    return counters;
  }

  private synchronized Map<TcpState, Integer> refreshSocketStates() {
    if (sockets == null) {
      return null;
    }
    if (!stale(socketStatesReadAt) && socketStates != null) {
      return socketStates;
    }
    socketStatesReadAt = System.nanoTime();
    try {
      socketStates = Map.copyOf(sockets.countByState());
    } catch (RuntimeException e) {
      socketStates = null;
      warnOnce.accept(
          "listen.sockets." + e.getClass().getName(),
          "cannot count this process's TCP sockets: " + e);
    }
    return socketStates;
  }

  private static boolean stale(long readAt) {
    return readAt == 0 || System.nanoTime() - readAt >= MAX_AGE_NANOS;
  }

  /** Closes the probe; the standalone readings stay open for the JVM's life. */
  @Override
  public void close() {
    if (probe != null && this != standalone) {
      probe.close();
    }
  }
}
