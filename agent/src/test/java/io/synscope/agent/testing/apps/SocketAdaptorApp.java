package io.synscope.agent.testing.apps;

import io.synscope.agent.testing.apps.ConnectCases.Connection;
import io.synscope.agent.testing.apps.ConnectCases.Listener;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The connect cases through the socket adaptors of channels: {@code
 * SocketChannel.socket().connect} and {@code ServerSocketChannel.socket().accept}.
 */
public final class SocketAdaptorApp {
  private SocketAdaptorApp() {}

  public static void main(String[] args) throws Exception {
    ConnectCases.runAll(SocketAdaptorApp::connect, SocketAdaptorApp::listen);
  }

  static Connection connect(InetSocketAddress remote) throws Exception {
    Socket s = SocketChannel.open().socket();
    try {
      s.connect(remote);
    } catch (Exception e) {
      s.close();
      throw e;
    }
    return new Connection(s.getLocalSocketAddress(), s.getRemoteSocketAddress(), s);
  }

  static Listener listen(InetAddress address) throws Exception {
    ServerSocket server = ServerSocketChannel.open().socket();
    server.bind(new InetSocketAddress(address, 0));
    return new Listener() {
      @Override
      public int port() {
        return server.getLocalPort();
      }

      @Override
      public Connection accept() throws Exception {
        Socket s = server.accept();
        return new Connection(s.getLocalSocketAddress(), s.getRemoteSocketAddress(), s);
      }

      @Override
      public void close() throws java.io.IOException {
        server.close();
      }
    };
  }
}
