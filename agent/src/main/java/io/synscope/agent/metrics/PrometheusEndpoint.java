package io.synscope.agent.metrics;

import io.synscope.agent.AgentLog;
import io.synscope.agent.bootstrap.AgentThread;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * A minimal HTTP/1.1 server for Prometheus: {@code GET /metrics} answers with the text exposition
 * format, anything else with an error status; one request per connection.
 *
 * <p>Why not the JDK's HttpServer: it accepts on a thread of its own, so the agent would trace
 * every scrape as a {@code tcp.accept}. Here accepting and answering happen on one {@link
 * AgentThread}, whose connections are never traced. Requests are served one at a time, which is
 * plenty for scrapes; the request head is limited in size ({@value #MAX_HEAD_BYTES} bytes) and in
 * time, so a client that sends nothing or too much cannot hold the endpoint.
 */
final class PrometheusEndpoint implements AutoCloseable {
  static final String PATH = "/metrics";
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  static final int MAX_HEAD_BYTES = 8192;
  private static final int BACKLOG = 16;

  private final ServerSocketChannel server;
  private final Supplier<String> scrape;
  private final int requestTimeoutMillis;
  private final Thread thread;

  private PrometheusEndpoint(
      ServerSocketChannel server, Supplier<String> scrape, int timeoutMillis) {
    this.server = server;
    this.scrape = scrape;
    this.requestTimeoutMillis = timeoutMillis;
    this.thread = new AgentThread(this::serve, "synscope-prometheus");
  }

  /**
   * Binds {@code address} and starts serving.
   *
   * @param scrape the exposition text, made anew for each request
   * @param requestTimeoutMillis how long a client may take to send its request head
   * @throws IOException when the address cannot be bound
   */
  static PrometheusEndpoint start(
      InetSocketAddress address, Supplier<String> scrape, int requestTimeoutMillis)
      throws IOException {
    // A socket of the address's own family: an IPv4 address is then bound as itself, not as an
    // IPv4-mapped IPv6 address of a dual-stack socket.
    ServerSocketChannel server =
        ServerSocketChannel.open(
            address.getAddress() instanceof Inet4Address
                ? StandardProtocolFamily.INET
                : StandardProtocolFamily.INET6);
    try {
      server.bind(address, BACKLOG);
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    PrometheusEndpoint endpoint = new PrometheusEndpoint(server, scrape, requestTimeoutMillis);
    endpoint.thread.start();
    return endpoint;
  }

  /** The address bound, with the port chosen when 0 was asked for. */
  InetSocketAddress address() {
    try {
      return (InetSocketAddress) server.getLocalAddress();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void serve() {
    while (server.isOpen()) {
      try (SocketChannel channel = server.accept()) {
        // The channel's socket adaptor: streams, and read timeouts on a blocking channel.
        handle(channel.socket());
      } catch (IOException e) {
        if (server.isOpen()) {
          AgentLog.debug("Prometheus endpoint: " + e);
        }
      } catch (RuntimeException e) {
        AgentLog.warnOnce("prometheus-serve", "Prometheus endpoint: a request failed: " + e);
      }
    }
  }

  private void handle(Socket client) throws IOException {
    long deadline = System.nanoTime() + requestTimeoutMillis * 1_000_000L;
    String head;
    try {
      head = readHead(client, deadline);
    } catch (SocketTimeoutException e) {
      respond(client, 408, "Request Timeout", "request head not received in time\n", true);
      return;
    }
    if (head == null) {
      respond(client, 431, "Request Header Fields Too Large", "request head too large\n", true);
      return;
    }
    String[] requestLine = head.substring(0, head.indexOf('\n')).trim().split(" ");
    if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
      respond(client, 400, "Bad Request", "not an HTTP/1.x request line\n", true);
      return;
    }
    String method = requestLine[0];
    String target = requestLine[1];
    int query = target.indexOf('?');
    String path = query < 0 ? target : target.substring(0, query);
    if (!path.equals(PATH)) {
      respond(client, 404, "Not Found", "metrics are at " + PATH + "\n", true);
    } else if (!method.equals("GET") && !method.equals("HEAD")) {
      respond(client, 405, "Method Not Allowed", "only GET and HEAD\n", true);
    } else {
      respond(client, 200, "OK", scrape.get(), method.equals("GET"));
    }
  }

  /**
   * The request head up to its blank line, or null when it exceeds {@link #MAX_HEAD_BYTES}.
   *
   * @throws SocketTimeoutException when the deadline passes first
   */
  private static String readHead(Socket client, long deadline) throws IOException {
    InputStream in = client.getInputStream();
    byte[] buffer = new byte[MAX_HEAD_BYTES];
    int length = 0;
    while (length < buffer.length) {
      long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
      if (remainingMillis <= 0) {
        throw new SocketTimeoutException("request head not complete in time");
      }
      client.setSoTimeout((int) Math.min(Integer.MAX_VALUE, remainingMillis));
      int n = in.read(buffer, length, buffer.length - length);
      if (n < 0) {
        throw new SocketException("connection closed before the request head was complete");
      }
      int scanFrom = Math.max(0, length - 3);
      length += n;
      for (int i = scanFrom; i < length; i++) {
        if (buffer[i] == '\n'
            && ((i >= 1 && buffer[i - 1] == '\n')
                || (i >= 3 && buffer[i - 1] == '\r' && buffer[i - 2] == '\n'))) {
          return new String(buffer, 0, i + 1, StandardCharsets.ISO_8859_1);
        }
      }
    }
    return null;
  }

  private static void respond(
      Socket client, int status, String reason, String body, boolean withBody)
      throws IOException {
    byte[] content = body.getBytes(StandardCharsets.UTF_8);
    String head =
        "HTTP/1.1 "
            + status
            + " "
            + reason
            + "\r\nContent-Type: "
            + (status == 200 ? CONTENT_TYPE : "text/plain; charset=utf-8")
            + "\r\nContent-Length: "
            + content.length
            + (status == 405 ? "\r\nAllow: GET, HEAD" : "")
            + "\r\nConnection: close\r\n\r\n";
    OutputStream out = client.getOutputStream();
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    if (withBody) {
      out.write(content);
    }
    out.flush();
    // A clean end of the response: the client reads it all before it sees the connection end.
    client.shutdownOutput();
  }

  /** Stops accepting and ends the serving thread. */
  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      AgentLog.debug("closing the Prometheus endpoint: " + e);
    }
  }
}
