package io.synscope.agent.testing.apps;

import io.synscope.agent.testing.apps.ConnectCases.Connection;
import io.synscope.agent.testing.apps.ConnectCases.Listener;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.util.concurrent.TimeUnit;

/** The connect cases with asynchronous channels, connect and accept waited for with a Future. */
public final class AsyncFutureApp {
  private AsyncFutureApp() {}

  public static void main(String[] args) throws Exception {
    ConnectCases.runAll(AsyncFutureApp::connect, AsyncFutureApp::listen);
  }

  static Connection connect(InetSocketAddress remote) throws Exception {
    AsynchronousSocketChannel c = AsynchronousSocketChannel.open();
    try {
      c.connect(remote).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      c.close();
      throw e;
    }
    return new Connection(c.getLocalAddress(), c.getRemoteAddress(), c);
  }

  static Listener listen(InetAddress address) throws Exception {
    AsynchronousServerSocketChannel server =
        AsynchronousServerSocketChannel.open().bind(new InetSocketAddress(address, 0));
    return new Listener() {
      @Override
      public int port() throws Exception {
        return ((InetSocketAddress) server.getLocalAddress()).getPort();
      }

      @Override
      public Connection accept() throws Exception {
        AsynchronousSocketChannel c = server.accept().get(30, TimeUnit.SECONDS);
        return new Connection(c.getLocalAddress(), c.getRemoteAddress(), c);
      }

      @Override
      public void close() throws java.io.IOException {
        server.close();
      }
    };
  }
}
