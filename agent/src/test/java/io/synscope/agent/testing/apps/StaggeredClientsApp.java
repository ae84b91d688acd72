package io.synscope.agent.testing.apps;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A forked test app that starts {@code count} connects to {@code host port}, client i at i times
 * {@code staggerMillis} after the first, each with a connect timeout of {@code timeoutMillis}. Each
 * connect is observed (kind {@code connect}, case its index); {@code DONE connected=<n> failed=<m>}
 * follows when all have finished, and the connections stay open until input ends.
 *
 * <p>Before the clients start, one connection to a listener of the app's own loads the classes a
 * connect needs: otherwise the first clients wait for that together and leave in a burst.
 *
 * <p>Arguments: host port count staggerMillis timeoutMillis.
 */
public final class StaggeredClientsApp {
  private StaggeredClientsApp() {}

  public static void main(String[] args) throws Exception {
    InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
    int count = Integer.parseInt(args[2]);
    long staggerNanos = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[3]));
    int timeoutMillis = Integer.parseInt(args[4]);
    warmUp();
    List<Socket> sockets = new ArrayList<>();
    AtomicInteger connected = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(count);
    long firstNanos = System.nanoTime();
    for (int i = 0; i < count; i++) {
      Socket s = new Socket();
      sockets.add(s);
      String caseName = Integer.toString(i);
      long startNanos = firstNanos + i * staggerNanos;
      Thread t =
          new Thread(
              () -> {
                try {
                  // The app's own pacing of its clients, not synchronisation with the test.
                  long wait = startNanos - System.nanoTime();
                  if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                  }
                  Observation o = Observation.begin("connect", caseName);
                  try {
                    s.connect(target, timeoutMillis);
                    o.end().endpoints(s.getLocalSocketAddress(), s.getRemoteSocketAddress());
                    connected.incrementAndGet();
                  } catch (Exception e) {
                    o.end().remote(target).failure(e);
                    failed.incrementAndGet();
                  }
                  o.print();
                } catch (InterruptedException e) {
                  failed.incrementAndGet();
                } finally {
                  done.countDown();
                }
              },
              "client-" + i);
      t.setDaemon(true);
      t.start();
    }
    done.await();
    System.out.println("DONE connected=" + connected.get() + " failed=" + failed.get());
    while (System.in.read() >= 0) {
      // Hold the connections until the test ends the input.
    }
    for (Socket s : sockets) {
      s.close();
    }
  }

  private static void warmUp() throws IOException {
    try (ServerSocket own = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket s = new Socket()) {
      s.connect(own.getLocalSocketAddress(), 5_000);
      own.accept().close();
    }
  }
}
