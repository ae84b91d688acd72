package io.synscope.probe;

/**
 * TCP states by the kernel's names and numbers ({@code include/net/tcp_states.h}).
 *
 * <p>The kernel's {@code TCP_NEW_SYN_RECV} (12) request sockets are reported as {@link #SYN_RECV},
 * as {@code ss} does: to an operator both are half-open connections waiting for the final ACK.
 */
public enum TcpState {
  ESTABLISHED(1),
  SYN_SENT(2),
  SYN_RECV(3),
  FIN_WAIT1(4),
  FIN_WAIT2(5),
  TIME_WAIT(6),
  CLOSE(7),
  CLOSE_WAIT(8),
  LAST_ACK(9),
  LISTEN(10),
  CLOSING(11);

  /** The kernel's {@code TCP_NEW_SYN_RECV}: a request socket in the SYN queue. */
  public static final int KERNEL_NEW_SYN_RECV = 12;

  private static final TcpState[] BY_CODE = new TcpState[KERNEL_NEW_SYN_RECV + 1];

  static {
    for (TcpState s : values()) {
      BY_CODE[s.code] = s;
    }
    BY_CODE[KERNEL_NEW_SYN_RECV] = SYN_RECV;
  }

  private final int code;

  TcpState(int code) {
    this.code = code;
  }

  /** The kernel's number for this state ({@code TCP_ESTABLISHED} = 1, ...). */
  public int kernelCode() {
    return code;
  }

  /**
   * The bits of an {@code inet_diag_req_v2.idiag_states} mask that select this state. SYN_RECV
   * also selects NEW_SYN_RECV request sockets.
   */
  public int kernelMask() {
    int mask = 1 << code;
    if (this == SYN_RECV) {
      mask |= 1 << KERNEL_NEW_SYN_RECV;
    }
    return mask;
  }

  /**
   * The state for a kernel state number, or {@code null} for a number this enum does not know.
   * NEW_SYN_RECV (12) maps to {@link #SYN_RECV}.
   */
  public static TcpState fromKernel(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }

  /**
   * Parses a state name as {@code ss} and the kernel spell it, case-insensitively; also accepts
   * {@code ss}'s short forms ({@code syn-sent}, {@code fin-wait-1}, {@code close-wait}, ...).
   *
   * @throws IllegalArgumentException naming the value and the known states
   */
  public static TcpState parse(String name) {
    String n = name.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    switch (n) {
      case "FIN_WAIT_1":
        return FIN_WAIT1;
      case "FIN_WAIT_2":
        return FIN_WAIT2;
      case "ESTAB":
        return ESTABLISHED;
      case "NEW_SYN_RECV":
        return SYN_RECV;
      case "LISTENING":
        return LISTEN;
      case "CLOSED":
        return CLOSE;
      default:
        break;
    }
    for (TcpState s : values()) {
      if (s.name().equals(n)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown TCP state '" + name + "' (known: " + java.util.Arrays.toString(values()) + ")");
  }
}
