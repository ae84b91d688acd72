package io.synscope.agent.listen;

import io.synscope.probe.proc.StackCounters;
import java.util.OptionalLong;

/**
 * How much the namespace's overflow counters grew over one interval ({@code
 * include/uapi/linux/snmp.h}); -1 for a counter this kernel does not have.
 *
 * @param listenOverflows TcpExt ListenOverflows: SYNs and final ACKs dropped, accept queue full
 * @param listenDrops TcpExt ListenDrops: SYNs and final ACKs dropped by listeners for any reason
 * @param reqQFullDrop TcpExt TCPReqQFullDrop: SYNs dropped, SYN queue full, cookies off
 * @param reqQFullDoCookies TcpExt TCPReqQFullDoCookies: SYNs answered with a cookie, queue full
 * @param syncookiesSent TcpExt SyncookiesSent: SYN cookies sent
 */
public record OverflowCounters(
    long listenOverflows,
    long listenDrops,
    long reqQFullDrop,
    long reqQFullDoCookies,
    long syncookiesSent) {

  static final OverflowCounters ZERO = new OverflowCounters(0, 0, 0, 0, 0);

  /** The overflow counters of a {@link StackCounters#since} delta. */
  static OverflowCounters of(StackCounters delta) {
    return new OverflowCounters(
        orMissing(delta.listenOverflows()),
        orMissing(delta.listenDrops()),
        orMissing(delta.reqQFullDrop()),
        orMissing(delta.reqQFullDoCookies()),
        orMissing(delta.syncookiesSent()));
  }

  private static long orMissing(OptionalLong v) {
    return v.isPresent() ? v.getAsLong() : -1;
  }

  /** True when connections were dropped: ListenOverflows, ListenDrops or TCPReqQFullDrop grew. */
  boolean grew() {
    return listenOverflows > 0 || listenDrops > 0 || reqQFullDrop > 0;
  }

  /** The sum of two intervals' growth; a counter missing from either stays missing. */
  OverflowCounters plus(OverflowCounters o) {
    return new OverflowCounters(
        add(listenOverflows, o.listenOverflows),
        add(listenDrops, o.listenDrops),
        add(reqQFullDrop, o.reqQFullDrop),
        add(reqQFullDoCookies, o.reqQFullDoCookies),
        add(syncookiesSent, o.syncookiesSent));
  }

  private static long add(long a, long b) {
    return a < 0 || b < 0 ? -1 : a + b;
  }

  /** {@code ListenOverflows +3, ListenDrops +3, TCPReqQFullDrop +0, SyncookiesSent +0}. */
  String describe() {
    return "ListenOverflows "
        + plusOrMissing(listenOverflows)
        + ", ListenDrops "
        + plusOrMissing(listenDrops)
        + ", TCPReqQFullDrop "
        + plusOrMissing(reqQFullDrop)
        + ", SyncookiesSent "
        + plusOrMissing(syncookiesSent);
  }

  private static String plusOrMissing(long v) {
    return v < 0 ? "n/a" : "+" + v;
  }
}
