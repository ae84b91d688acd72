package io.synscope.agent.listen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.synscope.agent.testing.ForkedJvm;
import io.synscope.agent.testing.OtlpReceiver;
import io.synscope.agent.testing.ReceivedSpan;
import io.synscope.agent.testing.apps.BacklogApp;
import io.synscope.agent.testing.apps.ConnectBurstApp;
import io.synscope.probe.proc.StackCounters;
import io.synscope.probe.proc.TcpSysctls;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Accept-queue overflow on loopback, seen by the agent in the server's JVM: a listener with backlog
 * 1 that does not accept while 20 clients connect from another JVM (without the agent, so only the
 * server's side is traced), then accepts them all.
 *
 * <p>The counters are the namespace's, and other processes may overflow listeners of their own
 * meanwhile. Their drops show in the poller's spans as well (on this listener while its incident is
 * open, or on spans without a listener), since every interval with growth gets a span; what the
 * spans cannot see is growth in the part of an interval before the test's first reading of
 * /proc/net/netstat or after its last. So the spans' sum must equal the netstat delta exactly when
 * the spans at those two edges carry no growth, as on a quiet machine; otherwise it must lie
 * between the sum of the spans inside the window and the sum of all that touch it.
 */
class ListenOverflowIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final int CLIENTS = 20;
  private static final Pattern READY = Pattern.compile("READY port=(\\d+)");
  private static final Pattern ENDED_INTERVALS =
      Pattern.compile(": (\\d+) intervals? with overflow");

  @Test
  void overflowGivesOneSpanPerIntervalOneWarningAndTheCountersOfProcNetNetstat() {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        ForkedJvm server =
            ForkedJvm.builder(BacklogApp.class)
                .withAgent("listen.interval=250ms")
                .systemProperty("otel.exporter.otlp.endpoint", receiver.endpoint())
                .args("1")
                .timeout(TIMEOUT)
                .start()) {
      Matcher ready = READY.matcher(server.awaitOutputLine(l -> l.startsWith("READY"), TIMEOUT));
      assertThat(ready.matches()).isTrue();
      int port = Integer.parseInt(ready.group(1));
      // The poller's first poll takes the counters' baseline; drops before it would be missed.
      await("the listener poller's first poll")
          .atMost(TIMEOUT)
          .until(() -> server.stderr().contains("[synscope] listener poller: every 250 ms"));

      StackCounters before = StackCounters.read();
      long beforeEpochNanos = epochNanos();
      String endpoint = "127.0.0.1:" + port;
      try (ForkedJvm clients =
          ForkedJvm.builder(ConnectBurstApp.class)
              .args("127.0.0.1", Integer.toString(port), Integer.toString(CLIENTS), "30000")
              .timeout(TIMEOUT)
              .start()) {
        // A second of full queue: four intervals, each with its span.
        receiver.awaitSpans(s -> isOverflowOn(s, port) && isFull(s), 4, TIMEOUT);
        server.sendLine("ACCEPT");
        String done = clients.awaitOutputLine(l -> l.startsWith("DONE"), TIMEOUT);
        assertThat(done).startsWith("DONE connected=");
        await("the end of the incident")
            .atMost(TIMEOUT)
            .until(
                () -> server.stderr().contains("accept queue overflow on " + endpoint + " ended"));
        StackCounters after = StackCounters.read();
        long afterEpochNanos = epochNanos();
        // The server goes first: clients closing connections it never accepted (their final
        // ACK was dropped, or answered a SYN cookie) would otherwise bring them to its queue.
        server.closeStdin();
        server.awaitSuccess();
        clients.closeStdin();
        clients.awaitSuccess();

        List<ReceivedSpan> overflows = new ArrayList<>();
        for (ReceivedSpan s : receiver.spans()) {
          if (s.name().equals("tcp.listen.overflow")) {
            overflows.add(s);
          }
        }
        overflows.sort(Comparator.comparingLong(ReceivedSpan::startEpochNanos));
        List<ReceivedSpan> onPort = new ArrayList<>();
        for (ReceivedSpan s : overflows) {
          if (isOverflowOn(s, port)) {
            onPort.add(s);
          }
        }

        assertSpansOfTheListener(onPort, port);
        assertOneSpanPerIntervalAndCountOfTheEndLine(onPort, server.stderr(), endpoint);
        assertWarnings(server.stderr(), endpoint);
        assertCountersMatchNetstat(overflows, before, after, beforeEpochNanos, afterEpochNanos);
      }
    }
  }

  private static void assertSpansOfTheListener(List<ReceivedSpan> onPort, int port) {
    int full = 0;
    for (ReceivedSpan s : onPort) {
      assertThat(s.kind()).as("%s", s).isEqualTo(ReceivedSpan.Kind.INTERNAL);
      assertThat(s.isRoot()).as("%s", s).isTrue();
      assertThat(s.attribute("network.local.address")).as("%s", s).isEqualTo("127.0.0.1");
      assertThat(s.attribute("tcp.listen.backlog")).as("%s", s).isEqualTo(1L);
      assertThat(s.attribute("tcp.listen.sockets")).as("%s", s).isEqualTo(1L);
      assertThat(s.attribute("tcp.sysctl.somaxconn"))
          .as("%s", s)
          .isEqualTo(sysctl(TcpSysctls.SOMAXCONN));
      assertThat(s.attribute("tcp.sysctl.max_syn_backlog"))
          .as("%s", s)
          .isEqualTo(sysctl(TcpSysctls.TCP_MAX_SYN_BACKLOG));
      assertThat(s.attribute("tcp.sysctl.syncookies"))
          .as("%s", s)
          .isEqualTo(sysctl(TcpSysctls.TCP_SYNCOOKIES));
      assertThat(s.attribute("tcp.sysctl.abort_on_overflow"))
          .as("%s", s)
          .isEqualTo(sysctl(TcpSysctls.TCP_ABORT_ON_OVERFLOW));
      if (isFull(s)) {
        // The kernel's full: one more than the backlog.
        assertThat(s.attribute("tcp.listen.queue_depth")).as("%s", s).isEqualTo(2L);
        full++;
      } else {
        // Blamed for the namespace's drops while its incident was open, without being full.
        assertThat((Long) s.attribute("tcp.listen.queue_depth")).as("%s", s).isBetween(0L, 1L);
      }
    }
    assertThat(full)
        .as("spans with the queue full, port %d: %s", port, onPort)
        .isGreaterThanOrEqualTo(4);
  }

  private static void assertOneSpanPerIntervalAndCountOfTheEndLine(
      List<ReceivedSpan> onPort, String stderr, String endpoint) {
    for (int i = 1; i < onPort.size(); i++) {
      ReceivedSpan previous = onPort.get(i - 1);
      ReceivedSpan next = onPort.get(i);
      assertThat(next.startEpochNanos())
          .as("span %d starts where or after span %d ends: %s, %s", i, i - 1, previous, next)
          .isGreaterThanOrEqualTo(previous.endEpochNanos());
    }
    for (ReceivedSpan s : onPort) {
      assertThat(s.durationNanos()).as("%s", s).isPositive();
    }
    String endLine =
        linesContaining(stderr, "accept queue overflow on " + endpoint + " ended").get(0);
    Matcher m = ENDED_INTERVALS.matcher(endLine);
    assertThat(m.find()).as(endLine).isTrue();
    assertThat(onPort)
        .as("spans of the incident, per its end line: %s", endLine)
        .hasSize(Integer.parseInt(m.group(1)));
  }

  private static void assertWarnings(String stderr, String endpoint) {
    List<String> warnings = linesContaining(stderr, "[synscope] WARN");
    List<String> ours =
        linesContaining(stderr, "[synscope] WARN accept queue overflow on " + endpoint + ":");
    assertThat(ours).as("warnings of the incident in: %s", stderr).hasSize(1);
    assertThat(ours.get(0))
        .contains("backlog 1")
        .contains("net.core.somaxconn=")
        .contains("raise the backlog");
    for (String w : warnings) {
      if (!w.equals(ours.get(0))) {
        // Another process's listener overflowed meanwhile: said, without a port.
        assertThat(w)
            .as("a warning other than the incident's")
            .contains("TCP listeners in this network namespace dropped connections");
      }
    }
  }

  private static void assertCountersMatchNetstat(
      List<ReceivedSpan> overflows,
      StackCounters before,
      StackCounters after,
      long beforeEpochNanos,
      long afterEpochNanos) {
    long netstat = after.listenOverflows().getAsLong() - before.listenOverflows().getAsLong();
    // Every span of one interval carries the same namespace-wide growth: count each once.
    Map<Long, ReceivedSpan> oneByInterval = new LinkedHashMap<>();
    for (ReceivedSpan s : overflows) {
      if (s.endEpochNanos() > beforeEpochNanos && s.startEpochNanos() < afterEpochNanos) {
        oneByInterval.putIfAbsent(s.endEpochNanos(), s);
      }
    }
    long inside = 0;
    long touching = 0;
    boolean edgesQuiet = true;
    for (ReceivedSpan s : oneByInterval.values()) {
      long grew = (Long) s.attribute("tcp.stack.listen_overflows");
      touching += grew;
      if (s.startEpochNanos() >= beforeEpochNanos && s.endEpochNanos() <= afterEpochNanos) {
        inside += grew;
      } else if (grew != 0) {
        edgesQuiet = false;
      }
    }
    assertThat(netstat).as("ListenOverflows grew in /proc/net/netstat").isPositive();
    if (edgesQuiet) {
      assertThat(touching)
          .as("ListenOverflows of the spans, one per interval: %s", oneByInterval.values())
          .isEqualTo(netstat);
    } else {
      assertThat(netstat)
          .as("ListenOverflows with other drops at the window's edges: %s", oneByInterval.values())
          .isBetween(inside, touching);
    }
  }

  private static boolean isOverflowOn(ReceivedSpan s, int port) {
    return s.name().equals("tcp.listen.overflow")
        && Long.valueOf(port).equals(s.attribute("network.local.port"));
  }

  private static boolean isFull(ReceivedSpan s) {
    return Boolean.TRUE.equals(s.attribute("tcp.listen.queue_full"));
  }

  private static List<String> linesContaining(String text, String part) {
    List<String> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.contains(part)) {
        out.add(line);
      }
    }
    return out;
  }

  private static long sysctl(String key) {
    return TcpSysctls.read().get(key).getAsInt();
  }

  private static long epochNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
