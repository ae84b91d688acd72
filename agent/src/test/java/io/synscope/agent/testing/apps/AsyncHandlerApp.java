package io.synscope.agent.testing.apps;

import io.synscope.agent.testing.apps.ConnectCases.Connection;
import io.synscope.agent.testing.apps.ConnectCases.Listener;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The connect cases with asynchronous channels, connect and accept told through a handler. */
public final class AsyncHandlerApp {
  private AsyncHandlerApp() {}

  public static void main(String[] args) throws Exception {
    ConnectCases.runAll(AsyncHandlerApp::connect, AsyncHandlerApp::listen);
  }

  static Connection connect(InetSocketAddress remote) throws Exception {
    AsynchronousSocketChannel c = AsynchronousSocketChannel.open();
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      c.connect(remote, null, handler(done));
      done.get(30, TimeUnit.SECONDS);
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
        CompletableFuture<AsynchronousSocketChannel> accepted = new CompletableFuture<>();
        server.accept(null, handler(accepted));
        AsynchronousSocketChannel c = accepted.get(30, TimeUnit.SECONDS);
        return new Connection(c.getLocalAddress(), c.getRemoteAddress(), c);
      }

      @Override
      public void close() throws java.io.IOException {
        server.close();
      }
    };
  }

  private static <V> CompletionHandler<V, Void> handler(CompletableFuture<V> result) {
    return new CompletionHandler<>() {
      @Override
      public void completed(V value, Void attachment) {
        result.complete(value);
      }

      @Override
      public void failed(Throwable exc, Void attachment) {
        result.completeExceptionally(exc);
      }
    };
  }
}
