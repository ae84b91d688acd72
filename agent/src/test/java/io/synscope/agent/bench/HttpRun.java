package io.synscope.agent.bench;

import java.io.IOException;

/**
 * What one {@link HttpServiceApp} run measured in its window, parsed from its {@code RESULT} line,
 * and what the benchmark saw of the whole run (warm-up included): the spans, the receiver's CPU
 * time, the TIME_WAIT sockets left.
 *
 * @param receiverCpuNanos CPU time of the benchmark's JVM during the run: the OTLP receiver, and
 *     reading the run's output
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
    Spans spans,
    long receiverCpuNanos,
    long timeWaitLeft) {

  /**
   * What became of a run's spans.
   *
   * @param connect tcp.connect spans the receiver got from the run
   * @param accept tcp.accept spans the receiver got from the run
   * @param dropped spans the agent said it dropped, its export queue full
   * @param failed spans the agent said the receiver did not accept
   * @param leftAtExit spans the agent said its flush at exit left behind
   */
  record Spans(long connect, long accept, long dropped, long failed, long leftAtExit) {}

  static HttpRun parse(
      String variant,
      String mode,
      ResultLine r,
      Spans spans,
      long receiverCpuNanos,
      long timeWaitLeft)
      throws IOException {
    if (r.flag("cutShort")) {
      throw new IOException(
          "the run made its most requests before its window ended (raise bench.maxRequests): " + r);
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
        spans,
        receiverCpuNanos,
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

  /** The benchmark JVM's CPU (the receiver) per request, over the whole run. */
  double receiverMicrosPerRequest() {
    return receiverCpuNanos / 1e3 / totalRequests;
  }

  /** The spans a run with the agent should have made: a tcp.connect and a tcp.accept each. */
  long expectedSpans() {
    return 2 * totalConnections;
  }

  long receivedSpans() {
    return spans.connect() + spans.accept();
  }

  /** Spans neither received nor reported lost by the agent. */
  long unaccountedSpans() {
    return expectedSpans()
        - receivedSpans()
        - spans.dropped()
        - spans.failed()
        - spans.leftAtExit();
  }
}
