package io.synscope.agent.testing.apps;

import io.synscope.agent.testing.apps.ConnectCases.Connection;
import io.synscope.agent.testing.apps.ConnectCases.Listener;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The connect cases with non-blocking channels: {@code connect}, then {@code finishConnect} when a
 * selector says the connect is done; {@code accept} polled with a selector.
 */
public final class NonBlockingSocketChannelApp {
  private NonBlockingSocketChannelApp() {}

  public static void main(String[] args) throws Exception {
    ConnectCases.runAll(NonBlockingSocketChannelApp::connect, NonBlockingSocketChannelApp::listen);
  }

  static Connection connect(InetSocketAddress remote) throws Exception {
    SocketChannel c = SocketChannel.open();
    try (Selector selector = Selector.open()) {
      c.configureBlocking(false);
      if (!c.connect(remote)) {
        c.register(selector, SelectionKey.OP_CONNECT);
        while (!c.finishConnect()) {
          selector.select(1_000);
        }
      }
    } catch (Exception e) {
      c.close();
      throw e;
    }
    return new Connection(c.getLocalAddress(), c.getRemoteAddress(), c);
  }

  static Listener listen(InetAddress address) throws Exception {
    ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(address, 0));
    server.configureBlocking(false);
    Selector selector = Selector.open();
    server.register(selector, SelectionKey.OP_ACCEPT);
    return new Listener() {
      @Override
      public int port() throws Exception {
        return ((InetSocketAddress) server.getLocalAddress()).getPort();
      }

      @Override
      public Connection accept() throws Exception {
        // accept() answers null until a connection is there; those calls make no span
        SocketChannel c;
        while ((c = server.accept()) == null) {
          selector.select(1_000);
        }
        return new Connection(c.getLocalAddress(), c.getRemoteAddress(), c);
      }

      @Override
      public void close() throws java.io.IOException {
        selector.close();
        server.close();
      }
    };
  }
}
