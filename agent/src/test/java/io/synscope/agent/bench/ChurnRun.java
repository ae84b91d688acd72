package io.synscope.agent.bench;

import java.io.IOException;

/**
 * What one {@link ChurnApp} run measured in its window, parsed from its {@code RESULT} line.
 *
 * @param heapAfterGcBytes the heap in use after a full collection at the end of the run
 * @param timeWaitLeft TIME_WAIT sockets of the run's listener port found after the run, -1 until
 *     counted
 */
record ChurnRun(
    String variant,
    ProcessCounters process,
    long connections,
    long clientCpuNanos,
    long serverCpuNanos,
    long processorCpuNanos,
    long senderCpuNanos,
    long agentCpuNanos,
    long totalConnections,
    int port,
    long heapAfterGcBytes,
    long timeWaitLeft) {

  static ChurnRun parse(String variant, String line) throws IOException {
    ResultLine r = ResultLine.parse(line);
    if (r.flag("cutShort")) {
      throw new IOException(
          "the run made its most connections before its window ended (raise"
              + " bench.maxConnections): "
              + line);
    }
    return new ChurnRun(
        variant,
        ProcessCounters.from(r),
        r.number("connections"),
        r.number("clientCpuNanos"),
        r.number("serverCpuNanos"),
        r.number("processorCpuNanos"),
        r.number("senderCpuNanos"),
        r.number("agentCpuNanos"),
        r.number("total"),
        (int) r.number("port"),
        r.number("heapAfterGcBytes"),
        -1);
  }

  ChurnRun withTimeWaitLeft(long count) {
    return new ChurnRun(
        variant,
        process,
        connections,
        clientCpuNanos,
        serverCpuNanos,
        processorCpuNanos,
        senderCpuNanos,
        agentCpuNanos,
        totalConnections,
        port,
        heapAfterGcBytes,
        count);
  }

  double connectionsPerSecond() {
    return process.perSecond(connections);
  }

  /** Process CPU time (user + system, every thread) per connection, in microseconds. */
  double cpuMicrosPerConnection() {
    return process.cpuMicrosPer(connections);
  }

  double userMicrosPerConnection() {
    return process.userMicrosPer(connections);
  }

  double systemMicrosPerConnection() {
    return process.systemMicrosPer(connections);
  }

  /** CPU of the connecting and the accepting thread, per connection, in microseconds. */
  double churnThreadsMicrosPerConnection() {
    return (clientCpuNanos + serverCpuNanos) / 1e3 / connections;
  }

  /** CPU of every other thread (JIT, GC, the agent's own threads), per connection. */
  double otherThreadsMicrosPerConnection() {
    return cpuMicrosPerConnection() - churnThreadsMicrosPerConnection();
  }

  /** CPU of the batch span processor's worker thread, per connection, in microseconds. */
  double processorMicrosPerConnection() {
    return processorCpuNanos / 1e3 / connections;
  }

  /** CPU of the OTLP sender's threads, per connection, in microseconds. */
  double senderMicrosPerConnection() {
    return senderCpuNanos / 1e3 / connections;
  }

  /** CPU of the agent's threads other than its sender, per connection, in microseconds. */
  double agentThreadsMicrosPerConnection() {
    return agentCpuNanos / 1e3 / connections;
  }

  /** CPU of the threads not counted by name: the JIT's, the collector's, the VM's own. */
  double unnamedThreadsMicrosPerConnection() {
    return otherThreadsMicrosPerConnection()
        - processorMicrosPerConnection()
        - senderMicrosPerConnection()
        - agentThreadsMicrosPerConnection();
  }

  double heapAfterGcMib() {
    return heapAfterGcBytes / (double) (1 << 20);
  }

  /** The share of one core the process used. */
  double cores() {
    return process.cores();
  }
}
