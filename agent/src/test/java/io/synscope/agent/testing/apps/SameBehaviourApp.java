package io.synscope.agent.testing.apps;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The edges of the socket APIs, as an application meets them: timeouts, interrupts, refused and
 * unresolvable addresses, calls on closed or already connected sockets, non-blocking calls with
 * nothing ready, a server's accept ended by its shutdown. Each case prints one line, {@code CASE <name> <outcome>}: what the call returned
 * or threw (class, message, cause), whether the thread's interrupt status was set afterwards,
 * whether the socket was still open, and whether the call blocked for as long as it should. Run
 * with and without the agent, the lines must be the same. A first line, {@code PORTS full=<port>
 * refused=<port>}, names the listener with the full queue and the port where nothing listens.
 *
 * <p>Connects that must block go to a listener whose accept queue is full (backlog 1, two
 * connections never accepted): the kernel drops their SYNs, as it does for a service that is
 * overloaded, and the next retransmission is a second away.
 */
public final class SameBehaviourApp {
  private static final long BLOCK_MILLIS = 300;

  private SameBehaviourApp() {}

  public static void main(String[] args) throws Exception {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    List<Socket> fillers = new ArrayList<>();
    try (ServerSocket full = new ServerSocket(0, 1, loopback);
        ServerSocket open = new ServerSocket(0, 50, loopback)) {
      InetSocketAddress fullAddress = new InetSocketAddress(loopback, full.getLocalPort());
      InetSocketAddress openAddress = new InetSocketAddress(loopback, open.getLocalPort());
      InetSocketAddress refused = refusedAddress(loopback);
      for (int i = 0; i < 2; i++) {
        fillers.add(new Socket(loopback, full.getLocalPort()));
      }
      System.out.println("PORTS full=" + full.getLocalPort() + " refused=" + refused.getPort());
      run(fullAddress, openAddress, refused, open);
    } finally {
      for (Socket s : fillers) {
        s.close();
      }
    }
  }

