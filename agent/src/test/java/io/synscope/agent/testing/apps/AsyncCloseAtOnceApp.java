package io.synscope.agent.testing.apps;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * Asynchronous connects and accepts, both through futures, each channel closed the moment its
 * future returns: the JDK completes the future on the channel group's thread, inside the method
 * the agent's advice ends, so the application's close often comes before the advice has read the
 * channel. As many pairs as the argument says, then {@code DONE <count>}, then one more pair,
 * its client's port printed as {@code LAST <port>}, kept open until standard input ends.
 */
public final class AsyncCloseAtOnceApp {
  private AsyncCloseAtOnceApp() {}

  public static void main(String[] args) throws Exception {
    int count = Integer.parseInt(args[0]);
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    try (AsynchronousServerSocketChannel server =
        AsynchronousServerSocketChannel.open().bind(new InetSocketAddress(loopback, 0))) {
      InetSocketAddress remote = (InetSocketAddress) server.getLocalAddress();
      for (int i = 0; i < count; i++) {
        var accepted = server.accept();
        AsynchronousSocketChannel client = AsynchronousSocketChannel.open();
        client.connect(remote).get(10, TimeUnit.SECONDS);
        client.close();
        accepted.get(10, TimeUnit.SECONDS).close();
      }
      System.out.println("DONE " + count);
      var accepted = server.accept();
      try (AsynchronousSocketChannel client = AsynchronousSocketChannel.open()) {
        client.connect(remote).get(10, TimeUnit.SECONDS);
        try (AsynchronousSocketChannel a = accepted.get(10, TimeUnit.SECONDS)) {
          System.out.println("LAST " + ((InetSocketAddress) client.getLocalAddress()).getPort());
          System.in.transferTo(OutputStream.nullOutputStream());
        }
      }
    }
  }
}
