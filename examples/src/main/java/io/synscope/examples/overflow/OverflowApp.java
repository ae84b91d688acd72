package io.synscope.examples.overflow;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code overflow} example's application: a server on 127.0.0.1 with a small backlog that
 * stalls before its accept loop and then takes one connection per pace, and a burst of clients
 * that connect to it all at once, in one JVM. Each client sends a one-line request as soon as it
 * is connected, as an HTTP client would, and waits for the server's one-byte answer.
 *
 * <p>Arguments: backlog clients stallMillis paceMillis. Prints {@code LISTENING address:port
 * backlog=B}, waits for {@code GO} on standard input (so the runner can wait for the agent's
 * listener poller), then runs the burst and prints {@code SERVED n} and {@code CLIENTS
 * answered=a unanswered=u failed=f}.
 */
public final class OverflowApp {
  static final int CONNECT_TIMEOUT_MILLIS = 10_000;
  /** How long a client that counts as connected waits for the server's answer. */
  static final int ANSWER_TIMEOUT_MILLIS = 6_000;

  private static final byte[] REQUEST = "GET /\n".getBytes(StandardCharsets.US_ASCII);

  private OverflowApp() {}

  public static void main(String[] args) throws Exception {
    int backlog = Integer.parseInt(args[0]);
    int clients = Integer.parseInt(args[1]);
    long stallMillis = Long.parseLong(args[2]);
    long paceMillis = Long.parseLong(args[3]);
    try (ServerSocket server = new ServerSocket()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), backlog);
      InetSocketAddress address = (InetSocketAddress) server.getLocalSocketAddress();
      System.out.println(
          "LISTENING " + address.getAddress().getHostAddress() + ":" + address.getPort()
              + " backlog=" + backlog);
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String go = in.readLine();
      if (!"GO".equals(go)) {
        System.out.println("NOT STARTED: expected GO, read " + go);
        return;
      }
      Burst burst = Burst.start(address, clients);
      // The stall: a server busy elsewhere (a slow start, a long GC pause) does not accept.
      TimeUnit.MILLISECONDS.sleep(stallMillis);
      int served = serve(server, burst, paceMillis);
      burst.awaitEnd();
      System.out.println("SERVED " + served);
      System.out.println(
          "CLIENTS answered=" + burst.answered.get() + " unanswered=" + burst.unanswered.get()
              + " failed=" + burst.failed.get());
    }
  }

  /** One connection per pace until every client has finished; how many were served. */
  private static int serve(ServerSocket server, Burst burst, long paceMillis) throws IOException {
    server.setSoTimeout(100);
    int served = 0;
    while (!burst.ended()) {
      Socket s;
      try {
        s = server.accept();
      } catch (SocketTimeoutException nobodyWaiting) {
        continue;
      }
      try (s) {
        s.setSoTimeout(ANSWER_TIMEOUT_MILLIS);
        readRequest(s);
        s.getOutputStream().write('.');
      } catch (IOException gone) {
        // the client gave up meanwhile; it was still accepted
      }
      served++;
      try {
        // The slow part of the loop: each connection takes this long before the next accept.
        TimeUnit.MILLISECONDS.sleep(paceMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return served;
  }

  /** Reads up to the request's end of line: closing with unread data would reset the connection. */
  private static void readRequest(Socket s) throws IOException {
    int c;
    do {
      c = s.getInputStream().read();
    } while (c >= 0 && c != '\n');
  }

  /** The clients, one thread each, started together. */
  private static final class Burst {
    final AtomicInteger answered = new AtomicInteger();
    final AtomicInteger unanswered = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    private final CountDownLatch ended;
    private final List<Thread> threads = new ArrayList<>();

    private Burst(int clients) {
      ended = new CountDownLatch(clients);
    }

    static Burst start(InetSocketAddress target, int clients) {
      Burst burst = new Burst(clients);
      CountDownLatch ready = new CountDownLatch(1);
      for (int i = 0; i < clients; i++) {
        Thread t = new Thread(() -> burst.client(target, ready), "client-" + (i + 1));
        t.setDaemon(true);
        burst.threads.add(t);
        t.start();
      }
      ready.countDown();
      return burst;
    }

    private void client(InetSocketAddress target, CountDownLatch ready) {
      try (Socket s = new Socket()) {
        ready.await();
        s.connect(target, CONNECT_TIMEOUT_MILLIS);
        s.setSoTimeout(ANSWER_TIMEOUT_MILLIS);
        s.getOutputStream().write(REQUEST);
        try {
          if (s.getInputStream().read() == '.') {
            answered.incrementAndGet();
          } else {
            unanswered.incrementAndGet();
          }
        } catch (SocketTimeoutException noAnswer) {
          // Connected as far as this side knows, but the server never took the connection.
          unanswered.incrementAndGet();
        }
      } catch (IOException | InterruptedException e) {
        failed.incrementAndGet();
      } finally {
        ended.countDown();
      }
    }

    boolean ended() {
      return ended.getCount() == 0;
    }

    void awaitEnd() throws InterruptedException {
      for (Thread t : threads) {
        t.join();
      }
    }
  }
}
