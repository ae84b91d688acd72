package io.synscope.agent.cli;

import io.synscope.probe.IpFamily;
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
    byte[] b = address.getAddress();
    if (b.length == 4) {
      return family == IpFamily.IPV6 ? "::ffff:" + dotted(b, 0) : dotted(b, 0);
    }
    return ipv6(b);
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

  private static String dotted(byte[] b, int from) {
    return (b[from] & 0xff) + "." + (b[from + 1] & 0xff) + "." + (b[from + 2] & 0xff) + "."
        + (b[from + 3] & 0xff);
  }

  /**
   * RFC 5952 text as glibc's inet_ntop writes it: lower-case hex, the longest run of two or more
   * zero groups (the first on a tie) as {@code ::}, and a dotted IPv4 tail for IPv4-mapped
   * ({@code ::ffff:a.b.c.d}) and IPv4-compatible ({@code ::a.b.c.d}) addresses.
   */
  static String ipv6(byte[] b) {
    int[] words = new int[8];
    for (int i = 0; i < 8; i++) {
      words[i] = (b[2 * i] & 0xff) << 8 | (b[2 * i + 1] & 0xff);
    }
    int bestBase = -1;
    int bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (words[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && words[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestBase = i;
        bestLen = j - i;
      }
      i = j;
    }
    if (bestLen < 2) {
      bestBase = -1;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestBase) {
        sb.append(':');
        i += bestLen - 1;
        if (i == 7) {
          sb.append(':');
        }
        continue;
      }
      if (i > 0) {
        sb.append(':');
      }
      if (i == 6
          && bestBase == 0
          && (bestLen == 6 || (bestLen == 5 && words[5] == 0xffff))) {
        sb.append(dotted(b, 12));
        break;
      }
      sb.append(Integer.toHexString(words[i]));
    }
    return sb.toString();
  }
}
