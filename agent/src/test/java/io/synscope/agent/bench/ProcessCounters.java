package io.synscope.agent.bench;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;

/**
 * A process's own accounting, read inside a benchmark application's JVM at one moment, or the
 * difference between two moments: the clock, the CPU time of every thread (user and system, and the
 * two apart from /proc/self/stat), garbage collections and the JIT's compilation time. Written into
 * the application's {@code RESULT} line by {@link #fields()} and read back by {@link
 * #from(ResultLine)}.
 */
record ProcessCounters(
    long nanos,
    long cpuNanos,
    long userTicks,
    long systemTicks,
    long gcCount,
    long gcMillis,
    long compileMillis) {

  /** Clock ticks per second of /proc/self/stat; 100 on every Linux the JDK runs on. */
  private static final double TICKS_PER_SECOND = 100.0;

  static ProcessCounters take() throws IOException {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    List<GarbageCollectorMXBean> gcs = ManagementFactory.getGarbageCollectorMXBeans();
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    long[] ticks = userAndSystemTicks();
    return new ProcessCounters(
        System.nanoTime(),
        os.getProcessCpuTime(),
        ticks[0],
        ticks[1],
        gcs.stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).sum(),
        gcs.stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum(),
        jit.getTotalCompilationTime());
  }

  /**
   * utime and stime of /proc/self/stat (proc(5): fields 14 and 15, in clock ticks), counted after
   * the command name, which may itself hold spaces and parentheses.
   */
  private static long[] userAndSystemTicks() throws IOException {
    String stat =
        new String(Files.readAllBytes(Paths.get("/proc/self/stat")), StandardCharsets.US_ASCII);
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    // f[0] is field 3 (state): field n is f[n - 3]
    return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
  }

  /** What happened between {@code earlier} and this moment. */
  ProcessCounters minus(ProcessCounters earlier) {
    return new ProcessCounters(
        nanos - earlier.nanos,
        cpuNanos - earlier.cpuNanos,
        userTicks - earlier.userTicks,
        systemTicks - earlier.systemTicks,
        gcCount - earlier.gcCount,
        gcMillis - earlier.gcMillis,
        compileMillis - earlier.compileMillis);
  }

  /** The fields of a {@code RESULT} line, space separated. */
  String fields() {
    return String.format(
        Locale.ROOT,
        "nanos=%d cpuNanos=%d userTicks=%d systemTicks=%d gcCount=%d gcMillis=%d"
            + " compileMillis=%d",
        nanos,
        cpuNanos,
        userTicks,
        systemTicks,
        gcCount,
        gcMillis,
        compileMillis);
  }

  static ProcessCounters from(ResultLine r) throws IOException {
    return new ProcessCounters(
        r.number("nanos"),
        r.number("cpuNanos"),
        r.number("userTicks"),
        r.number("systemTicks"),
        r.number("gcCount"),
        r.number("gcMillis"),
        r.number("compileMillis"));
  }

  /** Events (connections, requests) per second of {@link #nanos}. */
  double perSecond(long events) {
    return events * 1e9 / nanos;
  }

  /** Process CPU time (user + system, every thread) per event, in microseconds. */
  double cpuMicrosPer(long events) {
    return cpuNanos / 1e3 / events;
  }

  double userMicrosPer(long events) {
    return userTicks / TICKS_PER_SECOND * 1e6 / events;
  }

  double systemMicrosPer(long events) {
    return systemTicks / TICKS_PER_SECOND * 1e6 / events;
  }

  /** The share of one core the process used. */
  double cores() {
    return (double) cpuNanos / nanos;
  }
}
