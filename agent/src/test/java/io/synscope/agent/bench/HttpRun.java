package io.synscope.agent.bench;

import java.io.IOException;

/**
 * What one {@link HttpServiceApp} run measured in its window, parsed from its {@code RESULT} line,
 * and, for a run with the agent, what became of its spans over the whole run (warm-up included).
 *
 * @param connectSpans tcp.connect spans the receiver got from this run
 * @param acceptSpans tcp.accept spans the receiver got from this run
 * @param droppedSpans spans the agent said it dropped, its export queue full
 * @param failedSpans spans the agent said the receiver did not accept
 * @param timeWaitLeft TIME_WAIT sockets of the run's server port found after the run
 */
record HttpRun(
    String variant,
    String mode,
    ProcessCounters process,
    long requests,
    long connections,
    long clientCpuNanos,
    long serverCpuNanos,
    long totalRequests,
    long totalConnections,
    int port,
    long connectSpans,
    long acceptSpans,
    long droppedSpans,
    long failedSpans,
    long timeWaitLeft) {

  static HttpRun parse(
      String variant, String mode, ResultLine r, long[] spans, long dropped, long failed,
      long timeWaitLeft)
      throws IOException {
    if (r.flag("cutShort")) {
      throw new IOException(
          "the run made its most requests before its window ended (raise bench.maxRequests): "
              + r);
    }
    return new HttpRun(
        variant,
        mode,
        ProcessCounters.from(r),
        r.number("requests"),
        r.number("connections"),
        r.number("clientCpuNanos"),
        r.number("serverCpuNanos"),
        r.number("totalRequests"),
        r.number("totalConnections"),
        (int) r.number("port"),
        spans[0],
        spans[1],
        dropped,
        failed,
        timeWaitLeft);
  }

  double requestsPerSecond() {
    return process.perSecond(requests);
  }

  double cpuMicrosPerRequest() {
    return process.cpuMicrosPer(requests);
  }

  double userMicrosPerRequest() {
    return process.userMicrosPer(requests);
  }

  double systemMicrosPerRequest() {
    return process.systemMicrosPer(requests);
  }

  double clientMicrosPerRequest() {
    return clientCpuNanos / 1e3 / requests;
  }

  /** The server's dispatcher and handler threads, per request. */
  double serverMicrosPerRequest() {
    return serverCpuNanos / 1e3 / requests;
  }

  /** Every other thread: JIT, GC, the agent's own (the span exporter among them). */
  double otherMicrosPerRequest() {
    return cpuMicrosPerRequest() - clientMicrosPerRequest() - serverMicrosPerRequest();
  }

  /** The spans a run with the agent should have made: a tcp.connect and a tcp.accept each. */
  long expectedSpans() {
    return 2 * totalConnections;
  }

  long receivedSpans() {
    return connectSpans + acceptSpans;
  }

  /** Spans neither received nor reported lost by the agent. */
  long unaccountedSpans() {
    return expectedSpans() - receivedSpans() - droppedSpans - failedSpans;
  }
}
