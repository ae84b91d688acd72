package io.synscope.agent.it;

import static io.synscope.agent.it.SpanChecks.ACCEPT;
import static io.synscope.agent.it.SpanChecks.CONNECT;
import static io.synscope.agent.it.SpanChecks.JIFFY_TOLERANCE_NANOS;
import static io.synscope.agent.it.SpanChecks.assertInside;
import static io.synscope.agent.it.SpanChecks.attributeIs;
import static io.synscope.agent.it.SpanChecks.named;
import static io.synscope.agent.it.SpanChecks.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.synscope.agent.testing.ForkedJvm;
import io.synscope.agent.testing.OtlpReceiver;
import io.synscope.agent.testing.ReceivedMetric;
import io.synscope.agent.testing.ReceivedSpan;
import io.synscope.agent.testing.apps.HeldAcceptServerApp;
import io.synscope.agent.testing.apps.SilentClientApp;
import io.synscope.probe.TcpState;
import io.synscope.probe.proc.StackCounters;
import io.synscope.probe.proc.TcpSysctls;
import io.synscope.probe.testing.NetworkNamespace;
import io.synscope.probe.testing.Ss;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A client whose connect succeeds although the listener dropped the handshake's final ACK: the
 * accept queue was full and net.ipv4.tcp_abort_on_overflow is 0, so the kernel drops the ACK
 * silently. A client that waits for the server to speak first then hangs while the server's
 * application never sees it.
 *
 * <p>Reproduced deterministically in a network namespace of the test's own: a listener with backlog
 * 1 and a client app that connects {@code a}, then {@code late-ack} with its final ACK delayed by
 * up to 200 ms (TCP_QUICKACK off), then {@code b}. The SYN of {@code late-ack} finds room, {@code
 * b} fills the queue, and the delayed ACK arrives at a full queue.
 *
 * <p>Two variants: with a request socket (SYN cookies not in play), whose SYN-ACK the server keeps
 * retransmitting until an ACK gets in; and with SYN cookies ({@code net.ipv4.tcp_syncookies=2} in
 * the namespace, so that every SYN is answered with a cookie, as under a SYN flood with the default
 * 1), where no request socket is left and the server learns of the connection only when the client
 * sends something.
 */
class DroppedFinalAckIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final Pattern READY = Pattern.compile("READY port=(\\d+)");
  private static final String SERVER = HeldAcceptServerApp.class.getSimpleName();
  private static final String CLIENT = SilentClientApp.class.getSimpleName();
  private static final String LATE = "late-ack";

  /** The kernel's TCP_DELACK_MAX (include/net/tcp.h): how late the final ACK goes. */
  private static final long DELAYED_ACK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private static final long SCHEDULING_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  @Test
  void withARequestSocketTheServerRetransmitsItsSynAckUntilAnAckGetsIn() {
    NetworkNamespace.assumeSupported();
    try (NetworkNamespace ns = NetworkNamespace.create("synscope-lateack")) {
      assumeAbortOnOverflowOff(ns);
      try (Apps apps = Apps.start(ns)) {
        Connections c = apps.connect();
        int port = apps.port;

        // While the client hangs: ss shows it ESTABLISHED, and on the server's side only a
        // request socket in SYN_RECV whose SYN-ACK is sent again and again (timer count).
        SsSnapshot retransmitting =
            awaitSs(
                ns,
                port,
                s ->
                    request(s, port, c.latePort())
                        .map(r -> r.timerRetransmits() >= 2)
                        .orElse(false),
                "the request socket of " + LATE + " with 2 SYN-ACKs sent again");
        assertThat(retransmitting.find(TcpState.ESTABLISHED, c.latePort(), port))
            .as("the client's end in %s", retransmitting)
            .isPresent();
        assertThat(retransmitting.find(TcpState.ESTABLISHED, port, c.latePort()))
            .as("no connection of %s on the server's side in %s", LATE, retransmitting)
            .isEmpty();
        Ss.Entry listener = listener(retransmitting, port);
        assertThat(listener.recvQ()).isEqualTo(2);
        assertThat(listener.sendQ()).isEqualTo(1);

        // The listener poller sees the request and the full queue, in a span and a gauge.
        ReceivedSpan overflow =
            apps.receiver
                .awaitSpans(
                    s ->
                        isOverflowOn(s, port)
                            && Long.valueOf(1).equals(s.attribute("tcp.listen.syn_recv"))
                            && Boolean.TRUE.equals(s.attribute("tcp.listen.queue_full")),
                    1,
                    TIMEOUT)
                .get(0);
        assertThat(overflow.attribute("tcp.listen.queue_depth")).isEqualTo(2L);
        assertThat(overflow.attribute("tcp.listen.backlog")).isEqualTo(1L);
        assertThat(overflow.attribute("tcp.sysctl.abort_on_overflow")).isEqualTo(0L);
        apps.receiver.awaitMetric(gauge("tcp.listen.syn.recv", port, 1.0), TIMEOUT);

        apps.server.sendLine("ACCEPT 3");
        // The queue empties at once; the request waits for its next SYN-ACK, whose ACK gets in.
        SsSnapshot lastWithRequest = retransmitting;
        SsSnapshot gone;
        while (true) {
          SsSnapshot s = SsSnapshot.take(ns, SsSnapshot.port(port));
          if (request(s, port, c.latePort()).isEmpty()) {
            gone = s;
            break;
          }
          lastWithRequest = s;
          assertThat(System.nanoTime() - apps.startNanos).isLessThan(TIMEOUT.toNanos());
          pause();
        }
        long resentBefore = request(lastWithRequest, port, c.latePort()).get().timerRetransmits();
        apps.server.awaitOutputLine(l -> l.equals("ACCEPTED 3"), TIMEOUT);
        String greeted = apps.client.awaitOutputLine(l -> l.startsWith("GREETED " + LATE), TIMEOUT);

        Spans spans = apps.spans();
        ReceivedSpan connect = spans.connectFrom(c.latePort());
        assertFastSuccess(connect, c.late(), port);
        ReceivedSpan accept = spans.acceptOf(c.latePort());
        // The SYN-ACKs sent again: those ss counted, and the one whose ACK got in.
        assertThat(accept.attribute("tcp.syn_retransmits"))
            .as("%s; ss counted %d before", accept, resentBefore)
            .isEqualTo(resentBefore + 1);
        assertThat(accept.attribute("tcp.state")).isEqualTo("ESTABLISHED");
        assertThat(accept.attribute("tcp.accept.bytes_received")).isNull();
        // The queue wait counts from that ACK, which came between the last ss view with the
        // request and the first without it; the app was already waiting in accept.
        assertThat(accept.startEpochNanos())
            .as("%s: the ACK that got in", accept)
            .isBetween(
                lastWithRequest.beforeEpochNanos() - JIFFY_TOLERANCE_NANOS,
                gone.afterEpochNanos() + JIFFY_TOLERANCE_NANOS);
        assertThat(accept.startEpochNanos() - connect.endEpochNanos())
            .as("the client was connected long before the server had its socket")
            .isGreaterThan(TimeUnit.SECONDS.toNanos(1));
        AppObservation acceptSeen = spans.acceptObservation(c.latePort());
        assertThat(accept.endEpochNanos()).isLessThanOrEqualTo(acceptSeen.after());
        assertThat((Long) accept.attribute("tcp.accept.queue_wait_ms"))
            .isEqualTo(accept.durationNanos() / 1_000_000);
        assertThat(greetedAt(greeted)).isGreaterThan(accept.endEpochNanos());

        // Each ACK the full queue dropped (the late one, and one per SYN-ACK sent again but the
        // last) counts as a listen overflow; no cookie was involved.
        StackCounters counters = apps.serverCounters();
        assertThat(counters.listenOverflows().getAsLong()).isEqualTo(resentBefore + 1);
        assertThat(counters.syncookiesSent().getAsLong()).isZero();
        apps.stop();
      }
    }
  }

  @Test
  void withSynCookiesNoRequestSocketIsLeftAndTheServerSeesTheClientOnlyWhenItSpeaks() {
    NetworkNamespace.assumeSupported();
    try (NetworkNamespace ns = NetworkNamespace.create("synscope-cookie")) {
      assumeAbortOnOverflowOff(ns);
      Ss.run(
          List.of(
              "ip",
              "netns",
              "exec",
              ns.name(),
              "sysctl",
              "-q",
              "-w",
              TcpSysctls.TCP_SYNCOOKIES + "=2"));
      try (Apps apps = Apps.start(ns)) {
        // The counters are the namespace's, where the apps' exporters connect too, each new
        // connection with a cookie sent and one validated: the differences are exact.
        StackCounters before = apps.serverCounters();
        Connections c = apps.connect();
        int port = apps.port;
        awaitCounter(apps, "the late ACK dropped", s -> s.listenOverflows().getAsLong() == 1);
        StackCounters dropped = apps.serverCounters().since(before);
        assertThat(dropped.syncookiesSent().getAsLong())
            .as("a cookie for each SYN")
            .isGreaterThanOrEqualTo(3);
        assertThat(dropped.syncookiesRecv().getAsLong())
            .as("a's and b's ACKs validated; the late one too, before the full queue dropped it")
            .isEqualTo(dropped.syncookiesSent().getAsLong());

        SsSnapshot hanging = SsSnapshot.take(ns, SsSnapshot.port(port));
        assertThat(hanging.find(TcpState.ESTABLISHED, c.latePort(), port)).isPresent();
        assertThat(hanging.inState(TcpState.SYN_RECV, e -> e.localPort() == port))
            .as("no request socket with cookies: %s", hanging)
            .isEmpty();
        assertThat(hanging.find(TcpState.ESTABLISHED, port, c.latePort())).isEmpty();
        ReceivedSpan overflow =
            apps.receiver
                .awaitSpans(
                    s ->
                        isOverflowOn(s, port)
                            && Boolean.TRUE.equals(s.attribute("tcp.listen.queue_full")),
                    1,
                    TIMEOUT)
                .get(0);
        assertThat(overflow.attribute("tcp.listen.syn_recv")).isEqualTo(0L);
        assertThat(overflow.attribute("tcp.sysctl.syncookies")).isEqualTo(2L);

        apps.server.sendLine("ACCEPT 3");
        awaitObservations(apps.server, "accept", 2);
        SsSnapshot drained = SsSnapshot.take(ns, SsSnapshot.port(port));
        assertThat(listener(drained, port).recvQ()).isZero();
        assertThat(drained.find(TcpState.ESTABLISHED, port, c.latePort()))
            .as("nothing brings the connection in while the client is silent: %s", drained)
            .isEmpty();
        assertThat(drained.inState(TcpState.SYN_RECV, e -> e.localPort() == port)).isEmpty();

        apps.client.sendLine("SPEAK " + LATE);
        String spoke = apps.client.awaitOutputLine(l -> l.startsWith("SPOKE " + LATE), TIMEOUT);
        apps.server.awaitOutputLine(l -> l.equals("ACCEPTED 3"), TIMEOUT);
        apps.client.awaitOutputLine(l -> l.startsWith("GREETED " + LATE), TIMEOUT);

        Spans spans = apps.spans();
        ReceivedSpan connect = spans.connectFrom(c.latePort());
        assertFastSuccess(connect, c.late(), port);
        ReceivedSpan accept = spans.acceptOf(c.latePort());
        assertThat(accept.attribute("tcp.syn_retransmits"))
            .as("no request socket, so no SYN-ACK sent again: %s", accept)
            .isEqualTo(0L);
        assertThat(accept.attribute("tcp.accept.bytes_received")).isEqualTo(1L);
        // The byte the client sent made the server's socket: the queue wait counts from it.
        long spokeAt = greetedAt(spoke);
        assertThat(accept.startEpochNanos())
            .as("%s vs the client's write at %d", accept, spokeAt)
            .isBetween(
                spokeAt - JIFFY_TOLERANCE_NANOS - SCHEDULING_NANOS,
                spokeAt + JIFFY_TOLERANCE_NANOS + SCHEDULING_NANOS);
        // The server's first round trip sample comes from the timestamp its cookie SYN-ACK
        // carried, echoed by that byte: it spans the whole time the client was kept waiting. The
        // cookie keeps options in the timestamp's low 6 bits, which can set it up to 64 ms back
        // (cookie_init_timestamp, net/ipv4/syncookies.c).
        long waited = spokeAt - connect.endEpochNanos();
        assertThat(TimeUnit.MICROSECONDS.toNanos((Long) accept.attribute("tcp.rtt_us")))
            .as("rtt of %s vs %d ms the client waited", accept, waited / 1_000_000)
            .isBetween(
                waited - TimeUnit.MILLISECONDS.toNanos(10),
                waited + TimeUnit.MILLISECONDS.toNanos(64 + 10));

        StackCounters counters = apps.serverCounters().since(before);
        assertThat(counters.listenOverflows().getAsLong()).isEqualTo(1);
        assertThat(counters.syncookiesRecv().getAsLong() - counters.syncookiesSent().getAsLong())
            .as("one cookie validated twice: the late ACK's, again with the byte")
            .isEqualTo(1);
        apps.stop();
      }
    }
  }

  /** The client's connect: a fast success as the kernel saw it, no retransmit, ESTABLISHED. */
  private static void assertFastSuccess(ReceivedSpan connect, AppObservation seen, int port) {
    Map<String, Object> expected =
        SpanChecks.ipv4SocketConnect(
            port, seen.number("localPort"), 0L, connect.attribute("tcp.rtt_us"));
    assertThat(connect.attributes()).as("%s", connect).isEqualTo(expected);
    assertThat(connect.statusCode()).isEqualTo(ReceivedSpan.StatusCode.UNSET);
    assertInside(connect, seen);
    assertThat(connect.durationNanos()).isLessThan(TimeUnit.MILLISECONDS.toNanos(100));
  }

  private static void assumeAbortOnOverflowOff(NetworkNamespace ns) {
    int abort = ns.call(TcpSysctls::read).tcpAbortOnOverflow().orElse(-1);
    assumeTrue(
        abort == 0,
        "net.ipv4.tcp_abort_on_overflow is " + abort + ": the kernel resets such connections");
  }

  private static Optional<Ss.Entry> request(SsSnapshot s, int port, int clientPort) {
    return s.find(TcpState.SYN_RECV, port, clientPort);
  }

  private static Ss.Entry listener(SsSnapshot s, int port) {
    List<Ss.Entry> l = s.inState(TcpState.LISTEN, e -> e.localPort() == port);
    assertThat(l).as("%s", s).hasSize(1);
    return l.get(0);
  }

  private static SsSnapshot awaitSs(
      NetworkNamespace ns, int port, java.util.function.Predicate<SsSnapshot> until, String what) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      SsSnapshot s = SsSnapshot.take(ns, SsSnapshot.port(port));
      if (until.test(s)) {
        return s;
      }
      assertThat(System.nanoTime()).as("%s; %s", what, s).isLessThan(deadline);
      pause();
    }
  }

  private static void awaitCounter(
      Apps apps, String what, java.util.function.Predicate<StackCounters> until) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!until.test(apps.serverCounters())) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      pause();
    }
  }

  private static void awaitObservations(ForkedJvm app, String kind, int count) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (AppObservation.all(app).stream().filter(o -> o.kind().equals(kind)).count() < count) {
      assertThat(System.nanoTime()).as("%d %s observations", count, kind).isLessThan(deadline);
      pause();
    }
  }

  private static java.util.function.Predicate<ReceivedMetric> gauge(
      String name, int port, double value) {
    return m ->
        m.name().equals(name)
            && m.numberPoints().stream()
                .anyMatch(
                    p ->
                        String.valueOf(port).equals(p.attributes().get("port"))
                            && p.value().doubleValue() == value);
  }

  private static boolean isOverflowOn(ReceivedSpan s, int port) {
    return s.name().equals("tcp.listen.overflow")
        && Long.valueOf(port).equals(s.attribute("network.local.port"));
  }

  /** The {@code at=} epoch nanoseconds of a GREETED or SPOKE line. */
  private static long greetedAt(String line) {
    return Long.parseLong(line.substring(line.indexOf("at=") + 3));
  }

  private static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The three connections as the client app observed them. */
  private record Connections(AppObservation a, AppObservation late, AppObservation b) {
    int latePort() {
      return (int) late.number("localPort");
    }
  }

  /** Both apps' spans, once all three connects and accepts arrived. */
  private record Spans(List<ReceivedSpan> connects, List<ReceivedSpan> accepts, ForkedJvm server) {
    ReceivedSpan connectFrom(int clientPort) {
      return single(connects, attributeIs("network.local.port", (long) clientPort), "connect");
    }

    ReceivedSpan acceptOf(int clientPort) {
      return single(accepts, attributeIs("network.peer.port", (long) clientPort), "accept");
    }

    AppObservation acceptObservation(int clientPort) {
      List<AppObservation> m =
          AppObservation.all(server).stream()
              .filter(o -> o.kind().equals("accept") && o.number("peerPort") == clientPort)
              .toList();
      assertThat(m).hasSize(1);
      return m.get(0);
    }
  }

  /** The server and client apps with the agent, in the namespace, and their receiver. */
  private static final class Apps implements AutoCloseable {
    final long startNanos = System.nanoTime();
    final OtlpReceiver receiver;
    final ForkedJvm server;
    final ForkedJvm client;
    final int port;

    private Apps(OtlpReceiver receiver, ForkedJvm server, ForkedJvm client, int port) {
      this.receiver = receiver;
      this.server = server;
      this.client = client;
      this.port = port;
    }

    static Apps start(NetworkNamespace ns) {
      OtlpReceiver receiver = ns.call(OtlpReceiver::start);
      ForkedJvm server = null;
      try {
        server =
            app(ns, HeldAcceptServerApp.class, receiver)
                .withAgent("listen.interval=250ms")
                .systemProperty("otel.metrics.exporter", "otlp")
                .systemProperty("otel.metric.export.interval", "500")
                .args("1")
                .start();
        Matcher ready = READY.matcher(server.awaitOutputLine(l -> l.startsWith("READY"), TIMEOUT));
        assertThat(ready.matches()).isTrue();
        int port = Integer.parseInt(ready.group(1));
        ForkedJvm client =
            app(ns, SilentClientApp.class, receiver)
                .withAgent()
                .args("127.0.0.1", Integer.toString(port))
                .start();
        return new Apps(receiver, server, client, port);
      } catch (RuntimeException | Error e) {
        if (server != null) {
          server.close();
        }
        receiver.close();
        throw e;
      }
    }

    private static ForkedJvm.Builder app(
        NetworkNamespace ns, Class<?> main, OtlpReceiver receiver) {
      return ForkedJvm.builder(main)
          .commandPrefix("ip", "netns", "exec", ns.name())
          .systemProperty("otel.exporter.otlp.endpoint", receiver.endpoint())
          .timeout(TIMEOUT);
    }

    /** Connects a, late-ack and b, and checks that b filled the queue before the late ACK. */
    Connections connect() {
      client.sendLine("CONNECT");
      client.awaitOutputLine(l -> l.startsWith("OBS") && l.contains("case=b\t"), TIMEOUT);
      List<AppObservation> seen = AppObservation.all(client);
      Connections c =
          new Connections(
              AppObservation.find(seen, "connect", "a"),
              AppObservation.find(seen, "connect", LATE),
              AppObservation.find(seen, "connect", "b"));
      assertThat(c.b().after() - c.late().after())
          .as("b connected before the late ACK went out; else the reproduction did not happen")
          .isLessThan(DELAYED_ACK_NANOS / 2);
      return c;
    }

    StackCounters serverCounters() {
      return StackCounters.read(Path.of("/proc/" + server.pid() + "/net"));
    }

    Spans spans() {
      List<ReceivedSpan> all =
          receiver.awaitSpans(s -> s.name().equals(CONNECT) || s.name().equals(ACCEPT), 6, TIMEOUT);
      List<ReceivedSpan> connects = named(ofService(all, CLIENT), CONNECT);
      List<ReceivedSpan> accepts = named(ofService(all, SERVER), ACCEPT);
      assertThat(connects).hasSize(3);
      assertThat(accepts).hasSize(3);
      return new Spans(connects, accepts, server);
    }

    private static List<ReceivedSpan> ofService(List<ReceivedSpan> spans, String service) {
      return spans.stream()
          .filter(s -> service.equals(s.resourceAttributes().get("service.name")))
          .toList();
    }

    /** Ends both apps' input; they close their sockets and exit. */
    void stop() {
      client.closeStdin();
      server.closeStdin();
      client.awaitSuccess();
      server.awaitSuccess();
    }

    @Override
    public void close() {
      client.close();
      server.close();
      receiver.close();
    }
  }
}
