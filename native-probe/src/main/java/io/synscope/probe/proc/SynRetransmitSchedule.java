package io.synscope.probe.proc;

import java.util.ArrayList;
import java.util.List;

/**
 * When a connecting socket (SYN_SENT) retransmits its SYN while no answer comes, and when
 * connect() gives up with ETIMEDOUT, in milliseconds after the first SYN.
 *
 * <p>The rule, from {@code net/ipv4/tcp_timer.c} (kernel 6.5 and later):
 *
 * <ul>
 *   <li>The first timeout is the initial RTO ({@code TCP_TIMEOUT_INIT}, 1 s). After the k-th
 *       retransmit, {@code tcp_retransmit_timer} doubles the RTO (capped at {@code TCP_RTO_MAX}
 *       or {@code net.ipv4.tcp_rto_max_ms}) only when k exceeds {@code tcp_syn_linear_timeouts};
 *       so the first {@code linear + 1} timeouts are all the initial RTO.
 *   <li>Each time the timer fires, {@code tcp_write_timeout} gives up when the retransmits so far
 *       reach {@code tcp_syn_retries + tcp_syn_linear_timeouts}, or, once there has been a
 *       retransmit, when the time since the first SYN reaches {@code tcp_model_timeout(
 *       tcp_syn_retries, initial RTO)}: the time {@code tcp_syn_retries} doubling retransmits
 *       would take, {@code (2^(retries+1) - 1) * rto} while below the ceiling ({@code
 *       retransmits_timed_out}).
 * </ul>
 *
 * <p>With the defaults (retries 6, linear 4) that is retransmits at 1, 2, 3, 4, 5, 7, 11, 19, 35
 * and 67 s and ETIMEDOUT at 131 s, as {@code ip-sysctl.rst} states for {@code tcp_syn_retries}.
 * With retries 2 and linear 4 the time bound wins: retransmits at 1..5 s and ETIMEDOUT at 7 s,
 * not after six retransmits. Kernels before 6.5 behave as linear 0.
 *
 * @param retransmitMillis when each retransmitted SYN is sent
 * @param giveUpMillis when connect() fails with ETIMEDOUT
 */
public record SynRetransmitSchedule(List<Long> retransmitMillis, long giveUpMillis) {
  public SynRetransmitSchedule {
    retransmitMillis = List.copyOf(retransmitMillis);
  }

  /**
   * Computes the schedule.
   *
   * @param synRetries {@code net.ipv4.tcp_syn_retries} (or the socket's TCP_SYNCNT), 1..127
   * @param linearTimeouts {@code net.ipv4.tcp_syn_linear_timeouts}, 0 where the kernel lacks it
   * @param initialRtoMillis the first SYN's timeout, normally {@link
   *     TcpSysctls#INITIAL_RTO_MILLIS}
   * @param rtoMaxMillis the RTO ceiling, {@link TcpSysctls#DEFAULT_RTO_MAX_MILLIS} unless {@code
   *     net.ipv4.tcp_rto_max_ms} says otherwise
   */
  public static SynRetransmitSchedule compute(
      int synRetries, int linearTimeouts, long initialRtoMillis, long rtoMaxMillis) {
    if (synRetries < 1 || linearTimeouts < 0 || initialRtoMillis < 1 || rtoMaxMillis < 1) {
      throw new IllegalArgumentException(
          "synRetries " + synRetries + " must be >= 1, linearTimeouts " + linearTimeouts
              + " >= 0, initialRtoMillis " + initialRtoMillis + " and rtoMaxMillis "
              + rtoMaxMillis + " >= 1");
    }
    int maxRetransmits = synRetries + linearTimeouts;
    long modelTimeout = modelTimeoutMillis(synRetries, initialRtoMillis, rtoMaxMillis);
    List<Long> times = new ArrayList<>();
    long rto = initialRtoMillis;
    long now = 0;
    while (true) {
      now += rto;
      int retransmits = times.size();
      if (retransmits >= maxRetransmits || (retransmits > 0 && now >= modelTimeout)) {
        return new SynRetransmitSchedule(times, now);
      }
      times.add(now);
      if (retransmits + 1 > linearTimeouts) {
        rto = Math.min(rto * 2, rtoMaxMillis);
      }
    }
  }

  /** {@code tcp_model_timeout()} of {@code net/ipv4/tcp_timer.c}, in milliseconds. */
  static long modelTimeoutMillis(int boundary, long rtoBase, long rtoMax) {
    int threshold = Math.max(0, 63 - Long.numberOfLeadingZeros(rtoMax / rtoBase));
    if (boundary <= threshold) {
      return ((2L << boundary) - 1) * rtoBase;
    }
    return ((2L << threshold) - 1) * rtoBase + (long) (boundary - threshold) * rtoMax;
  }

  /** The number of SYNs retransmitted before connect() gives up. */
  public int retransmits() {
    return retransmitMillis.size();
  }
}
