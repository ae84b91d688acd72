package io.synscope.agent.bench;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * What one {@link ChurnApp} run measured in its window, parsed from its {@code RESULT} line.
 *
 * @param timeWaitLeft TIME_WAIT sockets of the run's listener port found after the run, -1 until
 *     counted
 */
record ChurnRun(
    String variant,
    long nanos,
    long connections,
    long cpuNanos,
    long userTicks,
    long systemTicks,
    long clientCpuNanos,
    long serverCpuNanos,
    long processorCpuNanos,
    long senderCpuNanos,
    long agentCpuNanos,
    long gcCount,
    long gcMillis,
    long compileMillis,
    long totalConnections,
    int port,
    long timeWaitLeft) {

  /** Clock ticks per second of /proc/self/stat; 100 on every Linux the JDK runs on. */
  private static final double TICKS_PER_SECOND = 100.0;

  static ChurnRun parse(String variant, String line) throws IOException {
    if (!line.startsWith("RESULT ")) {
      throw new IOException("not a RESULT line: " + line);
    }
    Map<String, String> f = new HashMap<>();
    for (String pair : line.substring("RESULT ".length()).trim().split(" ")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IOException("malformed field '" + pair + "' in: " + line);
      }
      f.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    if (Boolean.parseBoolean(field(f, "cutShort", line))) {
      throw new IOException(
          "the run made its most connections before its window ended (raise"
              + " bench.maxConnections): " + line);
    }
    return new ChurnRun(
        variant,
        number(f, "nanos", line),
        number(f, "connections", line),
        number(f, "cpuNanos", line),
        number(f, "userTicks", line),
        number(f, "systemTicks", line),
        number(f, "clientCpuNanos", line),
        number(f, "serverCpuNanos", line),
        number(f, "processorCpuNanos", line),
        number(f, "senderCpuNanos", line),
        number(f, "agentCpuNanos", line),
        number(f, "gcCount", line),
        number(f, "gcMillis", line),
        number(f, "compileMillis", line),
        number(f, "total", line),
        (int) number(f, "port", line),
        -1);
  }

  ChurnRun withTimeWaitLeft(long count) {
    return new ChurnRun(
        variant, nanos, connections, cpuNanos, userTicks, systemTicks, clientCpuNanos,
        serverCpuNanos, processorCpuNanos, senderCpuNanos, agentCpuNanos, gcCount, gcMillis,
        compileMillis, totalConnections, port, count);
  }

  private static String field(Map<String, String> f, String name, String line)
      throws IOException {
    String v = f.get(name);
    if (v == null) {
      throw new IOException("no field '" + name + "' in: " + line);
    }
    return v;
  }

  private static long number(Map<String, String> f, String name, String line)
      throws IOException {
    String v = field(f, name, line);
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IOException("field '" + name + "' is not a number (" + v + ") in: " + line, e);
    }
  }

  double connectionsPerSecond() {
    return connections * 1e9 / nanos;
  }

  /** Process CPU time (user + system, every thread) per connection, in microseconds. */
  double cpuMicrosPerConnection() {
    return cpuNanos / 1e3 / connections;
  }

  double userMicrosPerConnection() {
    return userTicks / TICKS_PER_SECOND * 1e6 / connections;
  }

  double systemMicrosPerConnection() {
    return systemTicks / TICKS_PER_SECOND * 1e6 / connections;
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

  /** The share of one core the process used. */
  double cores() {
    return (double) cpuNanos / nanos;
  }
}
