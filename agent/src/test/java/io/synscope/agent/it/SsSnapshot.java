package io.synscope.agent.it;

import io.synscope.probe.TcpState;
import io.synscope.probe.testing.NetworkNamespace;
import io.synscope.probe.testing.Ss;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One run of {@code ss -tanieomH} in a test's network namespace, with the wall clock read before
 * and after it: ss read the kernel somewhere in between.
 */
record SsSnapshot(List<Ss.Entry> entries, long beforeEpochNanos, long afterEpochNanos) {
  static SsSnapshot take(NetworkNamespace ns, String... filter) {
    long before = epochNanosNow();
    List<Ss.Entry> entries = ns.ss(filter);
    return new SsSnapshot(entries, before, epochNanosNow());
  }

  /** ss's filter for every socket with this port at either end. */
  static String[] port(int port) {
    return new String[] {"(", "sport", "=", ":" + port, "or", "dport", "=", ":" + port, ")"};
  }

  List<Ss.Entry> inState(TcpState state, Predicate<Ss.Entry> which) {
    return entries.stream().filter(e -> e.state() == state && which.test(e)).toList();
  }

  Optional<Ss.Entry> find(TcpState state, int localPort, int peerPort) {
    return entries.stream()
        .filter(e -> e.state() == state && e.localPort() == localPort && e.peerPort() == peerPort)
        .findFirst();
  }

  /**
   * A millisecond figure ss prints only when it is not zero ({@code lastack}, {@code lastsnd},
   * ...): tcp_info's value, or 0 when ss left it out.
   */
  static long millisOrZero(Ss.Entry e, String key) {
    String v = e.detail(key);
    return v == null ? 0 : Long.parseLong(v);
  }

  /**
   * tcp_info's total_retrans: the second figure of ss's {@code retrans:<now>/<total>}, printed only
   * when either is not zero.
   */
  static long totalRetrans(Ss.Entry e) {
    String v = e.detail("retrans");
    return v == null ? 0 : Long.parseLong(v.substring(v.indexOf('/') + 1));
  }

  /** The first figure of ss's {@code retrans:<now>/<total>}: tcp_info's retransmits. */
  static long currentRetransmits(Ss.Entry e) {
    String v = e.detail("retrans");
    return v == null ? 0 : Long.parseLong(v.substring(0, v.indexOf('/')));
  }

  /** One short line per socket, for failure messages. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("ss:");
    for (Ss.Entry e : entries) {
      b.append("\n  ")
          .append(e.state())
          .append(' ')
          .append(e.localPort())
          .append("->")
          .append(e.peerPort())
          .append(" q=")
          .append(e.recvQ())
          .append('/')
          .append(e.sendQ());
      if (e.timerName() != null) {
        b.append(" timer=").append(e.timerName()).append(',').append(e.timerRetransmits());
      }
      for (String key : new String[] {"retrans", "lastack"}) {
        if (e.detail(key) != null) {
          b.append(' ').append(key).append(':').append(e.detail(key));
        }
      }
    }
    return b.toString();
  }

  static long epochNanosNow() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
