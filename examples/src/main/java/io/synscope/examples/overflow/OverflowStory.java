package io.synscope.examples.overflow;

import io.synscope.examples.AppProcess;
import io.synscope.examples.Example;
import io.synscope.examples.Launch;
import io.synscope.examples.Stories;
import io.synscope.examples.otlp.OtlpReceiver;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * The accept queue overflowing under a burst: {@link OverflowApp}'s server has a backlog of
 * {@value #BACKLOG}, stalls for {@value #STALL_MILLIS} ms and then takes one connection every
 * {@value #PACE_MILLIS} ms, while {@value #CLIENTS} clients connect at once. The agent, with its
 * listener poller every {@value #LISTEN_INTERVAL_MILLIS} ms, sees the full queue, the kernel's
 * counters and each client's SYN retransmits; the summary puts them together.
 */
public final class OverflowStory implements Example {
  static final int BACKLOG = 2;
  static final int CLIENTS = 12;
  static final long STALL_MILLIS = 2_000;
  static final long PACE_MILLIS = 300;
  static final long LISTEN_INTERVAL_MILLIS = 250;
  static final String SERVICE = "overflow-example";
  private static final Duration POLLER_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration TIMEOUT = Duration.ofSeconds(45);
  private static final String POLLER_STARTED = "[synscope] listener poller: every";

  @Override
  public String name() {
    return "overflow";
  }

  @Override
  public String description() {
    return "a burst of clients against a small backlog and a slow accept loop: the accept queue"
        + " overflows";
  }

  @Override
  public int run(Launch launch) throws Exception {
    PrintStream out = launch.out();
    out.println(
        "overflow: a server on 127.0.0.1 with backlog " + BACKLOG + " stalls for "
            + STALL_MILLIS + " ms, then accepts one connection every " + PACE_MILLIS + " ms; "
            + CLIENTS + " clients connect at once. The synscope agent is attached (listener"
            + " poller every " + LISTEN_INTERVAL_MILLIS + " ms).");
    out.println();
    OverflowLines lines = new OverflowLines(out);
    try (OtlpReceiver receiver = OtlpReceiver.start(lines::arrived)) {
      String agentOptions =
          Stories.agentOptions(receiver, SERVICE)
              + ",synscope.listen.interval="
              + LISTEN_INTERVAL_MILLIS
              + "ms";
      AppProcess app =
          AppProcess.start(
              launch,
              agentOptions,
              List.of(),
              OverflowApp.class,
              List.of(
                  Integer.toString(BACKLOG),
                  Integer.toString(CLIENTS),
                  Long.toString(STALL_MILLIS),
                  Long.toString(PACE_MILLIS)),
              span -> out.println("app span (unexpected): " + span.name()));
      // The poller's first reading is the counters' baseline: the burst must come after it.
      if (!app.awaitErrorLine(POLLER_STARTED, POLLER_TIMEOUT)) {
        out.println(
            "overflow: the agent's listener poller did not start (see its lines above); the"
                + " burst goes on without it");
      }
      app.sendLine("GO");
      int status = app.await(TIMEOUT);
      if (status != 0) {
        out.println(
            status < 0
                ? "overflow: the application did not finish within " + TIMEOUT
                : "overflow: the application exited with status " + status);
        return 1;
      }
    }
    List<String> problems = OverflowSummary.print(lines.spans(), CLIENTS, out);
    problems.forEach(p -> out.println("MISSING " + p));
    return problems.isEmpty() ? 0 : 1;
  }
}
