package io.synscope.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.synscope.probe.proc.TcpSysctls;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code java -jar examples/target/synscope-examples.jar overflow}, as the README's first command
 * runs it: the span lines tell the story the kernel saw, and the summary's figures are the ones
 * those lines show.
 */
class OverflowExampleIT {
  static final int BACKLOG = 2;
  static final int CLIENTS = 12;
  static final long STALL_MILLIS = 2_000;
  static final long PACE_MILLIS = 300;
  /** Span ends are printed to the millisecond, and the kernel's clock for the wait is a jiffy. */
  private static final long TOLERANCE_MS = 12;

  private static final String TIME = "(\\d\\d:\\d\\d:\\d\\d\\.\\d{3})";
  static final Pattern CONNECT =
      Pattern.compile(
          "^" + TIME + "  tcp\\.connect +([0-9.]+) ms  127\\.0\\.0\\.1:(\\d+)"
              + " -> 127\\.0\\.0\\.1:(\\d+) syn_retransmits=(\\d+)$");
  static final Pattern ACCEPT =
      Pattern.compile(
          "^" + TIME + "  tcp\\.accept +([0-9.]+) ms  127\\.0\\.0\\.1:(\\d+)"
              + " <- 127\\.0\\.0\\.1:(\\d+) queue_wait_ms=(\\d+) queue_depth=(\\d+) backlog=(\\d+)"
              + " syn_retransmits=(\\d+)"
              + "( bytes_received=\\d+)?$");
  static final Pattern OVERFLOW =
      Pattern.compile(
          "^" + TIME + "  tcp\\.listen\\.overflow +[0-9.]+ ms  (?:127\\.0\\.0\\.1:(\\d+)"
              + " queue_depth=(\\d+) backlog=(\\d+) full=(true|false) syn_recv=\\d+"
              + "|\\(no listener of this process\\))"
              + "(?: listen_overflows=\\+(\\d+))?(?: listen_drops=\\+(\\d+))?"
              + "(?: req_q_full_drop=\\+\\d+)?(?: syncookies_sent=\\+(\\d+))?$");
  private static final Pattern LISTENING =
      Pattern.compile("^app: +LISTENING 127\\.0\\.0\\.1:(\\d+) backlog=" + BACKLOG + "$");

  @Test
  void theSpansTellTheOverflowAndTheSummaryAddsThemUp() throws Exception {
    ExampleRun run = ExampleRun.of(Duration.ofSeconds(60), List.of(), "overflow");

    assertThat(run.exitCode()).as(run.describe()).isZero();
    assertThat(run.took())
        .as("the example ends by itself, soon")
        .isLessThan(Duration.ofSeconds(20));
    checkStory(run, run.lines());
  }

