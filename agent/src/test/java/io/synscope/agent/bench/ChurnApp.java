package io.synscope.agent.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Locale;

/**
 * The application of the churn benchmark, run in a JVM of its own (with or without the agent): one
 * thread connects to a loopback listener and closes, another accepts and closes, as fast as they
 * can, for a warm-up and then a measured window; at the end it prints one line, {@code RESULT
 * key=value ...}, with what happened in the window.
 *
 * <p>Each connection closes the way a server that ends the exchange does: the server closes first
 * (a FIN) right after accept, the client reads the end of stream and then closes. The client
 * closes with SO_LINGER 0, so its close is a RST that also ends the server's FIN_WAIT2 socket:
 * neither side leaves a TIME_WAIT socket, so later runs do not pay for earlier ones and the
 * ephemeral ports come back at once. The client waiting for the server's FIN keeps the two threads
 * in step: the accept queue never holds more than one connection.
 *
 * <p>Arguments: warm-up milliseconds, measured milliseconds, the most connections to make (the run
 * stops early when they are done, and says so).
 *
 * <p>{@link SdkChurnApp} runs the same churn with {@link ConnectionSpans} that make the spans
 * itself; without them (this class's own {@code main}) the loops time nothing.
 */
public final class ChurnApp {
  private static final int BACKLOG = 128;

  private final long warmupMillis;
  private final long measureMillis;
  private final long maxConnections;
  private final ConnectionSpans spans;
  private final ServerSocket server;
  private volatile long connected;
  private volatile long accepted;
  private volatile boolean stop;
  private volatile Throwable failure;

