package io.synscope.agent.cli;

import io.synscope.probe.proc.StackCounters;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which stack counters {@code counters} shows: by default the ones that tell about connection
 * setup (nstat names; meanings in the kernel's include/uapi/linux/snmp.h and RFC 4022 for Tcp),
 * with {@code --all} every TcpExt and Tcp counter.
 */
final class CounterSelection {
  static final String TCP_EXT = "TcpExt";
  static final String TCP = "Tcp";

  /** Accept queue overflows and drops, SYN queue and cookies, SYN and handshake timeouts. */
  static final List<String> TCP_EXT_SETUP =
      List.of(
          "ListenOverflows",
          "ListenDrops",
          "TCPReqQFullDrop",
          "TCPReqQFullDoCookies",
          "SyncookiesSent",
          "SyncookiesRecv",
          "SyncookiesFailed",
          "TCPTimeouts",
          "TCPSynRetrans",
          "TCPAbortOnListen");

  /** Opens, failed attempts, resets, established count, retransmits and errors. */
  static final List<String> TCP_SETUP =
      List.of(
          "ActiveOpens",
          "PassiveOpens",
          "AttemptFails",
          "EstabResets",
          "CurrEstab",
          "RetransSegs",
          "InErrs",
          "OutRsts");

  private final boolean all;

  CounterSelection(boolean all) {
    this.all = all;
  }

  /**
   * The selected counters of the snapshot, by group ({@code TcpExt} first, then {@code Tcp}), in
   * the order above or the kernel's. A counter this kernel lacks is left out.
   */
  Map<String, Map<String, Long>> select(StackCounters counters) {
    Map<String, Map<String, Long>> out = new LinkedHashMap<>();
    out.put(TCP_EXT, pick(counters, TCP_EXT, TCP_EXT_SETUP));
    out.put(TCP, pick(counters, TCP, TCP_SETUP));
    return out;
  }

  private Map<String, Long> pick(StackCounters counters, String group, List<String> names) {
    if (all) {
      Map<String, Long> whole = counters.groups().get(group);
      return whole == null ? new LinkedHashMap<>() : new LinkedHashMap<>(whole);
    }
    Map<String, Long> out = new LinkedHashMap<>();
    for (String name : names) {
      counters.get(group, name).ifPresent(v -> out.put(name, v));
    }
    return out;
  }
}
