package io.synscope.agent.testing.apps;

import io.synscope.agent.testing.apps.ConnectCases.Connection;
import io.synscope.agent.testing.apps.ConnectCases.Listener;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** The connect cases with {@code Socket.connect} and {@code ServerSocket.accept}. */
public final class SocketApp {
  private SocketApp() {}

  public static void main(String[] args) throws Exception {
    ConnectCases.runAll(SocketApp::connect, SocketApp::listen);
  }

  static Connection connect(InetSocketAddress remote) throws Exception {
    Socket s = new Socket();
    try {
      s.connect(remote);
    } catch (Exception e) {
      s.close();
      throw e;
    }
    return new Connection(s.getLocalSocketAddress(), s.getRemoteSocketAddress(), s);
  }

  static Listener listen(InetAddress address) throws Exception {
    ServerSocket server = new ServerSocket(0, 50, address);
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
