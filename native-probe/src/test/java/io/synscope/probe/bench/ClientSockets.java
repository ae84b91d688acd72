package io.synscope.probe.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The client side of the benchmark's connections: blocking connects spread round-robin over the
 * peer's listeners. Closed with SO_LINGER 0, so that each connection ends with a RST and leaves no
 * TIME_WAIT socket behind to skew the next run's counts.
 */
final class ClientSockets implements AutoCloseable {
  private final List<SocketChannel> channels;

  private ClientSockets(int count) {
    this.channels = new ArrayList<>(count);
  }

  static ClientSockets connect(List<InetSocketAddress> listeners, int count) throws IOException {
    ClientSockets clients = new ClientSockets(count);
    try {
      for (int i = 0; i < count; i++) {
        InetSocketAddress to = listeners.get(i % listeners.size());
        SocketChannel c =
            SocketChannel.open(
                to.getAddress().getAddress().length == 4
                    ? StandardProtocolFamily.INET
                    : StandardProtocolFamily.INET6);
        clients.channels.add(c);
        c.setOption(StandardSocketOptions.SO_LINGER, 0);
        c.connect(to);
      }
      return clients;
    } catch (IOException | RuntimeException e) {
      clients.close();
      throw new IOException(
          "connection " + (clients.channels.size()) + " of " + count + " failed: " + e, e);
    }
  }

  int size() {
    return channels.size();
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (SocketChannel c : channels) {
      try {
        c.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    channels.clear();
    if (first != null) {
      throw first;
    }
  }
}
