package io.synscope.probe.proc;

import java.util.Map;
import java.util.OptionalLong;

/**
 * A snapshot of the network namespace's TCP counters: the TcpExt group of /proc/net/netstat and
 * the Tcp group of /proc/net/snmp, read by their header names.
 */
public final class StackCounters {
  private StackCounters() {}

  /** Reads /proc/net/netstat and /proc/net/snmp now. */
  public static StackCounters read() {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** A counter by group ("TcpExt", "Tcp", ...) and name ("ListenOverflows"), if the kernel has it. */
  public OptionalLong get(String group, String name) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** Every group and counter, in the kernel's order. */
  public Map<String, Map<String, Long>> groups() {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** This snapshot minus an earlier one, counter by counter (gauges such as CurrEstab kept as is). */
  public StackCounters since(StackCounters earlier) {
    throw new UnsupportedOperationException("not yet implemented");
  }
}
