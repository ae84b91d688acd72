package io.synscope.agent.trace;

import io.synscope.probe.InetAddressText;
import java.net.Inet6Address;
import java.net.InetAddress;

/** The values of the address attributes: network.type, and the addresses as text. */
final class IpAddresses {
  /**
   * Slots of the text cache. A service talks to few peers over and over (its clients' proxies, its
   * databases), so a small cache saves formatting an address twice per span; a miss costs one
   * formatting and replaces the slot.
   */
  private static final int TEXT_SLOTS = 256;

  /** Direct-mapped; entries are immutable, so a racing read sees a whole entry or the old one. */
  private static final Text[] TEXTS = new Text[TEXT_SLOTS];

  private record Text(InetAddress address, String text) {}

  private IpAddresses() {}

  /** "ipv4" or "ipv6". */
  static String networkType(InetAddress address) {
    return address instanceof Inet6Address ? "ipv6" : "ipv4";
  }

  /** The address as {@code ss} prints it ({@link InetAddressText}). */
  static String text(InetAddress address) {
    int h = address.hashCode(); // an IPv4 address's own 32 bits
    int slot = (h ^ (h >>> 16)) & (TEXT_SLOTS - 1);
    Text cached = TEXTS[slot];
    if (cached != null && cached.address.equals(address)) {
      return cached.text;
    }
    String text = InetAddressText.format(address);
    TEXTS[slot] = new Text(address, text);
    return text;
  }
}
