package io.synscope.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The scrape endpoint over real loopback sockets, request by request. */
class PrometheusEndpointTest {
  private static final int TIMEOUT_MILLIS = 300;
  private static final String EXPOSITION = "# TYPE up gauge\nup 1.0\nnamé 2.0\n";

  private final AtomicInteger scrapes = new AtomicInteger();
  private PrometheusEndpoint endpoint;

  @BeforeEach
  void start() throws IOException {
    endpoint =
        PrometheusEndpoint.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            () -> {
              scrapes.incrementAndGet();
              return EXPOSITION;
            },
            TIMEOUT_MILLIS);
  }

  @AfterEach
  void stop() {
    endpoint.close();
  }

  @Test
  void getMetricsAnswersWithTheExposition() throws IOException {
    String response =
        exchange("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/plain\r\n\r\n");

    int bodyBytes = EXPOSITION.getBytes(StandardCharsets.UTF_8).length;
    assertThat(response)
        .isEqualTo(
            "HTTP/1.1 200 OK\r\n"
                + "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
                + "Content-Length: "
                + bodyBytes
                + "\r\nConnection: close\r\n\r\n"
                + EXPOSITION);
    assertThat(scrapes).hasValue(1);
  }

  @Test
  void aQueryStringAndBareLineFeedsAreAccepted() throws IOException {
    assertThat(exchange("GET /metrics?name[]=up HTTP/1.0\n\n")).startsWith("HTTP/1.1 200 OK\r\n");
  }

  @Test
  void headAnswersWithoutABody() throws IOException {
    String response = exchange("HEAD /metrics HTTP/1.1\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 200 OK\r\n").endsWith("Connection: close\r\n\r\n");
  }

  @Test
  void otherPathsMethodsAndLinesAreRefused() throws IOException {
    assertThat(exchange("GET / HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 404 Not Found\r\n");
    assertThat(exchange("POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n"))
        .startsWith("HTTP/1.1 405 Method Not Allowed\r\n")
        .contains("\r\nAllow: GET, HEAD\r\n");
    assertThat(exchange("GET /metrics\r\n\r\n")).startsWith("HTTP/1.1 400 Bad Request\r\n");
    assertThat(scrapes).hasValue(0);
  }

  @Test
  void anOversizedHeadIsRefused() throws IOException {
    String huge = "GET /metrics HTTP/1.1\r\nX-Filler: " + "x".repeat(9000) + "\r\n\r\n";

    assertThat(exchange(huge)).startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n");
    assertThat(scrapes).hasValue(0);
  }

  @Test
  void aSilentClientTimesOutAndTheNextOneIsServed() throws IOException {
    try (Socket silent = connect()) {
      long start = System.nanoTime();
      String response = new String(silent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      long waitedMillis = (System.nanoTime() - start) / 1_000_000;

      assertThat(response).startsWith("HTTP/1.1 408 Request Timeout\r\n");
      assertThat(waitedMillis).isBetween((long) TIMEOUT_MILLIS - 50, 5_000L);
    }
    assertThat(exchange("GET /metrics HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 200 OK\r\n");
  }

  @Test
  void aTakenPortFailsToStart() {
    assertThatThrownBy(
            () ->
                PrometheusEndpoint.start(endpoint.address(), () -> EXPOSITION, TIMEOUT_MILLIS))
        .isInstanceOf(BindException.class);
  }

  @Test
  void servesOnAnAgentThread() throws IOException {
    assertThat(exchange("GET /metrics HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 200 OK\r\n");
    Thread server =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals("synscope-prometheus"))
            .findFirst()
            .orElseThrow();
    assertThat(server).isInstanceOf(io.synscope.agent.bootstrap.AgentThread.class);
    assertThat(server.isDaemon()).isTrue();
  }

  private Socket connect() throws IOException {
    Socket s = new Socket();
    s.connect(endpoint.address(), 1_000);
    s.setSoTimeout(5_000);
    return s;
  }

  private String exchange(String request) throws IOException {
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.flush();
      return readResponse(s);
    }
  }

  /**
   * Everything the server sent. A server that refuses a request it has not read to the end resets
   * the connection after its answer; the answer is what counts.
   */
  private static String readResponse(Socket s) throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    try {
      for (int n; (n = s.getInputStream().read(buffer)) >= 0; ) {
        received.write(buffer, 0, n);
      }
    } catch (SocketException e) {
      if (received.size() == 0) {
        throw e;
      }
    }
    return received.toString(StandardCharsets.UTF_8);
  }
}
