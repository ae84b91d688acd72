package io.synscope.agent.cli;

import io.synscope.probe.ListenerLookup;
import io.synscope.probe.TcpSocket;
import io.synscope.probe.TcpState;
import java.util.ArrayList;
import java.util.List;

/**
 * Listeners with the half-open connections (SYN_RECV request sockets) waiting on each.
 *
 * <p>Each request socket is counted once, for the listener the kernel would hand it to ({@link
 * ListenerLookup}). Listeners sharing one address and port (SO_REUSEPORT) cannot be told apart
 * here; the first gets the count.
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
        int owner = ListenerLookup.indexOf(s, listeners);
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
}
