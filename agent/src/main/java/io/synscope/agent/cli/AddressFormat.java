package io.synscope.agent.cli;

import io.synscope.probe.InetAddressText;
import io.synscope.probe.IpFamily;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * Addresses as {@code ss -n} prints them: IPv4 dotted, IPv6 in the compressed form of
 * inet_ntop(3) and, in tables, in brackets ({@code [::1]:8080}); IPv4-mapped addresses of IPv6
 * sockets as {@code [::ffff:127.0.0.1]}; port 0 as {@code *}.
 */
final class AddressFormat {
  private AddressFormat() {}

  /**
   * The address as text without brackets: {@code 127.0.0.1}, {@code ::1}, {@code
   * ::ffff:127.0.0.1}. An IPv4 address of an IPv6 socket (the JDK turns IPv4-mapped IPv6
   * addresses into Inet4Address) is shown mapped again, as the kernel holds it.
   */
  static String plain(IpFamily family, InetAddress address) {
    if (family == IpFamily.IPV6 && address instanceof Inet4Address) {
      return "::ffff:" + address.getHostAddress();
    }
    return InetAddressText.format(address);
  }

  /**
   * The address as a table cell, as ss prints it. ss shows the IPv6 wildcard as {@code *} for a
   * socket that also takes IPv4 (not IPV6_V6ONLY). The socket record does not carry that flag, so
   * it is inferred as the kernel sets it: binding to a plain IPv6 address sets it (inet6_bind),
   * binding to an IPv4-mapped one does not, and for a socket bound to the wildcard it follows
   * net.ipv6.bindv6only, 0 by default. (A wildcard socket with IPV6_V6ONLY set explicitly shows
   * {@code *} here where ss prints {@code [::]}.)
   */
  static String cell(IpFamily family, InetAddress address, InetAddress socketLocalAddress) {
    if (family == IpFamily.IPV4) {
      return plain(family, address);
    }
    if (address.isAnyLocalAddress() && takesIpv4(socketLocalAddress)) {
      return "*";
    }
    return "[" + plain(family, address) + "]";
  }

  private static boolean takesIpv4(InetAddress ipv6SocketLocalAddress) {
    return ipv6SocketLocalAddress.isAnyLocalAddress()
        || isIpv4Mapped(ipv6SocketLocalAddress.getAddress());
  }

  /** True for ::ffff:a.b.c.d, and for an Inet4Address, which is how InetAddress hands it over. */
  private static boolean isIpv4Mapped(byte[] b) {
    if (b.length == 4) {
      return true;
    }
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }

  static String port(int port) {
    return port == 0 ? "*" : Integer.toString(port);
  }
}
