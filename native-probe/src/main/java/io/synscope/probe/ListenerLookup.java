package io.synscope.probe;

import java.util.List;

/**
 * Which listener a request socket (SYN_RECV, inode 0) waits on. A dump does not say; the kernel's
 * listener lookup does: a listener on the request's local port with the same local address, else
 * a wildcard listener of the request's family, else (an IPv4 handshake) a dual-stack IPv6
 * wildcard listener ({@code inet_lhash2_lookup} in {@code net/ipv4/inet_hashtables.c} scores an
 * exact address above a wildcard). Listeners sharing one address and port (SO_REUSEPORT) cannot
 * be told apart from a dump; the first of them is taken.
 */
public final class ListenerLookup {
  private ListenerLookup() {}

  /** The index in {@code listeners} of the request's listener, or -1 when none matches. */
  public static int indexOf(TcpSocket request, List<TcpSocket> listeners) {
    int wildcardSameFamily = -1;
    int dualStack = -1;
    for (int i = 0; i < listeners.size(); i++) {
      TcpSocket l = listeners.get(i);
      if (l.localPort() != request.localPort()) {
        continue;
      }
      if (l.localAddress().isAnyLocalAddress()) {
        if (l.family() == request.family()) {
          if (wildcardSameFamily < 0) {
            wildcardSameFamily = i;
          }
        } else if (l.family() == IpFamily.IPV6 && dualStack < 0) {
          dualStack = i;
        }
      } else if (l.localAddress().equals(request.localAddress())) {
        return i;
      }
    }
    return wildcardSameFamily >= 0 ? wildcardSameFamily : dualStack;
  }
}
