package io.synscope.examples.slow;

import io.synscope.examples.Example;
import io.synscope.examples.Launch;
import io.synscope.examples.Stories;
import io.synscope.examples.spans.SpanPrinter;
import io.synscope.examples.spans.SpanRecord;
import io.synscope.probe.proc.SynRetransmitSchedule;
import io.synscope.probe.proc.TcpSysctls;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A call to a dependency whose SYNs are dropped: the application sees only a connect timeout; the
 * agent's {@code tcp.connect} span shows the SYNs the kernel sent again meanwhile, as many as this
 * kernel's settings schedule within the timeout.
 */
public final class SlowDependencyStory implements Example {
  static final int PORT = 8080;
  static final int CONNECT_TIMEOUT_MILLIS = 3500;
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @Override
  public String name() {
    return "slow-dependency";
  }

  @Override
  public String description() {
    return "a dependency that drops SYNs: retransmits and the connect timeout in the span"
        + " (needs root)";
  }

  @Override
  public int run(Launch launch) throws Exception {
    PrintStream out = launch.out();
    String unsupported = SynDroppingNamespace.unsupportedReason();
    if (unsupported != null) {
      out.println("slow-dependency: not run: " + unsupported + ".");
      return 0;
    }
    SynRetransmitSchedule schedule = TcpSysctls.read().synRetransmitSchedule();
    try (SynDroppingNamespace dependency = SynDroppingNamespace.create(PORT)) {
      Thread cleanup = new Thread(dependency::close, "slow-dependency-cleanup");
      Runtime.getRuntime().addShutdownHook(cleanup);
      String address = dependency.dependencyAddress();
      out.println("slow-dependency: the inventory service at " + address + ":" + PORT
          + " (network namespace " + dependency.namespace() + ") drops every SYN; the"
          + " application connects with a " + CONNECT_TIMEOUT_MILLIS + " ms connect timeout");
      out.println();
      SpanPrinter printer = new SpanPrinter(out);
      int status =
          Stories.runApp(
              launch,
              "slow-dependency-example",
              List.of(),
              SlowDependencyApp.class,
              List.of(address, Integer.toString(PORT), Integer.toString(CONNECT_TIMEOUT_MILLIS)),
              printer,
              TIMEOUT);
      Runtime.getRuntime().removeShutdownHook(cleanup);
      if (status != 0) {
        return status;
      }
      List<String> problems = summarize(printer.spans(), schedule, out);
      problems.forEach(p -> out.println("MISSING " + p));
      return problems.isEmpty() ? 0 : 1;
    }
  }

  /** SYN retransmits the kernel sends before a connect gives up after {@code timeoutMillis}. */
  static int expectedRetransmits(SynRetransmitSchedule schedule, long timeoutMillis) {
    return (int) schedule.retransmitMillis().stream().filter(t -> t < timeoutMillis).count();
  }

  static List<String> summarize(
      List<SpanRecord> spans, SynRetransmitSchedule schedule, PrintStream out) {
    List<String> problems = new ArrayList<>();
    int expected = expectedRetransmits(schedule, CONNECT_TIMEOUT_MILLIS);
    List<SpanRecord> connects =
        spans.stream().filter(s -> "tcp.connect".equals(s.name())).toList();
    SpanRecord call =
        spans.stream()
            .filter(s -> s.source() == SpanRecord.Source.APP)
            .findFirst()
            .orElse(null);
    out.println();
    out.println("Summary:");
    if (connects.size() != 1 || call == null) {
      problems.add(connects.size() + " tcp.connect spans and " + (call == null ? "no" : "one")
          + " call span, not one each");
      return problems;
    }
    SpanRecord connect = connects.get(0);
    long retransmits = connect.longAttr("tcp.syn_retransmits");
    out.println(String.format(Locale.ROOT,
        "  call         %s  span %s  %.0f ms, %s", call.name(), call.spanId(),
        call.durationMillis(), call.status()));
    out.println(String.format(Locale.ROOT,
        "  tcp.connect  span %s parent %s (the call)  %.0f ms, error.type=%s, state %s,"
            + " %d SYN retransmits",
        connect.spanId(), connect.parentSpanId(), connect.durationMillis(),
        connect.attr("error.type"), connect.attr("tcp.state"), retransmits));
    out.println("  this kernel sends SYN retransmits at "
        + schedule.retransmitMillis().stream().map(t -> t + " ms").collect(Collectors.joining(", "))
        + " after the first SYN and gives up at " + schedule.giveUpMillis() + " ms;");
    out.println("  within the " + CONNECT_TIMEOUT_MILLIS + " ms connect timeout that is "
        + expected + " retransmits, and the span counted " + retransmits + ".");
    out.println();
    out.println("The application saw only \"Connect timed out\". The span shows why: the SYN and"
        + " its " + retransmits + " retransmits got no answer, so the peer (or something in"
        + " between) dropped them. Look at the dependency's listener (a full accept or SYN"
        + " queue drops SYNs), at firewalls and at routes; and give connect a timeout that"
        + " fits the call's budget rather than the kernel's two minutes.");
    if (!connect.parentSpanId().equals(call.spanId())) {
      problems.add("tcp.connect is not a child of the call span");
    }
    if (!"timed_out".equals(connect.attr("error.type"))) {
      problems.add("tcp.connect error.type is " + connect.attr("error.type") + ", not timed_out");
    }
    if (retransmits != expected) {
      problems.add("tcp.syn_retransmits is " + retransmits + ", the kernel's settings give "
          + expected);
    }
    return problems;
  }
}
