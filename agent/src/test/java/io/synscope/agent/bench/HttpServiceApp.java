package io.synscope.agent.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The application of the HTTP service benchmark, run in a JVM of its own (with or without the
 * agent): an HTTP/1.1 service on the JDK's {@code com.sun.net.httpserver.HttpServer} bound to
 * 127.0.0.1, and, in the same JVM, client threads that each send a request, read the whole response
 * and send the next, for a warm-up and then a measured window. At the end it prints one line,
 * {@code RESULT key=value ...}, with what happened in the window.
 *
 * <p>Two modes. {@code close}: one request per new connection ({@code Connection: close}); the
 * server closes after its response, the client reads the end of stream and closes with SO_LINGER 0,
 * whose RST also ends the server's FIN_WAIT2 socket, so that no TIME_WAIT sockets pile up from run
 * to run. {@code keep-alive}: each client thread opens one connection at the start and sends every
 * request over it.
 *
 * <p>The service answers {@code GET /hello} with a small JSON body from a pool of handler threads,
 * as a service usually configures the server; the server's TCP_NODELAY is on ({@code
 * sun.net.httpserver.nodelay}), as for any service with small responses: the JDK's server writes
 * the headers and the body in two sends, and with Nagle's algorithm a keep-alive response waits for
 * the client's delayed ACK.
 *
 * <p>Arguments: mode, client threads, warm-up milliseconds, measured milliseconds, the most
 * requests to make (the run stops early when they are done, and says so).
 */
public final class HttpServiceApp {
  static final String CLOSE = "close";
  static final String KEEP_ALIVE = "keep-alive";

  private static final int BACKLOG = 128;
  private static final int HANDLER_THREADS = 4;
  private static final byte[] BODY =
      "{\"greeting\":\"hello\",\"service\":\"synscope-bench\",\"items\":[1,2,3,4,5,6,7,8]}"
          .getBytes(StandardCharsets.US_ASCII);

  private final boolean newConnectionPerRequest;
  private final int clients;
  private final long warmupMillis;
  private final long measureMillis;
  private final long maxRequests;
  private final HttpServer server;
  private final ExecutorService handlers;
  private final List<Thread> handlerThreads = new ArrayList<>();
  private final LongAdder requests = new LongAdder();
  private final LongAdder connections = new LongAdder();
  private final LongAdder handled = new LongAdder();
  private final byte[] request;
  private volatile boolean stop;
  private volatile Throwable failure;

