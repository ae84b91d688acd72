package io.synscope.probe;

/**
 * The timer pending on a socket ({@code idiag_timer} of {@code struct inet_diag_msg}, the {@code tr}
 * column of {@code /proc/net/tcp}). Names as {@code ss -o} prints them.
 */
public enum SocketTimer {
  /** No timer pending. */
  NONE("off"),
  /** Retransmission (SYN, SYN-ACK or data), loss probe or reordering timer. */
  RETRANSMIT("on"),
  /** Keep-alive timer. */
  KEEPALIVE("keepalive"),
  /** The TIME_WAIT timer. */
  TIME_WAIT("timewait"),
  /** Zero window probe (persist) timer. */
  PROBE("persist");

  private final String ssName;

  SocketTimer(String ssName) {
    this.ssName = ssName;
  }

  /** The name {@code ss -o} prints in {@code timer:(name,...)}. */
  public String ssName() {
    return ssName;
  }

  /** The timer for the kernel's number (0..4); numbers this enum does not know map to NONE. */
  public static SocketTimer fromKernel(int code) {
    switch (code) {
      case 1:
        return RETRANSMIT;
      case 2:
        return KEEPALIVE;
      case 3:
        return TIME_WAIT;
      case 4:
        return PROBE;
      default:
        return NONE;
    }
  }
}
