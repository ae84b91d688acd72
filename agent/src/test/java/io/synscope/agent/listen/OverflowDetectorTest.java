package io.synscope.agent.listen;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.synscope.agent.testing.CapturedSpans;
import io.synscope.probe.DataSource;
import io.synscope.probe.IpFamily;
import io.synscope.probe.proc.StackCounters;
import io.synscope.probe.proc.TcpSysctls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which intervals get spans and which incidents get lines, on crafted listeners and counters. */
class OverflowDetectorTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private static final long T0 = 1_700_000_000L * SECOND;

  @TempDir Path dir;

  private final List<String> warnings = new ArrayList<>();
  private final List<String> infos = new ArrayList<>();
  private CapturedSpans captured;
  private OverflowDetector detector;
  private int files;

  @BeforeEach
  void setUp() throws IOException {
    captured = new CapturedSpans("test");
    Path sys = dir.resolve("sys");
    write(sys.resolve("net/core/somaxconn"), "4096\n");
    write(sys.resolve("net/ipv4/tcp_max_syn_backlog"), "512\n");
    write(sys.resolve("net/ipv4/tcp_syncookies"), "1\n");
    write(sys.resolve("net/ipv4/tcp_abort_on_overflow"), "0\n");
    detector =
        new OverflowDetector(
            captured.tracer(),
            () -> TcpSysctls.read(sys),
            new OverflowDetector.IncidentLog() {
              @Override
              public void warn(String line) {
                warnings.add(line);
              }

              @Override
              public void info(String line) {
                infos.add(line);
              }
            });
  }

  @AfterEach
  void tearDown() {
    captured.close();
  }

  @Test
  void aFullQueueGivesOneSpanPerIntervalAndOneWarningPerIncident() {
    Listener full = listener(8080, 2, 1, true, 3);
    StackCounters c0 = counters(10, 12, 0, 0);
    StackCounters c1 = counters(13, 15, 0, 0);
    StackCounters c2 = counters(13, 15, 0, 0);

    detector.onPoll(T0, T0 + SECOND, null, snapshot(full), null);
    detector.onPoll(T0 + SECOND, T0 + 2 * SECOND, snapshot(full), snapshot(full), c1.since(c0));
    Listener drained = listener(8080, 0, 1, false, 0);
    detector.onPoll(
        T0 + 2 * SECOND, T0 + 3 * SECOND, snapshot(full), snapshot(drained), c2.since(c1));

    assertThat(captured.spans()).hasSize(2);
    SpanData first = captured.spans().get(0);
    assertThat(first.getName()).isEqualTo("tcp.listen.overflow");
    assertThat(first.getKind()).isEqualTo(SpanKind.INTERNAL);
    assertThat(first.getParentSpanContext().isValid()).isFalse();
    assertThat(first.getStartEpochNanos()).isEqualTo(T0);
    assertThat(first.getEndEpochNanos()).isEqualTo(T0 + SECOND);
    assertThat(attr(first, "network.local.address")).isEqualTo("127.0.0.1");
    assertThat(attr(first, "network.local.port")).isEqualTo(8080L);
    assertThat(attr(first, "network.type")).isEqualTo("ipv4");
    assertThat(attr(first, "tcp.listen.queue_depth")).isEqualTo(2L);
    assertThat(attr(first, "tcp.listen.backlog")).isEqualTo(1L);
    assertThat(attr(first, "tcp.listen.queue_full")).isEqualTo(true);
    assertThat(attr(first, "tcp.listen.syn_recv")).isEqualTo(3L);
    assertThat(attr(first, "tcp.listen.sockets")).isEqualTo(1L);
    assertThat(attr(first, "tcp.listen.overflow.listeners")).isEqualTo(1L);
    assertThat(attr(first, "tcp.stack.listen_overflows")).as("no delta at the first poll").isNull();
    assertThat(attr(first, "tcp.sysctl.somaxconn")).isEqualTo(4096L);
    assertThat(attr(first, "tcp.sysctl.max_syn_backlog")).isEqualTo(512L);
    assertThat(attr(first, "tcp.sysctl.syncookies")).isEqualTo(1L);
    assertThat(attr(first, "tcp.sysctl.abort_on_overflow")).isEqualTo(0L);
    SpanData second = captured.spans().get(1);
    assertThat(second.getStartEpochNanos()).isEqualTo(T0 + SECOND);
    assertThat(second.getEndEpochNanos()).isEqualTo(T0 + 2 * SECOND);
    assertThat(attr(second, "tcp.stack.listen_overflows")).isEqualTo(3L);
    assertThat(attr(second, "tcp.stack.listen_drops")).isEqualTo(3L);
    assertThat(attr(second, "tcp.stack.req_q_full_drop")).isEqualTo(0L);
    assertThat(attr(second, "tcp.stack.syncookies_sent")).isEqualTo(0L);

    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0))
        .startsWith("accept queue overflow on 127.0.0.1:8080: queue 2 > backlog 1 (full), 3")
        .contains("net.core.somaxconn=4096")
        .contains("raise the backlog argument of listen()");
    assertThat(infos).isEmpty();

    // Quiet for the quiet period: the incident ends with its totals.
    long quietEnd = T0 + 2 * SECOND + OverflowDetector.QUIET_PERIOD_NANOS;
    detector.onPoll(
        quietEnd - SECOND, quietEnd, snapshot(drained), snapshot(drained), c2.since(c2));
    assertThat(infos)
        .containsExactly(
            "accept queue overflow on 127.0.0.1:8080 ended: 2 intervals with overflow over 2.00 s,"
                + " largest queue 2 of backlog 1; namespace counters ListenOverflows +3,"
                + " ListenDrops +3, TCPReqQFullDrop +0, SyncookiesSent +0");
    assertThat(detector.openIncidents()).isEmpty();
    assertThat(captured.spans()).hasSize(2);
  }

  @Test
  void growthWithNoListenerToBlameGetsOneSpanWithoutAPort() {
    Listener idle = listener(8080, 0, 128, false, 0);
    StackCounters c0 = counters(10, 10, 0, 0);
    StackCounters c1 = counters(14, 15, 2, 0);

    detector.onPoll(T0, T0 + SECOND, snapshot(idle), snapshot(idle), c1.since(c0));

    assertThat(captured.spans()).hasSize(1);
    SpanData s = captured.spans().get(0);
    assertThat(attr(s, "network.local.port")).isNull();
    assertThat(attr(s, "tcp.listen.queue_depth")).isNull();
    assertThat(attr(s, "tcp.listen.overflow.listeners")).isEqualTo(0L);
    assertThat(attr(s, "tcp.stack.listen_overflows")).isEqualTo(4L);
    assertThat(attr(s, "tcp.stack.listen_drops")).isEqualTo(5L);
    assertThat(attr(s, "tcp.stack.req_q_full_drop")).isEqualTo(2L);
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0))
        .startsWith(
            "TCP listeners in this network namespace dropped connections; in the last 1000 ms the"
                + " namespace counted ListenOverflows +4, ListenDrops +5, TCPReqQFullDrop +2");
  }

  @Test
  void growthIsBlamedOnAListenerThatWasFullWhenTheIntervalBegan() {
    Listener fullThen = listener(8080, 129, 128, true, 0);
    Listener drainedNow = listener(8080, 0, 128, false, 0);
    StackCounters c0 = counters(10, 10, 0, 0);
    StackCounters c1 = counters(11, 11, 0, 0);

    detector.onPoll(T0, T0 + SECOND, snapshot(fullThen), snapshot(drainedNow), c1.since(c0));

    assertThat(captured.spans()).hasSize(1);
    assertThat(attr(captured.spans().get(0), "network.local.port")).isEqualTo(8080L);
    assertThat(attr(captured.spans().get(0), "tcp.listen.queue_full")).isEqualTo(false);
    assertThat(attr(captured.spans().get(0), "tcp.listen.queue_depth")).isEqualTo(0L);
    assertThat(attr(captured.spans().get(0), "tcp.stack.listen_overflows")).isEqualTo(1L);
  }

  @Test
  void twoFullListenersEachGetTheIntervalsGrowthAndSaySo() {
    Listener a = listener(8080, 3, 2, true, 0);
    Listener b = listener(9090, 6, 5, true, 0);
    Listener idle = listener(7070, 0, 5, false, 0);
    StackCounters c0 = counters(10, 10, 0, 0);
    StackCounters c1 = counters(17, 17, 0, 0);

    detector.onPoll(T0, T0 + SECOND, snapshot(a, b, idle), snapshot(a, b, idle), c1.since(c0));

    assertThat(captured.spans()).hasSize(2);
    for (SpanData s : captured.spans()) {
      assertThat(attr(s, "tcp.stack.listen_overflows")).isEqualTo(7L);
      assertThat(attr(s, "tcp.listen.overflow.listeners")).isEqualTo(2L);
    }
    assertThat(
            List.of(
                attr(captured.spans().get(0), "network.local.port"), attr(captured.spans().get(1), "network.local.port")))
        .containsExactly(8080L, 9090L);
    assertThat(warnings).hasSize(2);
  }

  @Test
  void aListenerThatClosesEndsItsIncident() {
    Listener full = listener(8080, 2, 1, true, 0);
    detector.onPoll(T0, T0 + SECOND, null, snapshot(full), null);
    detector.onPoll(T0 + SECOND, T0 + 2 * SECOND, snapshot(full), snapshot(), null);

    assertThat(infos).hasSize(1);
    assertThat(infos.get(0))
        .startsWith("accept queue overflow on 127.0.0.1:8080 ended, listener closed: 1 interval");
  }

  @Test
  void aBacklogAtSomaxconnAsksForBoth() throws IOException {
    Listener capped = listener(8080, 4097, 4096, true, 0);
    String advice = OverflowDetector.advice(capped, null, TcpSysctls.read(dir.resolve("sys")));
    assertThat(advice)
        .contains("it is capped by net.core.somaxconn=4096, raise that and the backlog");
  }

  private StackCounters counters(long overflows, long drops, long reqQFullDrop, long cookies) {
    Path d = dir.resolve("net" + files++);
    write(
        d.resolve("netstat"),
        "TcpExt: ListenOverflows ListenDrops TCPReqQFullDrop TCPReqQFullDoCookies SyncookiesSent\n"
            + "TcpExt: "
            + overflows
            + " "
            + drops
            + " "
            + reqQFullDrop
            + " "
            + cookies
            + " "
            + cookies
            + "\n");
    write(d.resolve("snmp"), "Tcp: ActiveOpens PassiveOpens\nTcp: 1 2\n");
    return StackCounters.read(d);
  }

  private static Listener listener(int port, long depth, long backlog, boolean full, int synRecv) {
    try {
      return new Listener(
          IpFamily.IPV4,
          InetAddress.getByName("127.0.0.1"),
          port,
          List.of(1000L + port),
          depth,
          backlog,
          full,
          synRecv);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ListenerSnapshot snapshot(Listener... listeners) {
    return new ListenerSnapshot(List.of(listeners), DataSource.NETLINK, 0);
  }

  private static Object attr(SpanData s, String key) {
    for (var e : s.getAttributes().asMap().entrySet()) {
      AttributeKey<?> k = e.getKey();
      if (k.getKey().equals(key)) {
        return e.getValue();
      }
    }
    return null;
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
