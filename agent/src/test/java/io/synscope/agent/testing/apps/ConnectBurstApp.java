package io.synscope.agent.testing.apps;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A forked test app that connects {@code count} clients at once to {@code host port}, each with a
 * connect timeout of {@code timeoutMillis}, prints {@code DONE connected=<n> failed=<m>} when all
 * have finished, and keeps the connections open until its input ends.
 *
 * <p>Arguments: host port count timeoutMillis.
 */
public final class ConnectBurstApp {
  private ConnectBurstApp() {}

  public static void main(String[] args) throws Exception {
    InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
    int count = Integer.parseInt(args[2]);
    int timeoutMillis = Integer.parseInt(args[3]);
    List<Socket> sockets = new ArrayList<>();
    AtomicInteger connected = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(count);
    for (int i = 0; i < count; i++) {
      Socket s = new Socket();
      sockets.add(s);
      Thread t =
          new Thread(
              () -> {
                try {
                  start.await();
                  s.connect(target, timeoutMillis);
                  connected.incrementAndGet();
                } catch (IOException | InterruptedException e) {
                  failed.incrementAndGet();
                } finally {
                  done.countDown();
                }
              },
              "client-" + i);
      t.setDaemon(true);
      t.start();
    }
    start.countDown();
    done.await();
    System.out.println("DONE connected=" + connected.get() + " failed=" + failed.get());
    while (System.in.read() >= 0) {
      // Hold the connections until the test ends the input.
    }
    for (Socket s : sockets) {
      s.close();
    }
  }
}
