package io.synscope.examples.spans;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints each span as it arrives, on one line a person can read, and keeps them for the summary:
 *
 * <pre>
 * synscope  tcp.connect  CLIENT   0.41 ms  span 00f067aa0ba902b7 parent 53995c3f42cd8ad8  127.0.0.1:40112 -&gt; 127.0.0.1:8080  syn_retransmits=0 rtt_us=52 api=socket
 * </pre>
 */
public final class SpanPrinter {
  private final PrintStream out;
  private final List<SpanRecord> spans = new ArrayList<>();

  public SpanPrinter(PrintStream out) {
    this.out = out;
  }

  public synchronized void arrived(SpanRecord span) {
    spans.add(span);
    out.println(line(span));
    out.flush();
  }

  public synchronized List<SpanRecord> spans() {
    return List.copyOf(spans);
  }

  /** The span's line, as printed on arrival. */
  public static String line(SpanRecord s) {
    StringBuilder b = new StringBuilder();
    b.append(s.source() == SpanRecord.Source.AGENT ? "synscope  " : "app       ");
    b.append(String.format(Locale.ROOT, "%-13s %-6s %9.2f ms", s.name(), s.kind(), s.durationMillis()));
    b.append("  span ").append(s.spanId());
    b.append(s.isRoot() ? " (root)" : " parent " + s.parentSpanId());
    String local = s.endpoint("network.local.address", "network.local.port");
    String peer = s.endpoint("network.peer.address", "network.peer.port");
    if (local != null || peer != null) {
      String arrow = "SERVER".equals(s.kind()) ? " <- " : " -> ";
      b.append("  ").append(local == null ? "" : local + " ").append(arrow.strip());
      b.append(peer == null ? "" : " " + peer);
    }
    s.appendAttr(b, "tcp.syn_retransmits", "syn_retransmits");
    s.appendAttr(b, "tcp.accept.queue_wait_ms", "queue_wait_ms");
    s.appendAttr(b, "tcp.listen.queue_depth", "queue_depth");
    s.appendAttr(b, "tcp.listen.backlog", "backlog");
    s.appendAttr(b, "tcp.rtt_us", "rtt_us");
    s.appendAttr(b, "tcp.state", "state");
    s.appendAttr(b, "error.type", "error");
    s.appendAttr(b, "tcp.api", "api");
    s.appendAttr(b, "http.response.status_code", "status");
    if ("ERROR".equals(s.status()) && s.attr("error.type") == null) {
      b.append("  ERROR");
    }
    return b.toString();
  }
}
