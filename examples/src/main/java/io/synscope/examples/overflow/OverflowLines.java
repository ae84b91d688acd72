package io.synscope.examples.overflow;

import io.synscope.examples.spans.SpanRecord;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints each of the agent's spans as it arrives, one line each, led by the time the span ended
 * (when the connect returned, when the accept returned, when the poller's interval closed), and
 * keeps them for the summary:
 *
 * <pre>
 * 10:41:07.913  tcp.connect          1004.12 ms  127.0.0.1:51234 -&gt; 127.0.0.1:40719  syn_retransmits=1
 * 10:41:08.209  tcp.accept            296.00 ms  127.0.0.1:40719 &lt;- 127.0.0.1:51234  queue_wait_ms=296 queue_depth=2 backlog=2 syn_retransmits=0
 * 10:41:07.157  tcp.listen.overflow   250.21 ms  127.0.0.1:40719  queue_depth=3 backlog=2 full=true syn_recv=0 listen_overflows=+9 listen_drops=+9
 * </pre>
 */
final class OverflowLines {
  static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneId.systemDefault());

  private final PrintStream out;
  private final List<SpanRecord> spans = new ArrayList<>();

  OverflowLines(PrintStream out) {
    this.out = out;
  }

  synchronized void arrived(SpanRecord span) {
    spans.add(span);
    out.println(line(span));
    out.flush();
  }

  synchronized List<SpanRecord> spans() {
    return List.copyOf(spans);
  }

  static String line(SpanRecord s) {
    StringBuilder b = new StringBuilder();
    b.append(TIME.format(Instant.ofEpochSecond(0, s.endEpochNanos())));
    b.append(String.format(Locale.ROOT, "  %-19s %9.2f ms", s.name(), s.durationMillis()));
    String local = s.endpoint("network.local.address", "network.local.port");
    String peer = s.endpoint("network.peer.address", "network.peer.port");
    switch (s.name()) {
      case "tcp.connect":
        b.append("  ").append(local).append(" -> ").append(peer);
        s.appendAttr(b, "tcp.syn_retransmits", "syn_retransmits");
        s.appendAttr(b, "error.type", "error");
        break;
      case "tcp.accept":
        b.append("  ").append(local).append(" <- ").append(peer);
        s.appendAttr(b, "tcp.accept.queue_wait_ms", "queue_wait_ms");
        s.appendAttr(b, "tcp.listen.queue_depth", "queue_depth");
        s.appendAttr(b, "tcp.listen.backlog", "backlog");
        s.appendAttr(b, "tcp.syn_retransmits", "syn_retransmits");
        s.appendAttr(b, "tcp.accept.bytes_received", "bytes_received");
        break;
      case "tcp.listen.overflow":
        b.append("  ").append(local == null ? "(no listener of this process)" : local);
        s.appendAttr(b, "tcp.listen.queue_depth", "queue_depth");
        s.appendAttr(b, "tcp.listen.backlog", "backlog");
        s.appendAttr(b, "tcp.listen.queue_full", "full");
        s.appendAttr(b, "tcp.listen.syn_recv", "syn_recv");
        delta(b, s, "tcp.stack.listen_overflows", "listen_overflows");
        delta(b, s, "tcp.stack.listen_drops", "listen_drops");
        delta(b, s, "tcp.stack.req_q_full_drop", "req_q_full_drop");
        delta(b, s, "tcp.stack.syncookies_sent", "syncookies_sent");
        break;
      default:
        if (local != null || peer != null) {
          b.append("  ").append(local).append(" ").append(peer);
        }
    }
    return b.toString();
  }

  /** A counter's growth over the interval: shown with its sign, and only when it grew. */
  private static void delta(StringBuilder b, SpanRecord s, String key, String label) {
    long v = s.longAttr(key);
    if (v > 0) {
      b.append(' ').append(label).append("=+").append(v);
    }
  }
}
