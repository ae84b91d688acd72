package io.synscope.probe;

/**
 * A system call failed, or the kernel answered a netlink request with an error. Carries the
 * operation, the errno and the system's message for it, as in {@code "recvmsg(NETLINK_SOCK_DIAG)
 * failed with error 105 (ENOBUFS): No buffer space available"}.
 */
public final class NativeCallException extends ProbeException {
  private static final long serialVersionUID = 1L;

  private final String operation;
  private final int errno;

  public NativeCallException(String operation, int errno, String description) {
    super(operation + " failed with error " + errno + (description == null ? "" : ": " + description));
    this.operation = operation;
    this.errno = errno;
  }

  /** The call that failed, e.g. {@code socket(AF_NETLINK, NETLINK_SOCK_DIAG)}. */
  public String operation() {
    return operation;
  }

  /** The positive errno value. */
  public int errno() {
    return errno;
  }
}
