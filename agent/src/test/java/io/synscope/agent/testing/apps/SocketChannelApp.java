package io.synscope.agent.testing.apps;

import io.synscope.agent.testing.apps.ConnectCases.Connection;
import io.synscope.agent.testing.apps.ConnectCases.Listener;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The connect cases with blocking {@code SocketChannel.connect} and {@code
 * ServerSocketChannel.accept}.
 */
public final class SocketChannelApp {
  private SocketChannelApp() {}

  public static void main(String[] args) throws Exception {
    ConnectCases.runAll(SocketChannelApp::connect, SocketChannelApp::listen);
  }

  static Connection connect(InetSocketAddress remote) throws Exception {
    SocketChannel c = SocketChannel.open();
    try {
      c.connect(remote);
    } catch (Exception e) {
      c.close();
      throw e;
    }
    return new Connection(c.getLocalAddress(), c.getRemoteAddress(), c);
  }

  static Listener listen(InetAddress address) throws Exception {
    ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(address, 0));
    return new Listener() {
      @Override
      public int port() throws Exception {
        return ((InetSocketAddress) server.getLocalAddress()).getPort();
      }

      @Override
      public Connection accept() throws Exception {
        SocketChannel c = server.accept();
        return new Connection(c.getLocalAddress(), c.getRemoteAddress(), c);
      }

      @Override
      public void close() throws java.io.IOException {
        server.close();
      }
    };
  }
}
