package io.synscope.agent.listen;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.opentelemetry.api.trace.Tracer;
import io.synscope.agent.AgentLog;
import io.synscope.agent.config.AgentConfig;
import io.synscope.agent.config.AgentOption;
import io.synscope.agent.export.AgentThreads;
import io.synscope.agent.trace.NanoClock;
import io.synscope.probe.DataSource;
import io.synscope.probe.TcpProbe;
import io.synscope.probe.TcpProbes;
import io.synscope.probe.proc.StackCounters;
import io.synscope.probe.proc.TcpSysctls;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Reads this process's listening sockets and the namespace's stack counters every {@code
 * synscope.listen.interval} on one daemon thread of the agent's (so its own netlink and /proc reads
 * are never traced), feeds the listener and stack meters, and reports accept-queue overflows as
 * {@code tcp.listen.overflow} spans and one warning per incident ({@link OverflowDetector}).
 *
 * <p>A poll that fails is said once per kind of failure and polling goes on. Without netlink the
 * listeners come from /proc/net/tcp, without backlogs, as {@link TcpProbes} chooses; when neither
 * listeners nor counters can be read at all, one line says so and the poller stops.
 */
public final class ListenerPoller implements AutoCloseable {
  private static final long CLOSE_WAIT_SECONDS = 5;

  private final long intervalNanos;
  private final Supplier<TcpProbe> probeOpener;
  private final Tracer tracer;
  private final MeterRegistry registry;
  private final OverflowDetector.IncidentLog log;
  private final ScheduledThreadPoolExecutor executor;
  private final NanoClock clock = NanoClock.system();

  // Touched by the poller thread only, after start.
  private KernelReadings readings;
  private OverflowDetector detector;
  private ListenerMetrics listenerMetrics;
  private TcpConnectionMetrics connectionMetrics;
  private TcpStackMetrics stackMetrics;
  private ListenerSnapshot previousListeners;
  private StackCounters previousCounters;
  private long previousPollEpochNanos;

  ListenerPoller(
      Duration interval,
      Supplier<TcpProbe> probeOpener,
      Tracer tracer,
      MeterRegistry registry,
      OverflowDetector.IncidentLog log) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("listen interval must be positive: " + interval);
    }
    this.intervalNanos = interval.toNanos();
    this.probeOpener = probeOpener;
    this.tracer = tracer;
    this.registry = registry;
    this.log = log;
    this.executor = new ScheduledThreadPoolExecutor(1, new AgentThreads("listen"));
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /**
   * Starts polling every {@code synscope.listen.interval} through the probe {@code synscope.probe}
   * chooses; the meters are registered in {@code registry} from the poller's thread once it has
   * checked what it can read.
   */
  public static ListenerPoller start(AgentConfig config, Tracer tracer, MeterRegistry registry) {
    String probe = config.getText(AgentOption.PROBE);
    ListenerPoller poller =
        new ListenerPoller(
            config.getDuration(AgentOption.LISTEN_INTERVAL),
            () -> TcpProbes.open(probe),
            tracer,
            registry,
            new OverflowDetector.IncidentLog() {
              @Override
              public void warn(String line) {
                AgentLog.warn(line);
              }

              @Override
              public void info(String line) {
                AgentLog.info(line);
              }
            });
    poller.begin();
    return poller;
  }

  void begin() {
    executor.execute(this::firstPoll);
  }

  private void firstPoll() {
    try {
      readings = KernelReadings.open(probeOpener, false, AgentLog::warnOnce);
      if (!readings.listenersSupported() && !readings.countersSupported()) {
        AgentLog.warn(
            "listener poller off: neither the process's listening sockets nor the TCP stack"
                + " counters can be read (see above)");
        readings.close();
        executor.shutdown();
        return;
      }
      detector = new OverflowDetector(tracer, TcpSysctls::read, log);
      listenerMetrics = new ListenerMetrics(Tags.empty(), readings);
      connectionMetrics = new TcpConnectionMetrics(Tags.empty(), readings);
      stackMetrics = new TcpStackMetrics(Tags.empty(), readings);
      listenerMetrics.bindTo(registry);
      connectionMetrics.bindTo(registry);
      stackMetrics.bindTo(registry);
      previousListeners = readings.listeners();
      previousCounters = readings.counters();
      previousPollEpochNanos = clock.nowEpochNanos();
      AgentLog.info(startedLine());
      executor.scheduleAtFixedRate(this::poll, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
    } catch (RuntimeException | LinkageError e) {
      AgentLog.warn("listener poller off: it could not start", e);
      executor.shutdown();
    }
  }

  private String startedLine() {
    StringBuilder b =
        new StringBuilder("listener poller: every ")
            .append(TimeUnit.NANOSECONDS.toMillis(intervalNanos))
            .append(" ms");
    if (readings.listenersSupported()) {
      int sockets = 0;
      for (Listener l : previousListeners.listeners()) {
        sockets += l.inodes().size();
      }
      b.append(", ")
          .append(sockets)
          .append(sockets == 1 ? " listening socket" : " listening sockets")
          .append(" of this process now, read through ")
          .append(readings.source() == DataSource.NETLINK ? "netlink" : "/proc/net/tcp");
      if (readings.source() == DataSource.PROC) {
        b.append(" (no backlogs, so full queues are seen only through the counters)");
      }
    } else {
      b.append(", stack counters only");
    }
    return b.toString();
  }

  private void poll() {
    try {
      // Counters first: a drop they count happened while a queue was full, before the listeners
      // are read, so the full queue is still there to be seen (unless accepted meanwhile).
      // Read the other way round, drops between the two reads would find no full listener.
      StackCounters counters = readings.countersSupported() ? readings.refreshCounters() : null;
      ListenerSnapshot listeners =
          readings.listenersSupported() ? readings.refreshListeners() : null;
      long now = clock.nowEpochNanos();
      StackCounters delta =
          counters != null && previousCounters != null ? counters.since(previousCounters) : null;
      detector.onPoll(previousPollEpochNanos, now, previousListeners, listeners, delta);
      previousListeners = listeners;
      previousCounters = counters;
      previousPollEpochNanos = now;
    } catch (RuntimeException | LinkageError e) {
      AgentLog.warnOnce(
          "listen.poll." + e.getClass().getName(),
          "a listener poll failed; polling goes on and says this once: " + e);
    }
  }

  /** The readings the meters show; null before the first poll. */
  KernelReadings readings() {
    return readings;
  }

  /** Stops the thread, removes the meters and closes the probe. */
  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (listenerMetrics != null) {
      listenerMetrics.close();
      connectionMetrics.close();
      stackMetrics.close();
    }
    if (readings != null) {
      readings.close();
    }
  }
}