  ChurnApp(long warmupMillis, long measureMillis, long maxConnections, ConnectionSpans spans)
      throws IOException {
    this.warmupMillis = warmupMillis;
    this.measureMillis = measureMillis;
    this.maxConnections = maxConnections;
    this.spans = spans;
    this.server = new ServerSocket(0, BACKLOG, InetAddress.getByName("127.0.0.1"));
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: ChurnApp <warm-up ms> <measured ms> <max connections>");
      System.exit(2);
    }
    ChurnApp app =
        new ChurnApp(
            Long.parseLong(args[0]), Long.parseLong(args[1]), Long.parseLong(args[2]), null);
    System.exit(app.run() ? 0 : 1);
  }

  /** What a churn with spans of its own does on each side of a connection. */
  interface ConnectionSpans {
    /** {@code s} has just connected; the nanos are {@link System#nanoTime()} readings. */
    void connected(Socket s, long startNanos, long endNanos);

    /** {@code a} has just been accepted. */
    void accepted(Socket a, long startNanos, long endNanos);
  }

  /** The listener's backlog, as given to listen(). */
  static int backlog() {
    return BACKLOG;
  }

  /** Runs the churn and prints its RESULT line; false when it failed. */
  boolean run() throws Exception {
    InetSocketAddress target =
        new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    Thread client = new Thread(() -> guarded(() -> connectLoop(target)), "churn-client");
    Thread acceptor = new Thread(() -> guarded(this::acceptLoop), "churn-server");
    acceptor.start();
    client.start();

    // Once during the warm-up, so that the first use of the management beans is not in the window.
    Snapshot.take(client, acceptor, connected, true);
    Thread.sleep(warmupMillis);
    Snapshot start = Snapshot.take(client, acceptor, connected, true);
    client.join(measureMillis);
    Snapshot end = Snapshot.take(client, acceptor, connected, false);
    boolean cutShort = !client.isAlive();
    stop = true;
    client.join();
    server.close(); // ends the acceptor's accept
    acceptor.join();

    if (failure != null) {
      System.err.println("churn failed: " + failure);
      failure.printStackTrace();
      return false;
    }
    if (accepted != connected) {
      System.err.printf(
          Locale.ROOT, "churn failed: %d connections made, %d accepted%n", connected, accepted);
      return false;
    }
    System.out.println(
        end.minus(start, cutShort, connected, server.getLocalPort(), heapAfterFullCollection()));
    return true;
  }

  /**
   * The heap still in use after a full collection, once the window is over: what the process
   * holds on to (with the agent, its queue of spans not yet exported among it).
   */
  private static long heapAfterFullCollection() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  // The loops only call: a connection's work is in a method of its own, which the JIT compiles as
  // soon as it has been called a few thousand times. In the loop's own body it would run in the
  // loop's on-stack-replacement code, which reaches C2 only after tens of thousands of iterations
  // (seconds), later with the agent than without: runs measured in the middle of that switch.

  private void connectLoop(InetSocketAddress target) throws IOException {
    while (!stop && connected < maxConnections) {
      connectOnce(target);
      connected++;
    }
  }

  private void connectOnce(InetSocketAddress target) throws IOException {
    try (Socket s = new Socket()) {
      if (spans == null) {
        s.connect(target);
      } else {
        long start = System.nanoTime();
        s.connect(target);
        spans.connected(s, start, System.nanoTime());
      }
      s.setSoLinger(true, 0);
      InputStream in = s.getInputStream();
      int b = in.read();
      if (b != -1) {
        throw new IOException("the server sent a byte; it only closes");
      }
    }
  }

  private void acceptLoop() throws IOException {
    while (acceptOnce()) {
      accepted++;
    }
  }

  /** Accepts and closes one connection; false once the listener is closed at the end. */
  private boolean acceptOnce() throws IOException {
    Socket a;
    long start = spans == null ? 0 : System.nanoTime();
    try {
      a = server.accept();
    } catch (SocketException e) {
      if (stop) {
        return false; // the listener was closed at the end of the run
      }
      throw e;
    }
    if (spans != null) {
      spans.accepted(a, start, System.nanoTime());
    }
    a.close();
    return true;
  }

  private void guarded(IoAction action) {
    try {
      action.run();
    } catch (Throwable t) {
      failure = t;
      stop = true;
      try {
        server.close();
      } catch (IOException ignored) {
        // the failure above is what matters
      }
    }
  }

  private interface IoAction {
    void run() throws IOException;
  }

  /**
   * The process's counters, the two churn threads' CPU time and the exporting threads' at one
   * moment.
   */
  private record Snapshot(
      ProcessCounters process,
      long connections,
      long clientCpuNanos,
      long serverCpuNanos,
      long processorCpuNanos,
      long senderCpuNanos,
      long agentCpuNanos) {

    /**
     * A snapshot; the process's counters read last at the window's start and first at its end, so
     * that the CPU this thread spends reading the rest is not counted in the window.
     */
    static Snapshot take(Thread client, Thread server, long connections, boolean processLast)
        throws IOException {
      ProcessCounters process = processLast ? null : ProcessCounters.take();
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long[] groups = threadGroupsCpu(threads);
      return new Snapshot(
          processLast ? ProcessCounters.take() : process,
          connections,
          threads.getThreadCpuTime(client.getId()),
          threads.getThreadCpuTime(server.getId()),
          groups[0],
          groups[1],
          groups[2]);
    }

    /**
     * CPU of the threads that export spans, by what they do: the batch span processor's worker;
     * the HTTP sender's threads (the agent's, or the JDK HttpClient's of the SDK's sender); the
     * agent's other threads. A thread that ended within the window takes its CPU with it; the
     * threads counted here live as long as the process.
     */
    private static long[] threadGroupsCpu(ThreadMXBean threads) {
      long[] cpu = new long[3];
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        String name = t.getName();
        int group;
        if (name.startsWith("BatchSpanProcessor_WorkerThread")) {
          group = 0;
        } else if (name.startsWith("synscope-export-")
            || name.startsWith("jdkhttp-")
            || name.startsWith("HttpClient-")) {
          group = 1;
        } else if (name.startsWith("synscope-")) {
          group = 2;
        } else {
          continue;
        }
        long nanos = threads.getThreadCpuTime(t.getId());
        if (nanos > 0) {
          cpu[group] += nanos;
        }
      }
      return cpu;
    }

    String minus(Snapshot s, boolean cutShort, long total, int port, long heapAfterGcBytes) {
      return String.format(
          Locale.ROOT,
          "%s%s connections=%d clientCpuNanos=%d serverCpuNanos=%d processorCpuNanos=%d"
              + " senderCpuNanos=%d agentCpuNanos=%d cutShort=%b total=%d port=%d"
              + " heapAfterGcBytes=%d",
          ResultLine.PREFIX,
          process.minus(s.process).fields(),
          connections - s.connections,
          clientCpuNanos - s.clientCpuNanos,
          serverCpuNanos - s.serverCpuNanos,
          processorCpuNanos - s.processorCpuNanos,
          senderCpuNanos - s.senderCpuNanos,
          agentCpuNanos - s.agentCpuNanos,
          cutShort,
          total,
          port,
          heapAfterGcBytes);
    }
  }
}
