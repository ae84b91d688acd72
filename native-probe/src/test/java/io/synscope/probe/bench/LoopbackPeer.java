package io.synscope.probe.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server side of the benchmark's connections, in a JVM of its own so that neither process
 * needs more than half of the sockets' file descriptors.
 *
 * <p>Arguments: IPv4 listeners, IPv6 listeners, connections to accept in all. It prints one
 * {@code LISTEN address port} line per listener, then {@code ACCEPTED n} once it holds {@code n}
 * accepted connections, and keeps them until its standard input ends (the benchmark closes it,
 * or dies). A failure is printed as {@code ERROR message} and ends the process with status 1.
 */
public final class LoopbackPeer {
  /** The accept queue's length asked of listen(); the kernel caps it at net.core.somaxconn. */
  private static final int BACKLOG = 4096;

  private LoopbackPeer() {}

  public static void main(String[] args) throws IOException {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.US_ASCII);
    int ipv4Listeners = Integer.parseInt(args[0]);
    int ipv6Listeners = Integer.parseInt(args[1]);
    int expected = Integer.parseInt(args[2]);

    List<ServerSocketChannel> listeners = new ArrayList<>();
    for (int i = 0; i < ipv4Listeners + ipv6Listeners; i++) {
      boolean v4 = i < ipv4Listeners;
      ServerSocketChannel l =
          ServerSocketChannel.open(v4 ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
      InetAddress loopback = InetAddress.getByName(v4 ? "127.0.0.1" : "::1");
      l.bind(new InetSocketAddress(loopback, 0), BACKLOG);
      listeners.add(l);
      out.println(
          "LISTEN " + loopback.getHostAddress() + " "
              + ((InetSocketAddress) l.getLocalAddress()).getPort());
    }

    List<SocketChannel> accepted = new ArrayList<>(expected);
    AtomicInteger count = new AtomicInteger();
    Object done = new Object();
    for (ServerSocketChannel l : listeners) {
      Thread t =
          new Thread(
              () -> acceptUntil(l, expected, accepted, count, done, out),
              "accept-" + l.socket().getLocalPort());
      t.setDaemon(true);
      t.start();
    }
    synchronized (done) {
      while (count.get() < expected) {
        try {
          done.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    out.println("ACCEPTED " + count.get());

    // Hold everything until the benchmark closes our standard input.
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
    while (in.readLine() != null) {
      // Nothing is sent; reading to the end is the signal.
    }
    synchronized (accepted) {
      for (SocketChannel c : accepted) {
        c.close();
      }
    }
    for (ServerSocketChannel l : listeners) {
      l.close();
    }
  }

  private static void acceptUntil(
      ServerSocketChannel listener,
      int expected,
      List<SocketChannel> accepted,
      AtomicInteger count,
      Object done,
      PrintStream out) {
    try {
      while (count.get() < expected) {
        SocketChannel c = listener.accept();
        synchronized (accepted) {
          accepted.add(c);
        }
        if (count.incrementAndGet() >= expected) {
          synchronized (done) {
            done.notifyAll();
          }
        }
      }
    } catch (IOException e) {
      out.println("ERROR accept on " + listener.socket().getLocalSocketAddress() + ": " + e);
      System.exit(1);
    }
  }
}