  /** Everything the output must show; shared with the run that also feeds the backends. */
  static Story checkStory(ExampleRun run, List<String> lines) throws Exception {
    assertThat(lines).as(run.describe()).noneMatch(l -> l.startsWith("MISSING"));
    String port = only(lines, LISTENING, run).group(1);
    List<Matcher> connects = all(lines, CONNECT);
    List<Matcher> accepts = all(lines, ACCEPT);
    List<Matcher> overflows = all(lines, OVERFLOW);

    // Every client connected to the listener, and the full queue made some send SYNs again.
    assertThat(connects).as(run.describe()).hasSize(CLIENTS);
    assertThat(connects).allSatisfy(c -> assertThat(c.group(4)).isEqualTo(port));
    assertThat(connects.stream().filter(c -> Long.parseLong(c.group(5)) > 0))
        .as("clients with SYN retransmits\n%s", run.describe())
        .isNotEmpty();

    // The poller saw the queue full: one more than the backlog.
    assertThat(overflows)
        .as("overflow lines of the listener with the queue full\n%s", run.describe())
        .anySatisfy(
            o -> {
              assertThat(o.group(2)).isEqualTo(port);
              assertThat(o.group(3)).isEqualTo(Integer.toString(BACKLOG + 1));
              assertThat(o.group(4)).isEqualTo(Integer.toString(BACKLOG));
              assertThat(o.group(5)).isEqualTo("true");
            });

    // Each accept is of one of the clients, once, and every connection the server took has its
    // span. Clients whose handshake the kernel never completed on the server's side (a dropped
    // last ACK, a SYN cookie, and their request's retransmits dropped too) give up unanswered.
    Map<String, Matcher> connectByPort = new HashMap<>();
    connects.forEach(c -> connectByPort.put(c.group(3), c));
    assertThat(lines).as(run.describe()).contains("app:      SERVED " + accepts.size());
    assertThat(accepts).as(run.describe()).isNotEmpty();
    assertThat(accepts.stream().map(a -> a.group(4)).distinct().toList())
        .hasSize(accepts.size())
        .isSubsetOf(connectByPort.keySet());
    for (Matcher a : accepts) {
      assertThat(a.group(3)).isEqualTo(port);
      assertThat(a.group(7)).isEqualTo(Integer.toString(BACKLOG));
      // Read just after the accept: a connection may have joined since, up to a full queue.
      assertThat(Long.parseLong(a.group(6))).isBetween(0L, BACKLOG + 1L);
      // The queue wait lies within the time from the client's connect call to the accept: the
      // server's kernel completes the handshake when the client's last ACK arrives, inside that
      // call (or later, when the full queue dropped it), and the call returns after.
      long wait = Long.parseLong(a.group(5));
      Matcher connect = connectByPort.get(a.group(4));
      long connectMillis = (long) Math.ceil(Double.parseDouble(connect.group(2)));
      long sinceConnectCall = millisBetween(connect.group(1), a.group(1)) + connectMillis;
      assertThat(wait).as("%s vs %s", a.group(), connect.group())
          .isLessThanOrEqualTo(sinceConnectCall + TOLERANCE_MS);
      // An accept span lasts from the handshake's completion to accept returning: the wait.
      assertThat(Double.parseDouble(a.group(2))).isBetween(wait - 1.0, wait + 1.0);
    }
    // The accept loop's pace: one accept per pace at most.
    List<LocalTime> acceptEnds =
        accepts.stream().map(a -> LocalTime.parse(a.group(1))).sorted().toList();
    for (int i = 1; i < acceptEnds.size(); i++) {
      assertThat(Duration.between(acceptEnds.get(i - 1), acceptEnds.get(i)).toMillis())
          .as("accepts %d and %d", i - 1, i)
          .isGreaterThanOrEqualTo(PACE_MILLIS - 2);
    }
    List<Long> waits = accepts.stream().map(a -> Long.parseLong(a.group(5))).toList();
    assertThat(max(waits))
        .as("the stall shows in the longest wait")
        .isGreaterThan(STALL_MILLIS / 2);

    checkSummary(run, lines, connects, accepts, overflows);
    return new Story(port, connects, accepts, overflows);
  }

