package io.synscope.probe;

/** Address family of a socket, with the kernel's {@code AF_*} number. */
public enum IpFamily {
  IPV4(2),
  IPV6(10);

  private final int af;

  IpFamily(int af) {
    this.af = af;
  }

  /** The kernel's address family number ({@code AF_INET} = 2, {@code AF_INET6} = 10). */
  public int addressFamily() {
    return af;
  }
}
