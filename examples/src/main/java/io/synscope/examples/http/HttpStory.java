package io.synscope.examples.http;

import io.synscope.examples.Example;
import io.synscope.examples.Launch;
import io.synscope.examples.Stories;
import io.synscope.examples.spans.SpanPrinter;
import io.synscope.examples.spans.SpanRecord;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * HTTP requests traced by the application and connections traced by synscope, in one picture: for
 * each request of {@link HttpApp}, the application's client span, the agent's {@code tcp.connect}
 * under it, the agent's {@code tcp.accept} of the same connection (matched by the client's port)
 * and the application's server span.
 */
public final class HttpStory implements Example {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @Override
  public String name() {
    return "http";
  }

  @Override
  public String description() {
    return "an HttpClient and an HttpServer traced with OpenTelemetry: each tcp.connect under"
        + " its request";
  }

  @Override
  public int run(Launch launch) throws Exception {
    PrintStream out = launch.out();
    out.println("http: " + HttpApp.REQUESTS + " requests from a java.net.http.HttpClient to a JDK"
        + " HttpServer, each on a new connection, with the synscope agent attached");
    out.println();
    SpanPrinter printer = new SpanPrinter(out);
    int status =
        Stories.runApp(
            launch, "http-example", List.of(), HttpApp.class, List.of(), printer, TIMEOUT);
    if (status != 0) {
      return status;
    }
    List<String> problems = summarize(printer.spans(), out);
    problems.forEach(p -> out.println("MISSING " + p));
    return problems.isEmpty() ? 0 : 1;
  }

  /** Prints the summary; the problems found, empty when every request tells the whole story. */
  public static List<String> summarize(List<SpanRecord> spans, PrintStream out) {
    List<String> problems = new ArrayList<>();
    List<SpanRecord> requests =
        spans.stream()
            .filter(s -> s.source() == SpanRecord.Source.APP && "CLIENT".equals(s.kind()))
            .sorted((a, b) -> Long.compare(a.startEpochNanos(), b.startEpochNanos()))
            .toList();
    out.println();
    out.println("Summary: " + requests.size() + " requests");
    for (SpanRecord request : requests) {
      out.println("  request " + request.name() + "  span " + request.spanId()
          + String.format(java.util.Locale.ROOT, "  %.2f ms", request.durationMillis()));
      List<SpanRecord> connects =
          spans.stream()
              .filter(s -> "tcp.connect".equals(s.name()))
              .filter(s -> s.parentSpanId().equals(request.spanId()))
              .toList();
      if (connects.size() != 1) {
        problems.add(request.name() + ": " + connects.size() + " tcp.connect spans under it, not 1");
        continue;
      }
      SpanRecord connect = connects.get(0);
      long port = connect.longAttr("network.local.port");
      out.println(String.format(java.util.Locale.ROOT,
          "    tcp.connect  span %s parent %s (the request)  %.2f ms, %d SYN retransmits,"
              + " client port %d",
          connect.spanId(), connect.parentSpanId(), connect.durationMillis(),
          connect.longAttr("tcp.syn_retransmits"), port));
      Optional<SpanRecord> accept =
          spans.stream()
              .filter(s -> "tcp.accept".equals(s.name()))
              .filter(s -> s.longAttr("network.peer.port") == port)
              .findFirst();
      if (accept.isEmpty()) {
        problems.add(request.name() + ": no tcp.accept of client port " + port);
      } else {
        SpanRecord a = accept.get();
        out.println(String.format(java.util.Locale.ROOT,
            "    tcp.accept   span %s %s  peer port %d, %d ms in the accept queue"
                + " (%d more waiting, backlog %d)",
            a.spanId(), a.isRoot() ? "(root)" : "parent " + a.parentSpanId(),
            a.longAttr("network.peer.port"), a.longAttr("tcp.accept.queue_wait_ms"),
            a.longAttr("tcp.listen.queue_depth"), a.longAttr("tcp.listen.backlog")));
      }
      Optional<SpanRecord> handling =
          spans.stream()
              .filter(s -> s.source() == SpanRecord.Source.APP && "SERVER".equals(s.kind()))
              .filter(s -> s.parentSpanId().equals(request.spanId()))
              .findFirst();
      if (handling.isEmpty()) {
        problems.add(request.name() + ": no server span under it");
      } else {
        SpanRecord h = handling.get();
        out.println(String.format(java.util.Locale.ROOT,
            "    server       span %s parent %s (the request)  peer port %d  %.2f ms",
            h.spanId(), h.parentSpanId(), h.longAttr("network.peer.port"), h.durationMillis()));
        if (h.longAttr("network.peer.port") != port) {
          problems.add(request.name() + ": the server handled it on a connection from port "
              + h.longAttr("network.peer.port") + ", not " + port);
        }
      }
    }
    if (requests.size() != HttpApp.REQUESTS) {
      problems.add(requests.size() + " requests traced, not " + HttpApp.REQUESTS);
    }
    out.println();
    out.println("Each tcp.connect is a child of the request that opened the connection; the"
        + " server's tcp.accept and its request handling belong to the same connection (the"
        + " client's port). The accept span has no parent: the kernel finished the handshake"
        + " before any request, and its trace context, arrived.");
    return problems;
  }
}