  private static void checkSummary(
      ExampleRun run,
      List<String> lines,
      List<Matcher> connects,
      List<Matcher> accepts,
      List<Matcher> overflows) {
    only(lines, Pattern.compile(Pattern.quote("Summary, from the " + connects.size()
        + " tcp.connect, " + accepts.size() + " tcp.accept and " + overflows.size()
        + " tcp.listen.overflow spans above:")), run);
    List<Long> waits = accepts.stream().map(a -> Long.parseLong(a.group(5))).toList();
    summaryRow(lines, run, "accept queue", accepts.size() + " connections waited to be accepted:"
        + " longest " + max(waits) + " ms, median " + median(waits) + " ms");

    List<Long> retried = new ArrayList<>();
    List<Long> others = new ArrayList<>();
    long retransmits = 0;
    for (Matcher c : connects) {
      long n = Long.parseLong(c.group(5));
      long ms = Math.round(Double.parseDouble(c.group(2)));
      retransmits += n;
      (n > 0 ? retried : others).add(ms);
    }
    summaryRow(lines, run, "SYN retransmits", retried.size() + " of " + connects.size()
        + " clients sent their SYN again, " + retransmits + " times in all;");
    summaryRow(lines, run, "", "their connects took " + min(retried) + ".." + max(retried)
        + " ms (median " + median(retried) + " ms), the others' at most " + max(others) + " ms:");

    long synAcks = accepts.stream().mapToLong(a -> Long.parseLong(a.group(8))).sum();
    summaryRow(lines, run, "SYN-ACKs resent", synAcks
        + (synAcks > 0 ? " (by the server, for handshakes whose last ACK the full queue dropped)"
            : ""));

    Map<String, Matcher> byInterval = new LinkedHashMap<>();
    overflows.forEach(o -> byInterval.putIfAbsent(o.group(1), o));
    long listenOverflows = 0;
    long listenDrops = 0;
    long cookies = 0;
    for (Matcher o : byInterval.values()) {
      listenOverflows += o.group(6) == null ? 0 : Long.parseLong(o.group(6));
      listenDrops += o.group(7) == null ? 0 : Long.parseLong(o.group(7));
      cookies += o.group(8) == null ? 0 : Long.parseLong(o.group(8));
    }
    summaryRow(lines, run, "SYN cookies", cookies + " sent"
        + (cookies > 0 ? " (the SYN queue, no longer than the backlog, was full)" : ""));
    summaryRow(lines, run, "never accepted", (connects.size() - accepts.size())
        + " clients connected (as far as they knew) that the server never accepted");
    List<Matcher> onListener = overflows.stream().filter(o -> o.group(2) != null).toList();
    long full = onListener.stream().filter(o -> o.group(5).equals("true")).count();
    // Usually backlog + 1; handshakes completing at once on two CPUs can pass the kernel's check
    // together and make it one more.
    long peak = onListener.stream().mapToLong(o -> Long.parseLong(o.group(3))).max().orElse(-1);
    summaryRow(lines, run, "queue depth", "peak " + peak + " against a backlog of "
        + BACKLOG + ": full in " + full + " of " + onListener.size() + " overflow intervals");
    summaryRow(lines, run, "kernel counters", "ListenOverflows +" + listenOverflows
        + ", ListenDrops +" + listenDrops + " (whole network namespace, " + byInterval.size()
        + " intervals)");
    String somaxconn = Integer.toString(TcpSysctls.read().somaxconn().getAsInt());
    assertThat(lines).as(run.describe())
        .contains("    or your server's setting for it; the kernel caps it at net.core.somaxconn"
            + " (here " + somaxconn + ")");
  }

  private static void summaryRow(List<String> lines, ExampleRun run, String label, String text) {
    assertThat(lines).as(run.describe())
        .contains(String.format(Locale.ROOT, "  %-17s%s", label, text));
  }

  /** The parsed lines of one run. */
  record Story(String port, List<Matcher> connects, List<Matcher> accepts,
      List<Matcher> overflows) {}

  static long millisBetween(String from, String to) {
    return Duration.between(LocalTime.parse(from), LocalTime.parse(to)).toMillis();
  }

  static List<Matcher> all(List<String> lines, Pattern p) {
    return lines.stream().map(p::matcher).filter(Matcher::matches).toList();
  }

  static Matcher only(List<String> lines, Pattern p, ExampleRun run) {
    List<Matcher> matches = all(lines, p);
    assertThat(matches).as("lines matching %s in\n%s", p, run.describe()).hasSize(1);
    return matches.get(0);
  }

  private static long max(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).max().orElse(-1);
  }

  private static long min(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).min().orElse(-1);
  }

  private static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.isEmpty() ? -1 : sorted.get((sorted.size() - 1) / 2);
  }
}
