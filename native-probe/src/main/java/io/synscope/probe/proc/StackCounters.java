package io.synscope.probe.proc;

import io.synscope.probe.MalformedDataException;
import io.synscope.probe.ProbeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A snapshot of a network namespace's protocol counters: every group of {@code /proc/net/netstat}
 * (TcpExt, IpExt, MPTcpExt, ...) and {@code /proc/net/snmp} (Ip, Icmp, IcmpMsg, Tcp, Udp, ...),
 * read by their header names, never by position, so counters added by newer kernels do not shift
 * anything. Counter meanings: {@code include/uapi/linux/snmp.h} (the {@code LINUX_MIB_*} names of
 * TcpExt) and RFC 4022 / RFC 4293 for the Tcp and Ip groups.
 *
 * <p>Each file is pairs of lines, a header {@code Group: Name1 Name2 ...} and its values {@code
 * Group: v1 v2 ...}. A group may come in several pairs (IcmpMsg prints sixteen counters a pair).
 * Values are signed 64-bit: Tcp MaxConn is -1 ("dynamic", RFC 4022).
 *
 * <p>Accessors return {@link OptionalLong#empty()} for a counter this kernel does not have; a
 * counter is never reported as zero because it is missing.
 */
public final class StackCounters {
  /**
   * Values that are not counters, kept as they are by {@link #since}: Tcp CurrEstab is a gauge;
   * Tcp RtoAlgorithm, RtoMin, RtoMax, MaxConn and Ip Forwarding, DefaultTTL are settings.
   */
  private static final Map<String, Set<String>> NOT_COUNTERS =
      Map.of(
          "Tcp", Set.of("CurrEstab", "RtoAlgorithm", "RtoMin", "RtoMax", "MaxConn"),
          "Ip", Set.of("Forwarding", "DefaultTTL"));

  /** The kernel prints an IcmpMsg column only once its count is non-zero ({@code icmpmsg_put}). */
  private static final String SPARSE_GROUP = "IcmpMsg";

  private final Map<String, Map<String, Long>> groups;

  private StackCounters(Map<String, Map<String, Long>> groups) {
    Map<String, Map<String, Long>> frozen = new LinkedHashMap<>();
    groups.forEach((g, counters) -> frozen.put(g, Collections.unmodifiableMap(counters)));
    this.groups = Collections.unmodifiableMap(frozen);
  }

  /** Reads {@code /proc/net/netstat} and {@code /proc/net/snmp} now. */
  public static StackCounters read() {
    return read(Paths.get("/proc/net"));
  }

  /**
   * Reads {@code netstat} and {@code snmp} in the given directory: {@code /proc/PID/net} reads the
   * network namespace of process PID.
   *
   * @throws ProbeException when a file cannot be read
   * @throws MalformedDataException when a file cannot be parsed
   */
  public static StackCounters read(Path netDirectory) {
    Map<String, String> texts = new LinkedHashMap<>();
    for (String name : new String[] {"netstat", "snmp"}) {
      Path file = netDirectory.resolve(name);
      try {
        texts.put(file.toString(), ProcFiles.read(file));
      } catch (IOException e) {
        throw new ProbeException("cannot read " + file + ": " + e, e);
      }
    }
    return parse(texts);
  }

  /**
   * Parses the files' texts, keyed by file name (for messages), in order.
   *
   * @throws MalformedDataException naming the file, the line and the problem
   */
  static StackCounters parse(Map<String, String> textByFile) {
    Map<String, Map<String, Long>> groups = new LinkedHashMap<>();
    textByFile.forEach((file, text) -> parseInto(file, text, groups));
    return new StackCounters(groups);
  }

  private static void parseInto(String file, String text, Map<String, Map<String, Long>> groups) {
    if (text.isEmpty()) {
      throw new MalformedDataException(file + ": empty file, expected header and value lines");
    }
    String[] lines = text.split("\n", -1);
    // A final newline leaves one empty string after it; nothing else may be empty.
    int count = lines[lines.length - 1].isEmpty() ? lines.length - 1 : lines.length;
    for (int i = 0; i < count; i += 2) {
      int headerLine = i + 1;
      String[] names = fields(file, headerLine, lines[i]);
      if (i + 1 >= count) {
        throw new MalformedDataException(
            file + " line " + headerLine + ": header of group " + names[0]
                + " has no value line after it");
      }
      String[] values = fields(file, headerLine + 1, lines[i + 1]);
      if (!values[0].equals(names[0])) {
        throw new MalformedDataException(
            file + " line " + (headerLine + 1) + ": values of group " + values[0]
                + " follow the header of group " + names[0]);
      }
      if (values.length != names.length) {
        throw new MalformedDataException(
            file + " line " + (headerLine + 1) + ": group " + names[0] + " has "
                + (names.length - 1) + " names on line " + headerLine + " but "
                + (values.length - 1) + " values");
      }
      Map<String, Long> group = groups.computeIfAbsent(names[0], g -> new LinkedHashMap<>());
      for (int k = 1; k < names.length; k++) {
        long value = parseValue(file, headerLine + 1, names[0], names[k], values[k]);
        if (group.put(names[k], value) != null) {
          throw new MalformedDataException(
              file + " line " + headerLine + ": counter " + names[0] + " " + names[k]
                  + " appears twice");
        }
      }
    }
  }

  /** The group name followed by the line's space-separated fields. */
  private static String[] fields(String file, int lineNumber, String line) {
    int colon = line.indexOf(": ");
    if (colon <= 0 || line.indexOf(' ') < colon) {
      throw new MalformedDataException(
          file + " line " + lineNumber + ": expected 'Group: fields...' in '" + shorten(line)
              + "'");
    }
    List<String> out = new ArrayList<>();
    out.add(line.substring(0, colon));
    // By hand, not String.split(" +"): a regular expression per line, every second, was about a
    // fifth of the listener poller's own CPU time.
    String rest = line.substring(colon + 2).trim();
    int i = 0;
    while (i < rest.length()) {
      if (rest.charAt(i) == ' ') {
        i++;
        continue;
      }
      int end = rest.indexOf(' ', i);
      end = end < 0 ? rest.length() : end;
      out.add(rest.substring(i, end));
      i = end;
    }
    if (out.size() == 1) {
      throw new MalformedDataException(
          file + " line " + lineNumber + ": group " + out.get(0) + " has no fields");
    }
    return out.toArray(new String[0]);
  }

  private static long parseValue(String file, int lineNumber, String group, String name, String v) {
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new MalformedDataException(
          file + " line " + lineNumber + ": value of " + group + " " + name + " is '"
              + shorten(v) + "', not a signed 64-bit decimal number");
    }
  }

  private static String shorten(String s) {
    return s.length() > 120 ? s.substring(0, 120) + "..." : s;
  }

  /** A counter by group ("TcpExt", "Tcp", ...) and name ("ListenOverflows"), if present. */
  public OptionalLong get(String group, String name) {
    Map<String, Long> g = groups.get(group);
    Long v = g == null ? null : g.get(name);
    return v == null ? OptionalLong.empty() : OptionalLong.of(v);
  }

  /** Every group and counter, in the kernel's order; unmodifiable. */
  public Map<String, Map<String, Long>> groups() {
    return groups;
  }

  /**
   * This snapshot minus an earlier one, counter by counter.
   *
   * <p>Values that are not counters keep this snapshot's value rather than a difference: Tcp
   * CurrEstab (a gauge: connections now in ESTABLISHED or CLOSE_WAIT), the settings Tcp
   * RtoAlgorithm, RtoMin, RtoMax, MaxConn, and Ip Forwarding, DefaultTTL. An IcmpMsg counter
   * missing from the earlier snapshot counts from 0 there, since the kernel omits the zero ones;
   * any other counter missing from either snapshot is left out of the result.
   */
  public StackCounters since(StackCounters earlier) {
    Map<String, Map<String, Long>> delta = new LinkedHashMap<>();
    groups.forEach(
        (group, counters) -> {
          Map<String, Long> before = earlier.groups.getOrDefault(group, Map.of());
          Set<String> kept = NOT_COUNTERS.getOrDefault(group, Set.of());
          Map<String, Long> out = new LinkedHashMap<>();
          counters.forEach(
              (name, now) -> {
                Long then = before.get(name);
                if (kept.contains(name)) {
                  out.put(name, now);
                } else if (then != null) {
                  out.put(name, now - then);
                } else if (group.equals(SPARSE_GROUP)) {
                  out.put(name, now);
                }
              });
          delta.put(group, out);
        });
    return new StackCounters(delta);
  }

  /** TcpExt ListenOverflows: SYNs and final ACKs dropped because an accept queue was full. */
  public OptionalLong listenOverflows() {
    return get("TcpExt", "ListenOverflows");
  }

  /** TcpExt ListenDrops: SYNs dropped by a listener for any reason, overflows included. */
  public OptionalLong listenDrops() {
    return get("TcpExt", "ListenDrops");
  }

  /** TcpExt TCPReqQFullDrop: SYNs dropped because the SYN queue was full and cookies were off. */
  public OptionalLong reqQFullDrop() {
    return get("TcpExt", "TCPReqQFullDrop");
  }

  /** TcpExt TCPReqQFullDoCookies: SYNs answered with a cookie because the SYN queue was full. */
  public OptionalLong reqQFullDoCookies() {
    return get("TcpExt", "TCPReqQFullDoCookies");
  }

  /** TcpExt SyncookiesSent: SYN cookies sent. */
  public OptionalLong syncookiesSent() {
    return get("TcpExt", "SyncookiesSent");
  }

  /** TcpExt SyncookiesRecv: ACKs carrying a valid SYN cookie. */
  public OptionalLong syncookiesRecv() {
    return get("TcpExt", "SyncookiesRecv");
  }

  /** TcpExt SyncookiesFailed: ACKs whose SYN cookie did not validate. */
  public OptionalLong syncookiesFailed() {
    return get("TcpExt", "SyncookiesFailed");
  }

  /** TcpExt TCPTimeouts: retransmission timer expiries, SYN and SYN-ACK timeouts included. */
  public OptionalLong tcpTimeouts() {
    return get("TcpExt", "TCPTimeouts");
  }

  /** TcpExt TCPSynRetrans: SYN and SYN-ACK retransmissions. */
  public OptionalLong synRetrans() {
    return get("TcpExt", "TCPSynRetrans");
  }

  /** Tcp ActiveOpens: transitions CLOSED to SYN_SENT (connect() calls). */
  public OptionalLong activeOpens() {
    return get("Tcp", "ActiveOpens");
  }

  /** Tcp PassiveOpens: transitions LISTEN to SYN_RECV (handshakes completed by listeners). */
  public OptionalLong passiveOpens() {
    return get("Tcp", "PassiveOpens");
  }

  /** Tcp AttemptFails: connection attempts that failed from SYN_SENT or SYN_RECV. */
  public OptionalLong attemptFails() {
    return get("Tcp", "AttemptFails");
  }

  /** Tcp EstabResets: resets from ESTABLISHED or CLOSE_WAIT. */
  public OptionalLong estabResets() {
    return get("Tcp", "EstabResets");
  }

  /** Tcp CurrEstab: connections now in ESTABLISHED or CLOSE_WAIT (a gauge). */
  public OptionalLong currEstab() {
    return get("Tcp", "CurrEstab");
  }

  /** Tcp RetransSegs: segments retransmitted. */
  public OptionalLong retransSegs() {
    return get("Tcp", "RetransSegs");
  }

  /** Tcp InErrs: segments received in error. */
  public OptionalLong inErrs() {
    return get("Tcp", "InErrs");
  }

  /** Tcp OutRsts: segments sent with RST. */
  public OptionalLong outRsts() {
    return get("Tcp", "OutRsts");
  }

  @Override
  public String toString() {
    return "StackCounters" + groups;
  }
}