  private HttpServiceApp(
      String mode, int clients, long warmupMillis, long measureMillis, long maxRequests)
      throws IOException {
    if (!mode.equals(CLOSE) && !mode.equals(KEEP_ALIVE)) {
      throw new IllegalArgumentException(
          "mode must be " + CLOSE + " or " + KEEP_ALIVE + ", was " + mode);
    }
    this.newConnectionPerRequest = mode.equals(CLOSE);
    this.clients = clients;
    this.warmupMillis = warmupMillis;
    this.measureMillis = measureMillis;
    this.maxRequests = maxRequests;
    this.server =
        HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), BACKLOG);
    AtomicInteger n = new AtomicInteger();
    this.handlers =
        Executors.newFixedThreadPool(
            HANDLER_THREADS,
            r -> {
              Thread t = new Thread(r, "http-handler-" + n.incrementAndGet());
              synchronized (handlerThreads) {
                handlerThreads.add(t);
              }
              return t;
            });
    server.setExecutor(handlers);
    server.createContext("/hello", this::hello);
    this.request =
        ("GET /hello HTTP/1.1\r\n"
                + "Host: 127.0.0.1:"
                + server.getAddress().getPort()
                + "\r\n"
                + "User-Agent: synscope-bench\r\n"
                + "Accept: application/json\r\n"
                + (newConnectionPerRequest ? "Connection: close\r\n" : "")
                + "\r\n")
            .getBytes(StandardCharsets.US_ASCII);
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println(
          "usage: HttpServiceApp <close|keep-alive> <client threads> <warm-up ms> <measured ms>"
              + " <max requests>");
      System.exit(2);
    }
    // Read once, when the server's configuration class loads: before the server is made.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServiceApp app =
        new HttpServiceApp(
            args[0],
            Integer.parseInt(args[1]),
            Long.parseLong(args[2]),
            Long.parseLong(args[3]),
            Long.parseLong(args[4]));
    System.exit(app.run() ? 0 : 1);
  }

  private void hello(HttpExchange exchange) throws IOException {
    try (exchange) {
      try (InputStream in = exchange.getRequestBody()) {
        in.readAllBytes();
      }
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, BODY.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(BODY);
      }
      handled.increment();
    }
  }

  private boolean run() throws Exception {
    server.start();
    InetSocketAddress target = server.getAddress();
    List<Thread> clientThreads = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      clientThreads.add(
          new Thread(() -> guarded(() -> clientLoop(target)), "http-client-" + (i + 1)));
    }
    clientThreads.forEach(Thread::start);

    snapshot(clientThreads, true); // the management beans' first use, outside the window
    Thread.sleep(warmupMillis);
    Snapshot start = snapshot(clientThreads, true);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(measureMillis);
    boolean cutShort = false;
    while (System.nanoTime() < deadline && !stop) {
      Thread.sleep(Math.max(1, Math.min(50, (deadline - System.nanoTime()) / 1_000_000)));
    }
    Snapshot end = snapshot(clientThreads, false);
    cutShort = stop && failure == null;
    stop = true;
    for (Thread t : clientThreads) {
      t.join();
    }
    server.stop(0);
    handlers.shutdown();
    handlers.awaitTermination(10, TimeUnit.SECONDS);

    if (failure != null) {
      System.err.println("http service failed: " + failure);
      failure.printStackTrace();
      return false;
    }
    if (handled.sum() != requests.sum()) {
      System.err.printf(
          Locale.ROOT,
          "http service failed: %d responses read, %d requests handled%n",
          requests.sum(),
          handled.sum());
      return false;
    }
    System.out.println(
        String.format(
            Locale.ROOT,
            "%s%s requests=%d connections=%d clientCpuNanos=%d serverCpuNanos=%d cutShort=%b"
                + " totalRequests=%d totalConnections=%d port=%d",
            ResultLine.PREFIX,
            end.process.minus(start.process).fields(),
            end.requests - start.requests,
            end.connections - start.connections,
            end.clientCpuNanos - start.clientCpuNanos,
            end.serverCpuNanos - start.serverCpuNanos,
            cutShort,
            requests.sum(),
            connections.sum(),
            target.getPort()));
    return true;
  }

  private void clientLoop(InetSocketAddress target) throws IOException {
    if (newConnectionPerRequest) {
      // A request in a method of its own, compiled as such early on: in the loop's body it would
      // run in the loop's on-stack-replacement code, which reaches C2 only seconds later.
      while (!stop) {
        requestOnNewConnection(target);
      }
    } else {
      try (Socket s = connect(target)) {
        ResponseReader in = new ResponseReader(s.getInputStream());
        OutputStream out = s.getOutputStream();
        while (!stop) {
          exchange(out, in);
        }
        s.setSoLinger(true, 0);
      }
    }
  }

  private void requestOnNewConnection(InetSocketAddress target) throws IOException {
    try (Socket s = connect(target)) {
      ResponseReader in = new ResponseReader(s.getInputStream());
      exchange(s.getOutputStream(), in);
      if (in.read() != -1) {
        throw new IOException("the server sent more than its response and did not close");
      }
      s.setSoLinger(true, 0);
    }
  }

  private Socket connect(InetSocketAddress target) throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.connect(target);
    connections.increment();
    return s;
  }

  private void exchange(OutputStream out, ResponseReader in) throws IOException {
    out.write(request);
    out.flush();
    int length = in.readResponse();
    if (length != BODY.length) {
      throw new IOException("a response body of " + length + " bytes, expected " + BODY.length);
    }
    requests.increment();
    if (requests.sum() >= maxRequests) {
      stop = true;
    }
  }

  /**
   * A snapshot; the process's counters read last at the window's start and first at its end, so
   * that the CPU this thread spends reading the rest is not counted in the window.
   */
  private Snapshot snapshot(List<Thread> clientThreads, boolean processLast) throws IOException {
    ProcessCounters process = processLast ? null : ProcessCounters.take();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long client = 0;
    for (Thread t : clientThreads) {
      client += Math.max(0, threads.getThreadCpuTime(t.getId()));
    }
    long serverCpu = 0;
    List<Thread> serverThreads;
    synchronized (handlerThreads) {
      serverThreads = new ArrayList<>(handlerThreads);
    }
    // The server's dispatcher thread (accept, select, reading requests) is made by the JDK.
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("HTTP-Dispatcher")) {
        serverThreads.add(t);
      }
    }
    for (Thread t : serverThreads) {
      serverCpu += Math.max(0, threads.getThreadCpuTime(t.getId()));
    }
    return new Snapshot(
        processLast ? ProcessCounters.take() : process,
        requests.sum(),
        connections.sum(),
        client,
        serverCpu);
  }

  private void guarded(IoAction action) {
    try {
      action.run();
    } catch (Throwable t) {
      failure = t;
      stop = true;
    }
  }

  private interface IoAction {
    void run() throws IOException;
  }

  private record Snapshot(
      ProcessCounters process,
      long requests,
      long connections,
      long clientCpuNanos,
      long serverCpuNanos) {}

  /**
   * Reads HTTP/1.1 responses from one connection: the status line (200 expected), the headers up to
   * the empty line, and a body of exactly {@code Content-Length} bytes.
   */
  private static final class ResponseReader {
    private final BufferedInputStream in;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(128);

    ResponseReader(InputStream in) {
      this.in = new BufferedInputStream(in, 4096);
    }

    int read() throws IOException {
      return in.read();
    }

    /** Reads one response; returns the length of its body. */
    int readResponse() throws IOException {
      String status = readLine();
      if (!status.startsWith("HTTP/1.1 200 ")) {
        throw new IOException("unexpected status line: " + status);
      }
      int length = -1;
      for (String header = readLine(); !header.isEmpty(); header = readLine()) {
        int colon = header.indexOf(':');
        if (colon > 0 && header.substring(0, colon).equalsIgnoreCase("Content-Length")) {
          length = Integer.parseInt(header.substring(colon + 1).trim());
        }
      }
      if (length < 0) {
        throw new IOException("a response without Content-Length");
      }
      if (in.readNBytes(length).length != length) {
        throw new IOException("the connection ended inside a response body");
      }
      return length;
    }

    private String readLine() throws IOException {
      line.reset();
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b == -1) {
          throw new IOException("the connection ended inside a response's headers");
        }
        if (b != '\r') {
          line.write(b);
        }
      }
      return line.toString(StandardCharsets.US_ASCII);
    }
  }
}
