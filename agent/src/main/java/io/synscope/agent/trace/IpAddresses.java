package io.synscope.agent.trace;

import java.net.Inet6Address;
import java.net.InetAddress;

/** The network.type attribute's value for an address. */
final class IpAddresses {
  private IpAddresses() {}

  /** "ipv4" or "ipv6". */
  static String networkType(InetAddress address) {
    return address instanceof Inet6Address ? "ipv6" : "ipv4";
  }
}
