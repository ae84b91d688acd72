package io.synscope.examples.overflow;

import io.synscope.examples.spans.SpanRecord;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the overflow example's spans say, in a few lines: every figure is computed from the spans
 * received, nothing from the application's own view. Medians are the lower middle value.
 */
final class OverflowSummary {
  private OverflowSummary() {}

  /** Prints the summary and the fix; returns what is missing for the story to be told. */
  static List<String> print(List<SpanRecord> spans, int clients, PrintStream out) {
    List<SpanRecord> connects = named(spans, "tcp.connect");
    List<SpanRecord> accepts = named(spans, "tcp.accept");
    List<SpanRecord> overflows = named(spans, "tcp.listen.overflow");
    List<String> problems = new ArrayList<>();
    if (connects.size() != clients) {
      problems.add(connects.size() + " tcp.connect spans, not " + clients);
    }
    if (accepts.isEmpty()) {
      problems.add("no tcp.accept span");
    }
    out.println();
    out.println(
        "Summary, from the " + connects.size() + " tcp.connect, " + accepts.size()
            + " tcp.accept and " + overflows.size() + " tcp.listen.overflow spans above:");

    List<Long> waits = values(accepts, "tcp.accept.queue_wait_ms");
    row(out, "accept queue", accepts.size() + " connections waited to be accepted: longest "
        + max(waits) + " ms, median " + median(waits) + " ms");

    List<Long> retriedMillis = new ArrayList<>();
    List<Long> answeredMillis = new ArrayList<>();
    long synRetransmits = 0;
    for (SpanRecord c : connects) {
      long n = c.longAttr("tcp.syn_retransmits");
      if (n > 0) {
        synRetransmits += n;
        retriedMillis.add(shownMillis(c));
      } else {
        answeredMillis.add(shownMillis(c));
      }
    }
    row(out, "SYN retransmits", retriedMillis.size() + " of " + connects.size()
        + " clients sent their SYN again, " + synRetransmits + " times in all;");
    row(out, "", "their connects took " + min(retriedMillis) + ".." + max(retriedMillis)
        + " ms (median " + median(retriedMillis) + " ms), the others' at most "
        + max(answeredMillis) + " ms:");
    row(out, "", "the kernel resends a dropped SYN only after its retransmit timeout, 1 s");

    long synAckRetransmits = 0;
    for (SpanRecord a : accepts) {
      synAckRetransmits += Math.max(0, a.longAttr("tcp.syn_retransmits"));
    }
    row(out, "SYN-ACKs resent", synAckRetransmits
        + (synAckRetransmits > 0
            ? " (by the server, for handshakes whose last ACK the full queue dropped)"
            : ""));

    // Every span of one interval carries the same growth of the namespace's counters: once each.
    Map<Long, SpanRecord> byInterval = new LinkedHashMap<>();
    for (SpanRecord o : overflows) {
      byInterval.putIfAbsent(o.endEpochNanos(), o);
    }
    long listenOverflows = 0;
    long listenDrops = 0;
    long cookies = 0;
    for (SpanRecord o : byInterval.values()) {
      listenOverflows += Math.max(0, o.longAttr("tcp.stack.listen_overflows"));
      listenDrops += Math.max(0, o.longAttr("tcp.stack.listen_drops"));
      cookies += Math.max(0, o.longAttr("tcp.stack.syncookies_sent"));
    }
    row(out, "SYN cookies", cookies + " sent"
        + (cookies > 0 ? " (the SYN queue, no longer than the backlog, was full)" : ""));

    Set<Long> acceptedPorts = new HashSet<>();
    for (SpanRecord a : accepts) {
      acceptedPorts.add(a.longAttr("network.peer.port"));
    }
    long neverAccepted = 0;
    for (SpanRecord c : connects) {
      if (c.attr("error.type") == null
          && !acceptedPorts.contains(c.longAttr("network.local.port"))) {
        neverAccepted++;
      }
    }
    row(out, "never accepted", neverAccepted
        + " clients connected (as far as they knew) that the server never accepted");

    List<SpanRecord> onListener = new ArrayList<>();
    for (SpanRecord o : overflows) {
      if (o.attr("network.local.port") != null) {
        onListener.add(o);
      }
    }
    long full =
        onListener.stream().filter(o -> "true".equals(o.attr("tcp.listen.queue_full"))).count();
    if (onListener.isEmpty()) {
      problems.add("no tcp.listen.overflow span of the listener");
      row(out, "queue depth", "no tcp.listen.overflow span of the listener arrived");
    } else {
      long peak = max(values(onListener, "tcp.listen.queue_depth"));
      long backlog = max(values(onListener, "tcp.listen.backlog"));
      row(out, "queue depth", "peak " + peak + " against a backlog of " + backlog + ": full in "
          + full + " of " + onListener.size() + " overflow intervals");
    }
    row(out, "kernel counters", "ListenOverflows +" + listenOverflows + ", ListenDrops +"
        + listenDrops + " (whole network namespace, " + byInterval.size() + " intervals)");

    long somaxconn = max(values(overflows, "tcp.sysctl.somaxconn"));
    out.println();
    out.println("The fix:");
    out.println(
        "  - raise the backlog: new ServerSocket(port, 1024), ServerSocketChannel.bind(address,"
            + " 1024),");
    out.println("    or your server's setting for it; the kernel caps it at net.core.somaxconn"
        + " (here " + (somaxconn < 0 ? "unknown" : Long.toString(somaxconn)) + ")");
    out.println("  - accept faster: a thread that only accepts and hands each connection to a pool,"
        + " or more");
    out.println("    accept threads");
    out.println("  - alert on tcp.listen.queue.depth reaching tcp.listen.queue.limit, and on"
        + " growth of");
    out.println("    tcp.stack.listen.overflows");
    return problems;
  }

  private static void row(PrintStream out, String label, String text) {
    out.println(String.format(Locale.ROOT, "  %-17s%s", label, text));
  }

  private static List<SpanRecord> named(List<SpanRecord> spans, String name) {
    List<SpanRecord> named = new ArrayList<>();
    for (SpanRecord s : spans) {
      if (s.source() == SpanRecord.Source.AGENT && s.name().equals(name)) {
        named.add(s);
      }
    }
    return named;
  }

  private static List<Long> values(List<SpanRecord> spans, String key) {
    List<Long> values = new ArrayList<>();
    for (SpanRecord s : spans) {
      long v = s.longAttr(key);
      if (v >= 0) {
        values.add(v);
      }
    }
    return values;
  }

  /** A span's duration in whole milliseconds, rounded from the figure its line shows. */
  private static long shownMillis(SpanRecord s) {
    return Math.round(Double.parseDouble(String.format(Locale.ROOT, "%.2f", s.durationMillis())));
  }

  static long max(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).max().orElse(-1);
  }

  static long min(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).min().orElse(-1);
  }

  /** The lower middle value; -1 for none. */
  static long median(List<Long> values) {
    if (values.isEmpty()) {
      return -1;
    }
    List<Long> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.get((sorted.size() - 1) / 2);
  }

}
