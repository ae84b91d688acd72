package io.synscope.agent.cli;

import io.synscope.probe.IpFamily;
import io.synscope.probe.TcpSocket;
import io.synscope.probe.TcpState;
import java.util.ArrayList;
import java.util.List;

/**
 * Listeners with the half-open connections (SYN_RECV request sockets) waiting on each.
 *
 * <p>A request socket belongs to the listener on its local port with the same local address, or
 * else to a wildcard listener of its family, or else (an IPv4 handshake) to a dual-stack IPv6
 * wildcard listener: the order in which the kernel's listener lookup prefers them
 * ({@code inet_lhash2_lookup} scores an exact address above a wildcard). Each request socket is
 * counted once. Listeners sharing one address and port (SO_REUSEPORT) cannot be told apart here;
 * the first gets the count.
 */
final class ListenerQueues {
  private ListenerQueues() {}

  /** A listener and its SYN_RECV count. */
  record Listener(TcpSocket socket, int synRecv) {}

  /** The listeners among {@code sockets}, in order, each with its share of the SYN_RECV ones. */
  static List<Listener> of(List<TcpSocket> sockets) {
    List<TcpSocket> listeners = new ArrayList<>();
    for (TcpSocket s : sockets) {
      if (s.state() == TcpState.LISTEN) {
        listeners.add(s);
      }
    }
    int[] counts = new int[listeners.size()];
    for (TcpSocket s : sockets) {
      if (s.state() == TcpState.SYN_RECV) {
        int owner = listenerFor(s, listeners);
        if (owner >= 0) {
          counts[owner]++;
        }
      }
    }
    List<Listener> out = new ArrayList<>(listeners.size());
    for (int i = 0; i < listeners.size(); i++) {
      out.add(new Listener(listeners.get(i), counts[i]));
    }
    return out;
  }

  private static int listenerFor(TcpSocket request, List<TcpSocket> listeners) {
    int wildcardSameFamily = -1;
    int dualStack = -1;
    for (int i = 0; i < listeners.size(); i++) {
      TcpSocket l = listeners.get(i);
      if (l.localPort() != request.localPort()) {
        continue;
      }
      if (l.localAddress().isAnyLocalAddress()) {
        if (l.family() == request.family() && wildcardSameFamily < 0) {
          wildcardSameFamily = i;
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