  private static void run(
      InetSocketAddress full, InetSocketAddress open, InetSocketAddress refused, ServerSocket server)
      throws Exception {
    timed(
        "socket-connect-timeout",
        () -> {
          try (Socket s = new Socket()) {
            s.connect(full, (int) BLOCK_MILLIS);
            return "connected";
          }
        });
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      s.setSoTimeout((int) BLOCK_MILLIS);
      timed("server-socket-accept-timeout", () -> describe(s.accept()));
    }
    interruptedAfterBlocking(
        "socket-channel-connect-interrupted",
        () -> {
          SocketChannel c = SocketChannel.open();
          try {
            return "connect returned " + c.connect(full);
          } finally {
            print("socket-channel-connect-interrupted-open", String.valueOf(c.isOpen()));
            c.close();
          }
        },
        Thread::new);
    ThreadFactory virtual = virtualThreads();
    if (virtual != null) {
      interruptedAfterBlocking(
          "virtual-socket-connect-interrupted",
          () -> {
            try (Socket s = new Socket()) {
              s.connect(full);
              return "connected";
            }
          },
          virtual);
    } else {
      print("virtual-socket-connect-interrupted", "no virtual threads before JDK 21");
    }
    once(
        "socket-connect-refused-interrupt-pending",
        () -> {
          Thread.currentThread().interrupt();
          try (Socket s = new Socket()) {
            s.connect(refused);
            return "connected";
          }
        });
    once(
        "socket-channel-connect-refused",
        () -> {
          try (SocketChannel c = SocketChannel.open()) {
            return "connect returned " + c.connect(refused);
          }
        });
    once(
        "socket-connect-unresolved",
        () -> {
          try (Socket s = new Socket()) {
            s.connect(InetSocketAddress.createUnresolved("no-such-host.invalid", 80));
            return "connected";
          }
        });
    once(
        "socket-channel-connect-unresolved",
        () -> {
          try (SocketChannel c = SocketChannel.open()) {
            return "connect returned "
                + c.connect(InetSocketAddress.createUnresolved("no-such-host.invalid", 80));
          }
        });
    once(
        "socket-connect-null",
        () -> {
          try (Socket s = new Socket()) {
            s.connect(null);
            return "connected";
          }
        });
    once(
        "socket-connect-negative-timeout",
        () -> {
          try (Socket s = new Socket()) {
            s.connect(open, -1);
            return "connected";
          }
        });
    once(
        "socket-connect-closed",
        () -> {
          Socket s = new Socket();
          s.close();
          s.connect(open);
          return "connected";
        });
    once(
        "socket-connect-twice",
        () -> {
          try (Socket s = new Socket()) {
            s.connect(open);
            server.accept().close();
            s.connect(open);
            return "connected twice";
          }
        });
    once(
        "socket-channel-connect-twice",
        () -> {
          try (SocketChannel c = SocketChannel.open(open)) {
            server.accept().close();
            return "connect returned " + c.connect(open);
          }
        });
    once(
        "socket-channel-connect-closed",
        () -> {
          SocketChannel c = SocketChannel.open();
          c.close();
          return "connect returned " + c.connect(open);
        });
    once(
        "socket-channel-finish-without-connect",
        () -> {
          try (SocketChannel c = SocketChannel.open()) {
            c.configureBlocking(false);
            return "finishConnect returned " + c.finishConnect();
          }
        });
    once(
        "socket-channel-nonblocking-connect-pending",
        () -> {
          try (SocketChannel c = SocketChannel.open()) {
            c.configureBlocking(false);
            boolean connected = c.connect(full);
            boolean finished = c.finishConnect();
            return "connect returned " + connected + ", finishConnect returned " + finished;
          }
        });
    once(
        "server-socket-channel-nonblocking-accept-empty",
        () -> {
          try (ServerSocketChannel s = ServerSocketChannel.open()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            s.configureBlocking(false);
            return "accept returned " + s.accept();
          }
        });
    once(
        "server-socket-accept-closed",
        () -> {
          ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
          s.close();
          return describe(s.accept());
        });
    // A server shutting down: its accepting thread interrupted, or its listener closed under it.
    interruptedAfterBlocking(
        "server-socket-channel-accept-interrupted",
        () -> {
          try (ServerSocketChannel s = ServerSocketChannel.open()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            return "accept returned " + s.accept();
          }
        },
        Thread::new);
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      Thread closer =
          new Thread(
              () -> {
                try {
                  Thread.sleep(BLOCK_MILLIS);
                  s.close();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      closer.start();
      timed("server-socket-accept-closed-meanwhile", () -> describe(s.accept()));
      closer.join();
    }
    once(
        "async-accept-closed-meanwhile",
        () -> {
          AsynchronousServerSocketChannel s =
              AsynchronousServerSocketChannel.open()
                  .bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
          Future<AsynchronousSocketChannel> accept = s.accept();
          s.close();
          return "accepted " + accept.get(30, TimeUnit.SECONDS);
        });
    timed(
        "async-connect-get-timeout",
        () -> {
          AsynchronousSocketChannel c = AsynchronousSocketChannel.open();
          Future<Void> connect = c.connect(full);
          try {
            connect.get(BLOCK_MILLIS, TimeUnit.MILLISECONDS);
            return "connected";
          } finally {
            c.close();
            print("async-connect-after-close", outcome(() -> String.valueOf(connect.get())));
          }
        });
  }

  /** A port on loopback where nothing listens: bound once, then closed. */
  private static InetSocketAddress refusedAddress(InetAddress loopback) throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, loopback)) {
      return new InetSocketAddress(loopback, s.getLocalPort());
    }
  }

  private static String describe(Socket accepted) throws Exception {
    try (accepted) {
      return "accepted a connection";
    }
  }

  private static void once(String name, Callable<String> call) {
    print(name, outcome(call));
  }

  /** A call that must block for about {@link #BLOCK_MILLIS} before it ends. */
  private static void timed(String name, Callable<String> call) {
    long start = System.nanoTime();
    String outcome = outcome(call);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    print(name, outcome + " blocked=" + blockedAsLongAsAsked(millis));
  }

  /** A call that blocks until another thread interrupts it, on a thread of {@code threads}. */
  private static void interruptedAfterBlocking(
      String name, Callable<String> call, ThreadFactory threads) throws Exception {
    AtomicReference<String> outcome = new AtomicReference<>();
    AtomicReference<Long> millis = new AtomicReference<>();
    Thread caller =
        threads.newThread(
            () -> {
              long start = System.nanoTime();
              outcome.set(outcome(call));
              millis.set(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            });
    caller.start();
    caller.join(BLOCK_MILLIS);
    caller.interrupt();
    caller.join(TimeUnit.SECONDS.toMillis(30));
    print(name, outcome.get() + " blocked=" + blockedAsLongAsAsked(millis.get()));
  }

  /**
   * Blocked until the timeout or the interrupt: not less, and not seconds more (a busy machine
   * may take a moment to run the thread again).
   */
  private static boolean blockedAsLongAsAsked(long millis) {
    return millis >= BLOCK_MILLIS - 20 && millis < BLOCK_MILLIS + 3000;
  }

  /**
   * What the call returned or threw, and the calling thread's interrupt status after it (which is
   * then cleared).
   */
  private static String outcome(Callable<String> call) {
    String result;
    try {
      result = "returned [" + call.call() + "]";
    } catch (Throwable t) {
      Throwable cause = t.getCause();
      result =
          "threw "
              + t.getClass().getName()
              + ": "
              + t.getMessage()
              + " cause="
              + (cause == null ? "none" : cause.getClass().getName() + ": " + cause.getMessage());
    }
    return result + " interrupted=" + Thread.interrupted();
  }

  private static void print(String name, String outcome) {
    synchronized (System.out) {
      System.out.println("CASE " + name + " " + outcome);
      System.out.flush();
    }
  }

  /** Virtual threads through reflection, so this compiles for Java 17; null before JDK 21. */
  private static ThreadFactory virtualThreads() throws ReflectiveOperationException {
    if (Runtime.version().feature() < 21) {
      return null;
    }
    Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
    return (ThreadFactory)
        Class.forName("java.lang.Thread$Builder").getMethod("factory").invoke(builder);
  }
}
