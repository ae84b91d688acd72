package io.synscope.agent.trace;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/** Address text as operators read it in {@code ss}: IPv6 in RFC 5952 compressed form. */
public final class IpAddresses {
  private IpAddresses() {}

  /** "ipv4" or "ipv6", the values of network.type. */
  public static String networkType(InetAddress address) {
    return address instanceof Inet6Address ? "ipv6" : "ipv4";
  }

  /** The address as text: dotted quad, or compressed IPv6 without the scope. */
  public static String toText(InetAddress address) {
    if (address instanceof Inet4Address) {
      return address.getHostAddress();
    }
    byte[] b = address.getAddress();
    int[] words = new int[8];
    for (int i = 0; i < 8; i++) {
      words[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    // RFC 5952 4.2: compress the longest run (leftmost on a tie) of two or more zero words
    int bestStart = -1;
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
      if (j - i > bestLen && j - i >= 2) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(words[i]));
    }
    return sb.toString();
  }
}
