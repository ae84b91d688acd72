package io.synscope.agent.listen;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.synscope.agent.trace.TcpSemantics;
import io.synscope.probe.proc.StackCounters;
import io.synscope.probe.proc.TcpSysctls;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Turns each poll's listeners and counter growth into {@code tcp.listen.overflow} spans and one
 * warning per incident.
 *
 * <p>A listener of the process gets a span for an interval when its accept queue is full at the
 * poll that ends it, or when ListenOverflows, ListenDrops or TCPReqQFullDrop grew in the interval
 * and the listener was to blame as far as can be seen: its queue was full or at its limit at either
 * end of the interval, or its incident is still open (an overload comes back in waves, one per SYN
 * retransmit). The counters belong to the whole network namespace: several listeners blamed in one
 * interval each carry the same growth, and say how many they are ({@code
 * tcp.listen.overflow.listeners}). When the counters grew and no listener of the process was to
 * blame, one span without a listener reports the growth: another process's listener overflowed, or
 * one of this process's filled and drained between two polls. So every interval with growth has at
 * least one span, and summing the growth of one span per interval gives the counters' growth.
 *
 * <p>An incident is a run of such intervals on one listener (or on the namespace, for the spans
 * without one). It starts with one WARN line with the facts and what to change, and ends, with an
 * INFO line of totals, after {@link #QUIET_PERIOD_NANOS} without overflow: longer than the gaps
 * between the waves of SYN retransmits, so one overload is one incident, not one per wave.
 */
final class OverflowDetector {
  /**
   * An incident ends after this long without overflow. Clients whose SYN or final ACK was dropped
   * come back together at each retransmit, 1 s apart at first and then doubling (2, 4, 8 s with
   * net.ipv4.tcp_syn_linear_timeouts=4), and overflow a small queue again even when the application
   * accepts quickly; this covers those gaps so one overload is one incident.
   */
  static final long QUIET_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(10);

  private static final String NAMESPACE = "";

  /** Where the incident lines go. */
  interface IncidentLog {
    void warn(String line);

    void info(String line);
  }

  private final Tracer tracer;
  private final Supplier<TcpSysctls> sysctlReader;
  private final IncidentLog log;
  private final Map<String, OverflowIncident> incidents = new LinkedHashMap<>();

  OverflowDetector(Tracer tracer, Supplier<TcpSysctls> sysctlReader, IncidentLog log) {
    this.tracer = tracer;
    this.sysctlReader = sysctlReader;
    this.log = log;
  }

  /** Keys of the listeners with an open incident ({@code ""} for the namespace's). */
  synchronized List<String> openIncidents() {
    return List.copyOf(incidents.keySet());
  }

  /**
   * One poll.
   *
   * @param startEpochNanos the previous poll's time
   * @param endEpochNanos this poll's time
   * @param previous the listeners at the previous poll, null if unknown
   * @param current the listeners now, null if they could not be read
   * @param delta the stack counters' growth since the previous poll, null if unknown
   */
  synchronized void onPoll(
      long startEpochNanos,
      long endEpochNanos,
      ListenerSnapshot previous,
      ListenerSnapshot current,
      StackCounters delta) {
    OverflowCounters growth = delta == null ? null : OverflowCounters.of(delta);
    boolean grew = growth != null && growth.grew();
    Map<String, Listener> before = previous == null ? Map.of() : previous.byKey();

    List<Listener> blamed = new ArrayList<>();
    if (current != null) {
      for (Listener l : current.listeners()) {
        Listener then = before.get(l.key());
        boolean suspect =
            l.atLimit() || (then != null && then.atLimit()) || incidents.containsKey(l.key());
        if (l.queueFull() || (grew && suspect)) {
          blamed.add(l);
        }
      }
    }
    TcpSysctls sysctls = blamed.isEmpty() && !grew ? null : readSysctls();
    long intervalNanos = endEpochNanos - startEpochNanos;
    for (Listener l : blamed) {
      emit(startEpochNanos, endEpochNanos, l, blamed.size(), growth, sysctls);
      OverflowIncident incident = incidents.get(l.key());
      if (incident == null) {
        incident = new OverflowIncident(startEpochNanos);
        incidents.put(l.key(), incident);
        log.warn(startLine(l, growth, intervalNanos, sysctls));
      }
      incident.add(endEpochNanos, l, growth);
    }
    if (grew && blamed.isEmpty()) {
      emit(startEpochNanos, endEpochNanos, null, 0, growth, sysctls);
      OverflowIncident incident = incidents.get(NAMESPACE);
      if (incident == null) {
        incident = new OverflowIncident(startEpochNanos);
        incidents.put(NAMESPACE, incident);
        log.warn(namespaceStartLine(growth, intervalNanos, sysctls));
      }
      incident.add(endEpochNanos, null, growth);
    }
    endQuietIncidents(endEpochNanos, current);
  }

  private void endQuietIncidents(long nowEpochNanos, ListenerSnapshot current) {
    for (Iterator<Map.Entry<String, OverflowIncident>> it = incidents.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<String, OverflowIncident> e = it.next();
      String key = e.getKey();
      OverflowIncident incident = e.getValue();
      boolean closed = !key.equals(NAMESPACE) && current != null && current.find(key) == null;
      boolean quiet = nowEpochNanos - incident.lastOverflowEndEpochNanos() >= QUIET_PERIOD_NANOS;
      if (closed || quiet) {
        it.remove();
        String what =
            key.equals(NAMESPACE)
                ? "TCP listen drops in this network namespace"
                : "accept queue overflow on " + key;
        log.info(what + (closed ? " ended, listener closed: " : " ended: ") + incident.summary());
      }
    }
  }

  private TcpSysctls readSysctls() {
    try {
      return sysctlReader.get();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private void emit(
      long startEpochNanos,
      long endEpochNanos,
      Listener l,
      int listeners,
      OverflowCounters growth,
      TcpSysctls sysctls) {
    SpanBuilder b =
        tracer
            .spanBuilder(TcpSemantics.SPAN_LISTEN_OVERFLOW)
            .setNoParent()
            .setSpanKind(SpanKind.INTERNAL)
            .setStartTimestamp(startEpochNanos, TimeUnit.NANOSECONDS)
            .setAttribute(TcpSemantics.NETWORK_TRANSPORT, "tcp")
            .setAttribute(TcpSemantics.LISTEN_OVERFLOW_LISTENERS, (long) listeners);
    if (l != null) {
      b.setAttribute(TcpSemantics.NETWORK_TYPE, l.networkType())
          .setAttribute(TcpSemantics.NETWORK_LOCAL_ADDRESS, l.addressText())
          .setAttribute(TcpSemantics.NETWORK_LOCAL_PORT, (long) l.port())
          .setAttribute(TcpSemantics.TCP_LISTEN_QUEUE_DEPTH, l.queueDepth())
          .setAttribute(TcpSemantics.LISTEN_OVERFLOW_QUEUE_FULL, l.queueFull())
          .setAttribute(TcpSemantics.LISTEN_OVERFLOW_SYN_RECV, (long) l.synRecv())
          .setAttribute(TcpSemantics.LISTEN_OVERFLOW_SOCKETS, (long) l.inodes().size());
      if (l.backlogKnown()) {
        b.setAttribute(TcpSemantics.TCP_LISTEN_BACKLOG, l.backlog());
      }
    }
    if (growth != null) {
      setIfKnown(b, TcpSemantics.STACK_LISTEN_OVERFLOWS, growth.listenOverflows());
      setIfKnown(b, TcpSemantics.STACK_LISTEN_DROPS, growth.listenDrops());
      setIfKnown(b, TcpSemantics.STACK_REQ_Q_FULL_DROP, growth.reqQFullDrop());
      setIfKnown(b, TcpSemantics.STACK_REQ_Q_FULL_DO_COOKIES, growth.reqQFullDoCookies());
      setIfKnown(b, TcpSemantics.STACK_SYNCOOKIES_SENT, growth.syncookiesSent());
    }
    if (sysctls != null) {
      setIfKnown(b, TcpSemantics.SYSCTL_SOMAXCONN, sysctls.somaxconn());
      setIfKnown(b, TcpSemantics.SYSCTL_MAX_SYN_BACKLOG, sysctls.tcpMaxSynBacklog());
      setIfKnown(b, TcpSemantics.SYSCTL_SYNCOOKIES, sysctls.tcpSyncookies());
      setIfKnown(b, TcpSemantics.SYSCTL_ABORT_ON_OVERFLOW, sysctls.tcpAbortOnOverflow());
    }
    Span span = b.startSpan();
    span.end(endEpochNanos, TimeUnit.NANOSECONDS);
  }

  private static void setIfKnown(SpanBuilder b, AttributeKey<Long> key, long value) {
    if (value >= 0) {
      b.setAttribute(key, value);
    }
  }

  private static void setIfKnown(SpanBuilder b, AttributeKey<Long> key, OptionalInt value) {
    if (value.isPresent()) {
      b.setAttribute(key, (long) value.getAsInt());
    }
  }

  private static String startLine(
      Listener l, OverflowCounters growth, long intervalNanos, TcpSysctls sysctls) {
    StringBuilder b =
        new StringBuilder("accept queue overflow on ").append(l.endpoint()).append(": queue ");
    b.append(l.queueDepth());
    if (l.backlogKnown()) {
      b.append(l.queueFull() ? " > backlog " : " of backlog ").append(l.backlog());
    }
    b.append(l.queueFull() ? " (full)" : "")
        .append(", ")
        .append(l.synRecv())
        .append(" handshakes in SYN_RECV");
    appendGrowthAndLimits(b, growth, intervalNanos, sysctls);
    b.append(". ").append(advice(l, growth, sysctls));
    return b.toString();
  }

  private static String namespaceStartLine(
      OverflowCounters growth, long intervalNanos, TcpSysctls sysctls) {
    StringBuilder b =
        new StringBuilder("TCP listeners in this network namespace dropped connections");
    appendGrowthAndLimits(b, growth, intervalNanos, sysctls);
    return b.append(
            ". No listener of this process was full: another process's was, or one of this"
                + " process's filled and drained between two polls; `ss -ltn` shows listeners"
                + " whose Recv-Q exceeds Send-Q")
        .toString();
  }

  private static void appendGrowthAndLimits(
      StringBuilder b, OverflowCounters growth, long intervalNanos, TcpSysctls sysctls) {
    if (growth != null) {
      b.append("; in the last ")
          .append(TimeUnit.NANOSECONDS.toMillis(intervalNanos))
          .append(" ms the namespace counted ")
          .append(growth.describe());
    }
    if (sysctls != null) {
      b.append("; limits");
      sysctlText(b, TcpSysctls.SOMAXCONN, sysctls);
      sysctlText(b, TcpSysctls.TCP_MAX_SYN_BACKLOG, sysctls);
      sysctlText(b, TcpSysctls.TCP_SYNCOOKIES, sysctls);
      sysctlText(b, TcpSysctls.TCP_ABORT_ON_OVERFLOW, sysctls);
    }
  }

  private static void sysctlText(StringBuilder b, String key, TcpSysctls sysctls) {
    OptionalInt v = sysctls.get(key);
    if (v.isPresent()) {
      b.append(' ').append(key).append('=').append(v.getAsInt());
    }
  }

  /** What to change, from the facts at hand. */
  static String advice(Listener l, OverflowCounters growth, TcpSysctls sysctls) {
    OptionalInt somaxconn = sysctls == null ? OptionalInt.empty() : sysctls.somaxconn();
    StringBuilder b =
        new StringBuilder(
            "Accept faster (more accept threads, less work before accept()), or raise the backlog");
    if (somaxconn.isPresent() && l.backlogKnown() && l.backlog() >= somaxconn.getAsInt()) {
      b.append(": it is capped by net.core.somaxconn=")
          .append(somaxconn.getAsInt())
          .append(", raise that and the backlog argument of listen() together");
    } else {
      b.append(" argument of listen() (new ServerSocket(port, backlog), bind(address, backlog))");
      if (somaxconn.isPresent()) {
        b.append(", up to net.core.somaxconn=").append(somaxconn.getAsInt());
      }
    }
    OptionalInt cookies = sysctls == null ? OptionalInt.empty() : sysctls.tcpSyncookies();
    if (growth != null
        && growth.reqQFullDrop() > 0
        && cookies.isPresent()
        && cookies.getAsInt() == 0) {
      b.append(
          "; SYNs were dropped with the SYN queue full: net.ipv4.tcp_syncookies=1 would"
              + " answer them with cookies");
    }
    if (growth != null && growth.syncookiesSent() > 0) {
      b.append(
          "; SYN cookies were sent: those clients count as connected before this server has"
              + " a socket for them");
    }
    return b.toString();
  }
}
