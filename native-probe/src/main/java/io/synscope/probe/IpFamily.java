package io.synscope.probe;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

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

  /**
   * A socket address of this family from its bytes in network order, 4 for IPv4 and 16 for IPv6.
   * An IPv6 address stays an {@link Inet6Address} even when IPv4-mapped ({@code ::ffff:a.b.c.d}),
   * which {@link InetAddress#getByAddress(byte[])} would turn into an IPv4 address: the socket is
   * an IPv6 socket, as {@code ss} shows it.
   *
   * @param scopeId the IPv6 scope (interface index), or -1 for none; not used for IPv4
   * @throws IllegalArgumentException when the length does not fit the family
   */
  public InetAddress address(byte[] bytes, int scopeId) {
    int expected = this == IPV4 ? 4 : 16;
    if (bytes.length != expected) {
      throw new IllegalArgumentException(
          this + " address of " + bytes.length + " bytes; expected " + expected);
    }
    try {
      return this == IPV4
          ? InetAddress.getByAddress(bytes)
          : Inet6Address.getByAddress(null, bytes, scopeId);
    } catch (UnknownHostException e) {
      throw new AssertionError("a 4- or 16-byte address is always valid", e);
    }
  }
}
