package io.synscope.probe;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Prints addresses as {@code ss} and glibc's inet_ntop(3) do, where {@link
 * InetAddress#getHostAddress()} differs: IPv6 with the longest run of two or more zero groups
 * shortened to {@code ::} (the first run on a tie), and IPv4-mapped and IPv4-compatible IPv6
 * addresses with a dotted quad tail ({@code ::ffff:127.0.0.1}, where Java prints {@code
 * 0:0:0:0:0:ffff:7f00:1}). A scope is not printed (ss prints the interface name apart).
 */
public final class InetAddressText {
  private InetAddressText() {}

  /** The address as inet_ntop(3) prints it. */
  public static String format(InetAddress address) {
    if (address instanceof Inet4Address) {
      return address.getHostAddress();
    }
    if (!(address instanceof Inet6Address)) {
      throw new IllegalArgumentException("not an IP address: " + address);
    }
    byte[] a = address.getAddress();
    int[] words = new int[8];
    for (int i = 0; i < 8; i++) {
      words[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
    }
    int bestBase = -1;
    int bestLen = 0;
    int curBase = -1;
    int curLen = 0;
    for (int i = 0; i < 8; i++) {
      if (words[i] == 0) {
        if (curBase < 0) {
          curBase = i;
          curLen = 1;
        } else {
          curLen++;
        }
        if (curLen > bestLen) {
          bestBase = curBase;
          bestLen = curLen;
        }
      } else {
        curBase = -1;
      }
    }
    if (bestLen < 2) {
      bestBase = -1;
    }
    StringBuilder sb = new StringBuilder(41);
    for (int i = 0; i < 8; i++) {
      if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
        if (i == bestBase) {
          sb.append(':');
        }
        continue;
      }
      if (i != 0) {
        sb.append(':');
      }
      boolean dottedTail =
          i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && words[5] == 0xffff));
      if (dottedTail) {
        sb.append(a[12] & 0xff).append('.').append(a[13] & 0xff).append('.')
            .append(a[14] & 0xff).append('.').append(a[15] & 0xff);
        return sb.toString();
      }
      sb.append(Integer.toHexString(words[i]));
    }
    if (bestBase >= 0 && bestBase + bestLen == 8) {
      sb.append(':');
    }
    return sb.toString();
  }
}
