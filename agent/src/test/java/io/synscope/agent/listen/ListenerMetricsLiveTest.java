package io.synscope.agent.listen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.synscope.probe.TcpProbe;
import io.synscope.probe.TcpProbes;
import io.synscope.probe.TcpState;
import io.synscope.probe.proc.StackCounters;
import io.synscope.probe.testing.Ss;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The binders in a plain SimpleMeterRegistry, against real sockets and {@code ss}. */
class ListenerMetricsLiveTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  private final List<AutoCloseable> open = new ArrayList<>();
  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private TcpProbe probe;

  @BeforeEach
  void checkTools() {
    assumeTrue(Ss.hasTool("ss"), "ss (iproute2) is needed as the reference");
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    registry.close();
  }

  @Test
  void gaugesShowQueueDepthLimitAndSynRecvAsSsDoes() throws IOException {
    ServerSocket server = listen(2);
    int port = server.getLocalPort();
    for (int i = 0; i < 3; i++) {
      connect(port);
    }
    ListenerMetrics metrics = bind(new ListenerMetrics(Tags.of("service", "test"), readings()));

    Ss.Entry ss = Ss.inState(TcpState.LISTEN, "sport = :" + port).get(0);
    Gauge depth = listenerGauge(ListenMeterNames.LISTEN_QUEUE_DEPTH, port);
    Gauge limit = listenerGauge(ListenMeterNames.LISTEN_QUEUE_LIMIT, port);
    Gauge synRecv = listenerGauge(ListenMeterNames.LISTEN_SYN_RECV, port);
    assertThat(depth.value()).isEqualTo(3.0).isEqualTo((double) ss.recvQ());
    assertThat(limit.value()).isEqualTo(2.0).isEqualTo((double) ss.sendQ());
    assertThat(synRecv.value())
        .isEqualTo(0.0)
        .isEqualTo(Ss.inState(TcpState.SYN_RECV, "sport = :" + port).size());
    for (Gauge g : List.of(depth, limit, synRecv)) {
      assertThat(g.getId().getTag("service")).isEqualTo("test");
      assertThat(g.getId().getTag("address")).isEqualTo("127.0.0.1");
      assertThat(g.getId().getBaseUnit()).isEqualTo("connections");
      assertThat(g.getId().getDescription()).isNotBlank();
    }
    assertThat(metrics).isNotNull();
  }

  @Test
  void listenersThatOpenGainMetersAndThoseThatCloseLoseThem() throws IOException {
    ServerSocket stays = listen(7);
    bind(new ListenerMetrics(Tags.empty(), readings()));
    Gauge sockets = registry.get(ListenMeterNames.LISTEN_SOCKETS).gauge();
    ServerSocket comes = listen(9);
    int port = comes.getLocalPort();

    // Reading a gauge refreshes the table once the last reading is a second old.
    await()
        .atMost(WAIT)
        .until(
            () ->
                sockets.value() >= 0
                    && registry
                            .find(ListenMeterNames.LISTEN_QUEUE_LIMIT)
                            .tag("port", Integer.toString(port))
                            .gauge()
                        != null);
    assertThat(listenerGauge(ListenMeterNames.LISTEN_QUEUE_LIMIT, port).value()).isEqualTo(9.0);

    comes.close();
    await()
        .atMost(WAIT)
        .until(
            () ->
                sockets.value() >= 0
                    && registry
                        .find(ListenMeterNames.LISTEN_QUEUE_DEPTH)
                        .tag("port", Integer.toString(port))
                        .meters()
                        .isEmpty());
    assertThat(
            registry
                .find(ListenMeterNames.LISTEN_SYN_RECV)
                .tag("port", Integer.toString(port))
                .meters())
        .isEmpty();
    assertThat(listenerGauge(ListenMeterNames.LISTEN_QUEUE_LIMIT, stays.getLocalPort()).value())
        .isEqualTo(7.0);
  }

  @Test
  void theBinderWorksAloneInAnApplicationsRegistry() throws IOException {
    ServerSocket server = listen(11);
    StackCounters before = StackCounters.read();
    try (ListenerMetrics metrics = new ListenerMetrics();
        TcpConnectionMetrics connections = new TcpConnectionMetrics();
        TcpStackMetrics stack = new TcpStackMetrics()) {
      metrics.bindTo(registry);
      connections.bindTo(registry);
      stack.bindTo(registry);
      double overflows = registry.get("tcp.stack.listen.overflows").functionCounter().count();
      StackCounters after = StackCounters.read();

      assertThat(listenerGauge(ListenMeterNames.LISTEN_QUEUE_LIMIT, server.getLocalPort()).value())
          .isEqualTo(11.0);
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(
                          registry
                              .get(ListenMeterNames.CONNECTIONS)
                              .tag("state", "LISTEN")
                              .gauge()
                              .value())
                      .isEqualTo((double) ssStatesOfThisProcess().get(TcpState.LISTEN)));
      assertThat(overflows)
          .isBetween(
              (double) before.listenOverflows().getAsLong(),
              (double) after.listenOverflows().getAsLong());

      metrics.close();
      connections.close();
      stack.close();
      assertThat(registry.getMeters()).isEmpty();
    }
  }

  @Test
  void connectionsByStateAreThisProcesssSocketsAsSsShowsThem() throws IOException {
    ServerSocket server = listen(50);
    List<Socket> clients = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      clients.add(connect(server.getLocalPort()));
      open.add(server.accept());
    }
    // One side closes its half: FIN_WAIT2 here, CLOSE_WAIT on the accepted socket.
    clients.get(0).shutdownOutput();
    bind(new TcpConnectionMetrics(Tags.empty(), readings()));

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Map<TcpState, Integer> ss = ssStatesOfThisProcess();
              Map<TcpState, Double> gauges = new EnumMap<>(TcpState.class);
              for (TcpState s : ProcessSockets.STATES) {
                gauges.put(
                    s,
                    registry
                        .get(ListenMeterNames.CONNECTIONS)
                        .tag("state", s.name())
                        .gauge()
                        .value());
              }
              Map<TcpState, Double> expected = new EnumMap<>(TcpState.class);
              for (TcpState s : ProcessSockets.STATES) {
                expected.put(s, (double) ss.getOrDefault(s, 0));
              }
              assertThat(gauges).isEqualTo(expected);
              assertThat(gauges.get(TcpState.FIN_WAIT2)).isGreaterThanOrEqualTo(1.0);
              assertThat(gauges.get(TcpState.CLOSE_WAIT)).isGreaterThanOrEqualTo(1.0);
            });
    assertThat(registry.find(ListenMeterNames.CONNECTIONS).tag("state", "TIME_WAIT").gauge())
        .isNull();
  }

  @Test
  void stackCountersAreTheNamespacesCountersThisKernelHas() {
    StackCounters before = StackCounters.read();
    bind(new TcpStackMetrics(Tags.of("service", "test"), readings()));
    FunctionCounter overflows = registry.get("tcp.stack.listen.overflows").functionCounter();
    double value = overflows.count();
    StackCounters after = StackCounters.read();

    assertThat(value)
        .isBetween(
            (double) before.listenOverflows().getAsLong(),
            (double) after.listenOverflows().getAsLong());
    List<String> expected = new ArrayList<>();
    for (ListenMeterNames.StackCounter c : ListenMeterNames.STACK_COUNTERS) {
      if (before.get(c.group(), c.kernelName()).isPresent()) {
        expected.add(c.meterName());
      }
    }
    List<String> registered = new ArrayList<>();
    for (Meter m : registry.getMeters()) {
      registered.add(m.getId().getName());
      assertThat(m.getId().getDescription()).contains("whole network namespace");
      assertThat(m.getId().getTag("service")).isEqualTo("test");
      assertThat(m.getId().getType()).isEqualTo(Meter.Type.COUNTER);
    }
    assertThat(registered).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(expected).hasSize(ListenMeterNames.STACK_COUNTERS.size());
  }

  @Test
  void failedReadsShowNaNNotZeroAndAreReported() throws IOException {
    ServerSocket server = listen(3);
    TcpProbe failing = TcpProbes.netlink();
    AtomicInteger counterReads = new AtomicInteger();
    KernelReadings readings =
        new KernelReadings(
            failing,
            new ListenerTable(failing),
            new ProcessSockets(failing),
            () -> {
              if (counterReads.incrementAndGet() > 1) {
                throw new IllegalStateException("counters unreadable");
              }
              return StackCounters.read();
            },
            true,
            (key, message) -> warnings.add(key));
    bind(new ListenerMetrics(Tags.empty(), readings));
    bind(new TcpConnectionMetrics(Tags.empty(), readings));
    bind(new TcpStackMetrics(Tags.empty(), readings));
    Gauge depth = listenerGauge(ListenMeterNames.LISTEN_QUEUE_DEPTH, server.getLocalPort());
    Gauge established =
        registry.get(ListenMeterNames.CONNECTIONS).tag("state", "ESTABLISHED").gauge();
    FunctionCounter overflows = registry.get("tcp.stack.listen.overflows").functionCounter();
    assertThat(depth.value()).isEqualTo(0.0);

    failing.close();
    await()
        .atMost(WAIT)
        .until(
            () ->
                Double.isNaN(depth.value())
                    && Double.isNaN(established.value())
                    && Double.isNaN(overflows.count()));
    // The sink (AgentLog.warnOnce under the agent) is told each failure under its kind's key.
    assertThat(new java.util.TreeSet<>(warnings))
        .containsExactly(
            "listen.counters.java.lang.IllegalStateException",
            "listen.listeners.java.lang.IllegalStateException",
            "listen.sockets.java.lang.IllegalStateException");
  }

  private KernelReadings readings() {
    probe = TcpProbes.netlink();
    open.add(probe);
    return KernelReadings.open(
        () -> probe, true, (key, message) -> warnings.add(key + ": " + message));
  }

  private <T extends io.micrometer.core.instrument.binder.MeterBinder & AutoCloseable> T bind(
      T binder) {
    binder.bindTo(registry);
    open.add(binder);
    return binder;
  }

  private Gauge listenerGauge(String name, int port) {
    return registry.get(name).tag("port", Integer.toString(port)).gauge();
  }

  private Map<TcpState, Integer> ssStatesOfThisProcess() {
    Map<TcpState, Integer> counts = new EnumMap<>(TcpState.class);
    String pid = "pid=" + ProcessHandle.current().pid() + ",";
    for (Ss.Entry e : Ss.socketsWithProcesses()) {
      if (String.join(" ", e.columns()).contains(pid)) {
        counts.merge(e.state(), 1, Integer::sum);
      }
    }
    return counts;
  }

  private ServerSocket listen(int backlog) throws IOException {
    ServerSocket s = new ServerSocket();
    open.add(s);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), backlog);
    return s;
  }

  private Socket connect(int port) throws IOException {
    Socket c = new Socket();
    open.add(c);
    c.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
    return c;
  }
}
