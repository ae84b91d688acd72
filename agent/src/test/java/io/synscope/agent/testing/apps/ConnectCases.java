package io.synscope.agent.testing.apps;

import java.io.Closeable;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The connect and accept cases every socket API goes through, with one {@link Observation} line
 * printed per call: a connection over IPv4 and over IPv6 loopback (case {@code ipv4}, {@code
 * ipv6}; connect and accept), one to a listener on every address, reached through 127.0.0.2
 * ({@code wildcard}: the accepted socket's local address is the one the client chose), a connect
 * to a port just closed ({@code refused}), and a connect to a host name that cannot resolve
 * ({@code unresolved}; never looked up, so no DNS traffic).
 */
public final class ConnectCases {
  /** The host name of the {@code unresolved} case; .invalid never resolves (RFC 6761). */
  public static final String UNRESOLVABLE_HOST = "no-such-host.invalid";

  /** The port of the {@code unresolved} case, never connected to. */
  public static final int UNRESOLVABLE_PORT = 4711;

  /** Connects to an address with the API under test. */
  public interface Connector {
    Connection connect(InetSocketAddress remote) throws Exception;
  }

  /** Listens on an address with the API under test. */
  public interface Listening {
    Listener listen(InetAddress address) throws Exception;
  }

  /** A listening socket of the API under test. */
  public interface Listener extends Closeable {
    int port() throws Exception;

    Connection accept() throws Exception;
  }

  /** One end of a connection: the addresses its socket reports, and the socket to close. */
  public record Connection(SocketAddress local, SocketAddress peer, Closeable socket) {}

  private ConnectCases() {}

  /**
   * Runs every case, accepting on platform threads, then waits for the end of stdin before it
   * returns: an asynchronous connect's span ends on the channel group's thread, which may still
   * be at it when the app has its result, so the test lets the app exit once it has the spans.
   */
  public static void runAll(Connector connector, Listening listening) throws Exception {
    ThreadFactory threads = Executors.defaultThreadFactory();
    succeed("ipv4", InetAddress.getByName("127.0.0.1"), connector, listening, threads);
    succeed("ipv6", InetAddress.getByName("::1"), connector, listening, threads);
    succeed(
        "wildcard",
        InetAddress.getByName("0.0.0.0"),
        InetAddress.getByName("127.0.0.2"),
        connector,
        listening,
        threads);
    refused(connector);
    unresolved(connector);
    System.out.println("CASES DONE");
    System.in.transferTo(OutputStream.nullOutputStream());
  }

  /** Connects on the calling thread while a thread from {@code threads} accepts. */
  public static void succeed(
      String name,
      InetAddress address,
      Connector connector,
      Listening listening,
      ThreadFactory threads)
      throws Exception {
    succeed(name, address, address, connector, listening, threads);
  }

  /** As above, the listener bound to {@code bound} and reached at {@code address}. */
  public static void succeed(
      String name,
      InetAddress bound,
      InetAddress address,
      Connector connector,
      Listening listening,
      ThreadFactory threads)
      throws Exception {
    ExecutorService acceptor = Executors.newSingleThreadExecutor(threads);
    try (Listener listener = listening.listen(bound)) {
      Future<Connection> accepted =
          acceptor.submit(
              () -> {
                Observation o = Observation.begin("accept", name);
                Connection c = listener.accept();
                o.end().endpoints(c.local(), c.peer()).print();
                return c;
              });
      InetSocketAddress remote = new InetSocketAddress(address, listener.port());
      Observation o = Observation.begin("connect", name);
      Connection client = connector.connect(remote);
      o.end().remote(remote).endpoints(client.local(), client.peer()).print();
      Connection server = accepted.get(30, TimeUnit.SECONDS);
      client.socket().close();
      server.socket().close();
    } finally {
      acceptor.shutdownNow();
    }
  }

  /** Connects to a loopback port that was listening a moment ago. */
  public static void refused(Connector connector) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    failing("refused", new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), connector);
  }

  public static void unresolved(Connector connector) {
    failing(
        "unresolved",
        InetSocketAddress.createUnresolved(UNRESOLVABLE_HOST, UNRESOLVABLE_PORT),
        connector);
  }

  private static void failing(String name, InetSocketAddress remote, Connector connector) {
    Observation o = Observation.begin("connect", name);
    try {
      Connection c = connector.connect(remote);
      o.end().remote(remote).put("unexpected", "connected from " + c.local()).print();
    } catch (Exception e) {
      o.end().remote(remote).failure(e).print();
    }
  }
}
