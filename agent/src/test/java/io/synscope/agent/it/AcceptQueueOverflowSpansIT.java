package io.synscope.agent.it;

import static io.synscope.agent.it.SpanChecks.ACCEPT;
import static io.synscope.agent.it.SpanChecks.CONNECT;
import static io.synscope.agent.it.SpanChecks.JIFFY_TOLERANCE_NANOS;
import static io.synscope.agent.it.SpanChecks.assertInside;
import static io.synscope.agent.it.SpanChecks.assertQueuedDuring;
import static io.synscope.agent.it.SpanChecks.attributeIs;
import static io.synscope.agent.it.SpanChecks.named;
import static io.synscope.agent.it.SpanChecks.single;
import static org.assertj.core.api.Assertions.assertThat;

import io.synscope.agent.testing.ForkedJvm;
import io.synscope.agent.testing.OtlpReceiver;
import io.synscope.agent.testing.ReceivedSpan;
import io.synscope.agent.testing.apps.HeldAcceptServerApp;
import io.synscope.agent.testing.apps.StaggeredClientsApp;
import io.synscope.probe.TcpState;
import io.synscope.probe.proc.SynRetransmitSchedule;
import io.synscope.probe.proc.TcpSysctls;
import io.synscope.probe.testing.NetworkNamespace;
import io.synscope.probe.testing.Ss;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Accept-queue overflow seen from both ends, with the agent in both JVMs: a server whose listener
 * has backlog 1 holds its queue while 20 clients connect from another JVM, then accepts them all.
 * Both run in a network namespace of the test's own, so no other process's connections or counters
 * mix in, and their spans go to one receiver, told apart by service.name.
 *
 * <p>The clients start 50 ms apart: the queue takes the first two (a backlog of 1 holds two
 * finished connections), and the kernel drops the SYNs of the others, which retransmit on the
 * kernel's schedule, each in its own 50 ms slot. Once the server accepts, every retransmitted SYN
 * meets an empty queue, so the test is about the spans' figures, not about which SYN of a burst
 * wins ({@code ListenOverflowIT} covers the burst and the listener poller). SYN cookies are off in
 * the namespace: should a loaded machine bunch the SYNs anyway, the kernel drops the ones beyond
 * the SYN queue's limit, to be sent again, instead of answering with cookies whose final ACK a full
 * queue would drop for good (see {@code DroppedFinalAckIT}). A SYN that got a request socket but
 * whose final ACK met the full queue is a case the test tells apart by the server's SYN-ACK
 * retransmits.
 */
class AcceptQueueOverflowSpansIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final int CLIENTS = 20;
  private static final int BACKLOG = 1;

  /** A backlog of 1 holds two finished connections: the queue is full above the backlog. */
  private static final int QUEUED = BACKLOG + 1;

  private static final long STAGGER_MILLIS = 50;

  /**
   * How far a connect's end may lie from the SYN retransmit that got through: the kernel's timer
   * wheel fires a 1 s timer up to 8 jiffies late, and a loaded machine adds scheduling delay.
   */
  private static final long RETRANSMIT_MARGIN_MILLIS = 50;

  /**
   * Scheduling between the kernel's handshake and the agent's clock reading when connect returned,
   * and the error of two agents' wall-clock anchors.
   */
  private static final long SCHEDULING_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private static final Pattern READY = Pattern.compile("READY port=(\\d+)");
  private static final String SERVER = HeldAcceptServerApp.class.getSimpleName();
  private static final String CLIENT = StaggeredClientsApp.class.getSimpleName();

  @Test
  void spansOfBothEndsShowTheRetransmitsAndQueueWaitsOfTheKernelAndSs() {
    NetworkNamespace.assumeSupported();
    try (NetworkNamespace ns = NetworkNamespace.create("synscope-overflow")) {
      SynRetransmitSchedule schedule = ns.call(TcpSysctls::read).synRetransmitSchedule();
      Ss.run(
          List.of(
              "ip",
              "netns",
              "exec",
              ns.name(),
              "sysctl",
              "-q",
              "-w",
              TcpSysctls.TCP_SYNCOOKIES + "=0"));
      try (OtlpReceiver receiver = ns.call(OtlpReceiver::start);
          ForkedJvm server =
              inNamespace(ns, HeldAcceptServerApp.class, receiver)
                  .args(Integer.toString(BACKLOG))
                  .start()) {
        Matcher ready = READY.matcher(server.awaitOutputLine(l -> l.startsWith("READY"), TIMEOUT));
        assertThat(ready.matches()).isTrue();
        int port = Integer.parseInt(ready.group(1));

        try (ForkedJvm clients =
            inNamespace(ns, StaggeredClientsApp.class, receiver)
                .args(
                    "127.0.0.1",
                    Integer.toString(port),
                    Integer.toString(CLIENTS),
                    Long.toString(STAGGER_MILLIS),
                    "60000")
                .start()) {
          SsSnapshot held = awaitEveryDroppedClientRetransmitted(ns, port);
          server.sendLine("ACCEPT " + CLIENTS);
          server.awaitOutputLine(l -> l.equals("ACCEPTED " + CLIENTS), TIMEOUT);
          assertThat(clients.awaitOutputLine(l -> l.startsWith("DONE"), TIMEOUT))
              .isEqualTo("DONE connected=" + CLIENTS + " failed=0");

          List<ReceivedSpan> spans =
              receiver.awaitSpans(
                  s ->
                      SpanChecks.ofConnections(s)
                          && (Long.valueOf(port).equals(s.attribute("network.peer.port"))
                              || Long.valueOf(port).equals(s.attribute("network.local.port"))),
                  2 * CLIENTS,
                  TIMEOUT);
          List<ReceivedSpan> connects =
              named(ofService(spans, CLIENT), CONNECT).stream()
                  .filter(attributeIs("server.port", (long) port))
                  .toList();
          List<ReceivedSpan> accepts = named(ofService(spans, SERVER), ACCEPT);
          assertThat(connects).hasSize(CLIENTS);
          assertThat(accepts).hasSize(CLIENTS);

          List<AppObservation> connected = observations(clients, "connect");
          List<AppObservation> accepted = observations(server, "accept");
          assertThat(connected).hasSize(CLIENTS);
          assertThat(accepted).hasSize(CLIENTS);

          Set<Long> queued = assertHeldQueueInSs(held, port, connected);
          Set<Long> requests = new HashSet<>();
          for (Ss.Entry r : held.inState(TcpState.SYN_RECV, e -> e.localPort() == port)) {
            requests.add((long) r.peerPort());
          }
          for (AppObservation client : connected) {
            int index = Integer.parseInt(client.caseName());
            boolean wasQueued = queued.contains(client.number("localPort"));
            long clientPort = client.number("localPort");
            ReceivedSpan connect =
                single(connects, attributeIs("network.local.port", clientPort), "connect " + index);
            AppObservation acceptSeen = acceptOf(accepted, clientPort);
            ReceivedSpan accept =
                single(accepts, attributeIs("network.peer.port", clientPort), "accept " + index);
            assertConnect(
                connect,
                client,
                wasQueued || requests.contains(clientPort),
                port,
                schedule,
                AppObservation.find(accepted, "accept", "0"));
            assertAccept(accept, acceptSeen, client, connect, wasQueued, port, accepts);
            assertAgreesWithSs(
                held, connect, accept, client, acceptSeen, wasQueued, port, schedule);
          }
          clients.closeStdin();
          server.closeStdin();
          clients.awaitSuccess();
          server.awaitSuccess();
        }
      }
    }
  }

  private static ForkedJvm.Builder inNamespace(
      NetworkNamespace ns, Class<?> app, OtlpReceiver receiver) {
    return ForkedJvm.builder(app)
        .commandPrefix("ip", "netns", "exec", ns.name())
        .withAgent()
        .systemProperty("otel.exporter.otlp.endpoint", receiver.endpoint())
        .timeout(TIMEOUT);
  }

  /**
   * Waits, polling ss, until the queue holds its two connections and each later client sits in
   * SYN_SENT with at least one SYN retransmitted (or, its final ACK dropped, has a request socket
   * on the server); returns that view of the held queue.
   */
  private static SsSnapshot awaitEveryDroppedClientRetransmitted(NetworkNamespace ns, int port) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      SsSnapshot s = SsSnapshot.take(ns, SsSnapshot.port(port));
      long retransmitting =
          s.inState(TcpState.SYN_SENT, e -> e.peerPort() == port && e.timerRetransmits() >= 1)
              .size();
      long queued = s.inState(TcpState.ESTABLISHED, e -> e.localPort() == port).size();
      // Clients whose final ACK met the full queue: connected, with a request on the server.
      long requests = s.inState(TcpState.SYN_RECV, e -> e.localPort() == port).size();
      if (retransmitting + requests == CLIENTS - QUEUED && queued == QUEUED) {
        return s;
      }
      assertThat(System.nanoTime())
          .as("clients retransmitting their SYNs to the held queue; %s", s)
          .isLessThan(deadline);
      pause();
    }
  }

  /**
   * The held listener as ss saw it: full, with no handshake under way; returns the local ports of
   * the clients whose connections it held. Those are the first two to connect, which need not be
   * the first two started: a JVM's first connect loads classes.
   */
  private static Set<Long> assertHeldQueueInSs(
      SsSnapshot held, int port, List<AppObservation> clients) {
    List<Ss.Entry> listener = held.inState(TcpState.LISTEN, e -> e.localPort() == port);
    assertThat(listener).as("%s", held).hasSize(1);
    assertThat(listener.get(0).recvQ()).as("accept queue length").isEqualTo(QUEUED);
    assertThat(listener.get(0).sendQ()).as("backlog").isEqualTo(BACKLOG);
    Set<Long> requests = new HashSet<>();
    for (Ss.Entry r : held.inState(TcpState.SYN_RECV, e -> e.localPort() == port)) {
      requests.add((long) r.peerPort());
    }
    Set<Long> queued = new HashSet<>();
    for (Ss.Entry e : held.inState(TcpState.ESTABLISHED, e -> e.localPort() == port)) {
      queued.add((long) e.peerPort());
    }
    assertThat(queued).as("%s", held).hasSize(QUEUED);
    List<Long> firstToConnect =
        clients.stream()
            .sorted(Comparator.comparingLong(AppObservation::after))
            .limit(QUEUED + requests.size())
            .map(o -> o.number("localPort"))
            .toList();
    assertThat(firstToConnect).containsAll(queued);
    for (AppObservation client : clients) {
      long clientPort = client.number("localPort");
      // The full queue dropped the later SYNs before any request socket was made; only a SYN
      // that came before it filled has a request, and its client counts as connected.
      TcpState expected =
          queued.contains(clientPort) || requests.contains(clientPort)
              ? TcpState.ESTABLISHED
              : TcpState.SYN_SENT;
      assertThat(held.find(expected, (int) clientPort, port))
          .as("client %s from port %d in %s", client.caseName(), clientPort, held)
          .isPresent();
    }
    return queued;
  }

  private static void assertConnect(
      ReceivedSpan connect,
      AppObservation client,
      boolean connectedWhileHeld,
      int port,
      SynRetransmitSchedule schedule,
      AppObservation firstAccept) {
    long retransmits = (Long) connect.attribute("tcp.syn_retransmits");
    Map<String, Object> expected =
        SpanChecks.ipv4SocketConnect(
            port,
            client.number("localPort"),
            retransmitsFitting(schedule, connect.durationNanos()),
            connect.attribute("tcp.rtt_us"));
    assertThat(connect.attributes()).as("%s", connect).isEqualTo(expected);
    assertThat((Long) connect.attribute("tcp.rtt_us")).isPositive();
    assertInside(connect, client);
    if (retransmits > 0) {
      // It got in with a retransmitted SYN, the last one the kernel sent.
      long sinceLastRetransmit =
          TimeUnit.NANOSECONDS.toMillis(connect.durationNanos())
              - schedule.retransmitMillis().get((int) retransmits - 1);
      assertThat(sinceLastRetransmit)
          .as("ms from the last retransmitted SYN to the connect's end, %s", connect)
          .isBetween(-JIFFY_TOLERANCE_NANOS / 1_000_000, 500L);
    }
    if (!connectedWhileHeld) {
      // Dropped while the queue was held: only a SYN sent again after the server started
      // accepting got in.
      assertThat(retransmits).as("%s", connect).isPositive();
      assertThat(connect.endEpochNanos())
          .as("%s ends after the server started accepting", connect)
          .isGreaterThan(firstAccept.before());
    }
  }

  /**
   * The SYN retransmits the kernel's schedule has due by the end of a connect of this duration: the
   * SYN that got through was sent at most a jiffy or two before its scheduled time (timers count
   * whole jiffies), and connect returned soon after it; so no scheduled time lies between the
   * duration and the margin above it.
   */
  private static long retransmitsFitting(SynRetransmitSchedule schedule, long durationNanos) {
    long millis = TimeUnit.NANOSECONDS.toMillis(durationNanos) + RETRANSMIT_MARGIN_MILLIS;
    return schedule.retransmitMillis().stream().filter(t -> t <= millis).count();
  }

  private static void assertAccept(
      ReceivedSpan accept,
      AppObservation server,
      AppObservation client,
      ReceivedSpan connect,
      boolean wasQueued,
      int port,
      List<ReceivedSpan> accepts) {
    long waitMs = (Long) accept.attribute("tcp.accept.queue_wait_ms");
    long synAcksResent = (Long) accept.attribute("tcp.syn_retransmits");
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("network.transport", "tcp");
    expected.put("tcp.api", "server_socket");
    expected.put("network.type", "ipv4");
    expected.put("network.peer.address", "127.0.0.1");
    expected.put("network.peer.port", client.number("localPort"));
    expected.put("network.local.address", "127.0.0.1");
    expected.put("network.local.port", (long) port);
    expected.put("tcp.syn_retransmits", synAcksResent);
    expected.put("tcp.state", "ESTABLISHED");
    expected.put("tcp.listen.backlog", (long) BACKLOG);
    long depth = (Long) accept.attribute("tcp.listen.queue_depth");
    expected.put("tcp.listen.queue_depth", depth);
    expected.put("tcp.rtt_us", accept.attribute("tcp.rtt_us"));
    expected.put("tcp.accept.queue_wait_ms", waitMs);
    assertThat(accept.attributes()).as("%s", accept).isEqualTo(expected);
    assertThat(accept.durationNanos() / 1_000_000L).as("%s", accept).isEqualTo(waitMs);
    assertQueuedDuring(accept, server, client);
    // Still queued after this accept: the connections accepted later that had entered the queue
    // before this one left it (entry known to within a jiffy).
    int order = Integer.parseInt(server.caseName());
    assertThat(depth)
        .as("queue depth after %s", accept)
        .isBetween(
            queuedBehind(accepts, accept, -JIFFY_TOLERANCE_NANOS),
            queuedBehind(accepts, accept, JIFFY_TOLERANCE_NANOS));
    if (order == 0) {
      assertThat(depth).as("the other held connection").isEqualTo(1);
    }

    if (synAcksResent == 0) {
      // The connection entered the queue during the client's connect call, when its final ACK
      // reached the server's kernel (tcp_info last_data_sent, in jiffies), before the call
      // returned (the client's thread may wake well after that on a busy machine). The app's
      // own readings around the calls also hold the agent's work on its first span:
      // assertQueuedDuring uses them.
      assertThat(accept.startEpochNanos())
          .as("start of %s vs %s", accept, connect)
          .isBetween(
              connect.startEpochNanos() - JIFFY_TOLERANCE_NANOS - SCHEDULING_NANOS,
              connect.endEpochNanos() + JIFFY_TOLERANCE_NANOS + SCHEDULING_NANOS);
    } else {
      // Its final ACK met a full queue: the server's socket came with the ACK that answered a
      // SYN-ACK sent again, no sooner than the first SYN-ACK timeout (1 s) after the client
      // counted as connected.
      assertThat(accept.startEpochNanos() - connect.endEpochNanos())
          .as("%s came in after a SYN-ACK sent again; %s", accept, connect)
          .isGreaterThan(TimeUnit.SECONDS.toNanos(1) - JIFFY_TOLERANCE_NANOS);
    }
    if (wasQueued) {
      assertThat(server.caseName()).as("held connections are accepted first").isIn("0", "1");
      assertThat(accept.durationNanos())
          .as("held through the ss snapshot, longer than a SYN retransmit: %s", accept)
          .isGreaterThan(TimeUnit.SECONDS.toNanos(1));
    }
  }

  /**
   * The spans against ss's view of the held queue: a queued server socket's lastack plus the time
   * from the snapshot to accept is its queue wait; a dropped client's retransmits so far are what
   * the kernel's schedule had due then, and its span counts those and the ones after.
   */
  private static void assertAgreesWithSs(
      SsSnapshot held,
      ReceivedSpan connect,
      ReceivedSpan accept,
      AppObservation client,
      AppObservation server,
      boolean wasQueued,
      int port,
      SynRetransmitSchedule schedule) {
    int clientPort = (int) client.number("localPort");
    long spanRetransmits = (Long) connect.attribute("tcp.syn_retransmits");
    if (wasQueued) {
      Ss.Entry queued = held.find(TcpState.ESTABLISHED, port, clientPort).orElseThrow();
      assertThat(SsSnapshot.totalRetrans(queued))
          .as("SYN-ACK retransmits of the queued socket in ss: %s", queued)
          .isEqualTo(accept.attribute("tcp.syn_retransmits"));
      Ss.Entry clientEnd = held.find(TcpState.ESTABLISHED, clientPort, port).orElseThrow();
      assertThat(SsSnapshot.totalRetrans(clientEnd)).isEqualTo(spanRetransmits);
      long lastAckNanos = TimeUnit.MILLISECONDS.toNanos(SsSnapshot.millisOrZero(queued, "lastack"));
      assertThat(accept.durationNanos())
          .as("queue wait of %s vs ss lastack %s at the snapshot", accept, queued.detail("lastack"))
          .isBetween(
              lastAckNanos + (server.before() - held.afterEpochNanos()) - JIFFY_TOLERANCE_NANOS,
              lastAckNanos + (server.after() - held.beforeEpochNanos()) + JIFFY_TOLERANCE_NANOS);
      return;
    }
    Optional<Ss.Entry> request = held.find(TcpState.SYN_RECV, port, clientPort);
    if (request.isPresent()) {
      // Its final ACK met the full queue; the server went on sending the SYN-ACK, and only an
      // ACK answering a later one got in.
      assertThat((Long) accept.attribute("tcp.syn_retransmits"))
          .as("%s; ss counted %d SYN-ACKs sent again", accept, request.get().timerRetransmits())
          .isGreaterThan(request.get().timerRetransmits());
      Ss.Entry clientEnd = held.find(TcpState.ESTABLISHED, clientPort, port).orElseThrow();
      assertThat(SsSnapshot.totalRetrans(clientEnd)).isEqualTo(spanRetransmits);
      return;
    }
    Ss.Entry waiting = held.find(TcpState.SYN_SENT, clientPort, port).orElseThrow();
    long seen = waiting.timerRetransmits();
    assertThat(SsSnapshot.totalRetrans(waiting)).as("%s", waiting).isEqualTo(seen);
    assertThat(SsSnapshot.currentRetransmits(waiting)).as("%s", waiting).isEqualTo(seen);
    long earliest = held.beforeEpochNanos() - client.before();
    long latest = held.afterEpochNanos() - client.before();
    assertThat(seen)
        .as(
            "SYN retransmits ss saw %d-%d ms into the connect",
            earliest / 1_000_000, latest / 1_000_000)
        .isBetween(
            due(schedule, earliest - TimeUnit.MILLISECONDS.toNanos(RETRANSMIT_MARGIN_MILLIS)),
            due(schedule, latest + TimeUnit.MILLISECONDS.toNanos(RETRANSMIT_MARGIN_MILLIS)));
    assertThat(spanRetransmits)
        .as("the span counts those ss saw and later ones")
        .isGreaterThanOrEqualTo(seen);
  }

  /** Accept spans that ended after this one and had started before its end, plus the margin. */
  private static long queuedBehind(List<ReceivedSpan> accepts, ReceivedSpan accept, long margin) {
    return accepts.stream()
        .filter(
            a ->
                a.endEpochNanos() > accept.endEpochNanos()
                    && a.startEpochNanos() < accept.endEpochNanos() + margin)
        .count();
  }

  private static long due(SynRetransmitSchedule schedule, long elapsedNanos) {
    long millis = TimeUnit.NANOSECONDS.toMillis(elapsedNanos);
    return schedule.retransmitMillis().stream().filter(t -> t <= millis).count();
  }

  private static AppObservation acceptOf(List<AppObservation> accepted, long clientPort) {
    List<AppObservation> matching =
        accepted.stream().filter(o -> o.number("peerPort") == clientPort).toList();
    assertThat(matching).as("accept of port %d among %s", clientPort, accepted).hasSize(1);
    return matching.get(0);
  }

  private static List<AppObservation> observations(ForkedJvm app, String kind) {
    return AppObservation.all(app).stream().filter(o -> o.kind().equals(kind)).toList();
  }

  private static List<ReceivedSpan> ofService(List<ReceivedSpan> spans, String service) {
    return spans.stream()
        .filter(s -> service.equals(s.resourceAttributes().get("service.name")))
        .toList();
  }

  /** The poll interval of the bounded waits on ss. */
  private static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
