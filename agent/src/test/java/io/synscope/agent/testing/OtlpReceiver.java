package io.synscope.agent.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.synscope.probe.MalformedDataException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * An OTLP/HTTP receiver (protocol http/protobuf, over HTTP or HTTPS) on 127.0.0.1 and an ephemeral
 * port, for tests that point an exporter at it with {@code otel.exporter.otlp.endpoint=}{@link
 * #endpoint()}.
 *
 * <p>Accepts POST /v1/traces and /v1/metrics, decoded into {@link ReceivedSpan}s and {@link
 * ReceivedMetric}s, and /v1/logs, accepted and ignored. Answers 200 with an empty
 * ExportServiceResponse, 400 when a body can't be decoded (the error is kept and shown by the
 * await methods), or the status set with {@link #failWith(int)}.
 */
public final class OtlpReceiver implements AutoCloseable {
  public static final String TRACES_PATH = "/v1/traces";
  public static final String METRICS_PATH = "/v1/metrics";
  public static final String LOGS_PATH = "/v1/logs";
  private static final String PROTOBUF = "application/x-protobuf";

  private final HttpServer server;
  private final Object lock = new Object();
  private final List<ReceivedSpan> spans = new ArrayList<>();
  private final List<ReceivedMetric> metrics = new ArrayList<>();
  private final List<String> decodeErrors = new ArrayList<>();
  private final List<ReceivedRequest> requests = new ArrayList<>();
  private volatile int failureStatus;
  private volatile byte[] answer = new byte[0];
  private volatile OtlpGrpcListener grpc;

  private OtlpReceiver(HttpServer server) {
    this.server = server;
  }

  /** Starts a receiver; close it to stop listening, which also makes its endpoint unreachable. */
  public static OtlpReceiver start() {
    try {
      return start(HttpServer.create(loopbackAnyPort(), 0));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the OTLP receiver on loopback", e);
    }
  }

  /** Starts a receiver that speaks HTTPS with {@code tls}'s key and certificate. */
  public static OtlpReceiver startTls(SSLContext tls) {
    return startTls(tls, false);
  }

  /**
   * Starts a receiver that speaks HTTPS with {@code tls}'s key and certificate and, with {@code
   * clientCertificate}, refuses every client without a certificate that {@code tls} trusts.
   */
  public static OtlpReceiver startTls(SSLContext tls, boolean clientCertificate) {
    try {
      HttpsServer server = HttpsServer.create(loopbackAnyPort(), 0);
      server.setHttpsConfigurator(
          new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
              SSLParameters parameters = tls.getDefaultSSLParameters();
              parameters.setNeedClientAuth(clientCertificate);
              params.setSSLParameters(parameters);
            }
          });
      return start(server);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the OTLP receiver (HTTPS) on loopback", e);
    }
  }

  private static InetSocketAddress loopbackAnyPort() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  }

  private static OtlpReceiver start(HttpServer server) {
    OtlpReceiver receiver = new OtlpReceiver(server);
    server.createContext("/", receiver::handle);
    server.start();
    return receiver;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * The base URL for {@code otel.exporter.otlp.endpoint}, e.g. {@code http://127.0.0.1:40123}
   * ({@code https} for a receiver started with {@link #startTls}).
   */
  public String endpoint() {
    String scheme = server instanceof HttpsServer ? "https" : "http";
    return scheme + "://" + server.getAddress().getAddress().getHostAddress() + ":" + port();
  }

  /**
   * From now on, answers every request with {@code status} (e.g. 503) without storing its content;
   * {@code failWith(200)} returns to normal.
   */
  public void failWith(int status) {
    if (status < 200 || status > 599) {
      throw new IllegalArgumentException("not an HTTP status: " + status);
    }
    failureStatus = status == 200 ? 0 : status;
  }

  /**
   * From now on, answers with these bytes as the protobuf {@code Export*ServiceResponse} (by
   * default none: an empty response is zero bytes), as receivers that report partial success do.
   */
  public void answerWith(byte[] response) {
    answer = response.clone();
  }

  public List<ReceivedSpan> spans() {
    synchronized (lock) {
      return List.copyOf(spans);
    }
  }

  /** Every metric of every export so far, in arrival order (cumulative exports repeat a metric). */
  public List<ReceivedMetric> metrics() {
    synchronized (lock) {
      return List.copyOf(metrics);
    }
  }

  /** Every request answered so far, in arrival order. */
  public List<ReceivedRequest> requests() {
    synchronized (lock) {
      return List.copyOf(requests);
    }
  }

  /** Requests answered on {@code path}, whatever the answer was. */
  public int requestCount(String path) {
    synchronized (lock) {
      return countRequests(path);
    }
  }

  private int countRequests(String path) {
    return (int) requests.stream().filter(request -> request.path().equals(path)).count();
  }

  private Map<String, Long> requestSummary() {
    Map<String, Long> summary = new TreeMap<>();
    requests.forEach(r -> summary.merge(r.path() + " " + r.status(), 1L, Long::sum));
    return summary;
  }

  /** Messages of the request bodies that could not be decoded. */
  public List<String> decodeErrors() {
    synchronized (lock) {
      return List.copyOf(decodeErrors);
    }
  }

  /**
   * Waits until at least {@code count} received spans match, and returns all that match.
   *
   * @throws AssertionError after {@code timeout}, listing every span that did arrive
   */
  public List<ReceivedSpan> awaitSpans(
      Predicate<ReceivedSpan> condition, int count, Duration timeout) {
    return await(r -> r.spans, condition, count, timeout, "spans");
  }

  /** Waits until at least {@code count} received metrics match, and returns all that match. */
  public List<ReceivedMetric> awaitMetrics(
      Predicate<ReceivedMetric> condition, int count, Duration timeout) {
    return await(r -> r.metrics, condition, count, timeout, "metrics");
  }

  /**
   * Waits for a metric that matches and returns the latest such one, the current value of a
   * cumulative metric that is exported periodically.
   */
  public ReceivedMetric awaitMetric(Predicate<ReceivedMetric> condition, Duration timeout) {
    List<ReceivedMetric> matching = awaitMetrics(condition, 1, timeout);
    return matching.get(matching.size() - 1);
  }

  /** Waits until {@code path} has received at least {@code count} requests. */
  public void awaitRequests(String path, int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (countRequests(path) < count) {
        if (!waitUntil(deadline)) {
          throw new AssertionError(
              "expected "
                  + count
                  + " requests to "
                  + path
                  + " within "
                  + timeout
                  + ", got "
                  + requestSummary());
        }
      }
    }
  }

  private <T> List<T> await(
      Function<OtlpReceiver, List<T>> store,
      Predicate<T> condition,
      int count,
      Duration timeout,
      String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (true) {
        List<T> received = store.apply(this);
        List<T> matching = received.stream().filter(condition).toList();
        if (matching.size() >= count) {
          return matching;
        }
        if (!waitUntil(deadline)) {
          StringBuilder message =
              new StringBuilder()
                  .append("expected ")
                  .append(count)
                  .append(" matching ")
                  .append(what)
                  .append(" within ")
                  .append(timeout)
                  .append(", ")
                  .append(matching.size())
                  .append(" matched; requests ")
                  .append(requestSummary())
                  .append("; received ")
                  .append(received.size())
                  .append(' ')
                  .append(what)
                  .append(':');
          received.forEach(item -> message.append("\n  ").append(item));
          decodeErrors.forEach(error -> message.append("\n  decode error: ").append(error));
          throw new AssertionError(message.toString());
        }
      }
    }
  }

  /** Waits on the lock until notified or the deadline passes; false once it has passed. */
  private boolean waitUntil(long deadline) {
    long remaining = deadline - System.nanoTime();
    if (remaining <= 0) {
      return false;
    }
    try {
      lock.wait(Math.max(1, remaining / 1_000_000));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for OTLP data", e);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      String path = exchange.getRequestURI().getPath();
      byte[] body = exchange.getRequestBody().readAllBytes();
      int status = failureStatus;
      if (status == 0) {
        status = accept(exchange, path, body);
      }
      String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      ReceivedRequest request =
          new ReceivedRequest(
              exchange.getRequestMethod(),
              path,
              encoding == null ? "" : encoding,
              body.length,
              status,
              exchange.getRemoteAddress().getPort(),
              authorization == null ? "" : authorization);
      // Recorded before the answer, so an exporter that has its answer finds the request here.
      synchronized (lock) {
        requests.add(request);
        lock.notifyAll();
      }
      exchange.getResponseHeaders().set("Content-Type", PROTOBUF);
      byte[] response = answer;
      if (response.length == 0) {
        // An empty ExportServiceResponse is zero bytes of protobuf: no partial_success.
        exchange.sendResponseHeaders(status, -1);
      } else {
        exchange.sendResponseHeaders(status, response.length);
        exchange.getResponseBody().write(response);
      }
    } finally {
      exchange.close();
    }
  }

  private int accept(HttpExchange exchange, String path, byte[] body) {
    if (!"POST".equals(exchange.getRequestMethod())) {
      return 405;
    }
    if (!path.equals(TRACES_PATH) && !path.equals(METRICS_PATH) && !path.equals(LOGS_PATH)) {
      return 404;
    }
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    if (contentType == null || !contentType.startsWith(PROTOBUF)) {
      recordDecodeError(path + ": Content-Type " + contentType + " is not " + PROTOBUF);
      return 415;
    }
    try {
      record(path, decompress(exchange.getRequestHeaders().getFirst("Content-Encoding"), body));
      return 200;
    } catch (MalformedDataException | IOException e) {
      recordDecodeError(path + ": " + e);
      return 400;
    }
  }

  /** Decodes and keeps an export request's message, sent to {@code path} or its gRPC service. */
  private void record(String path, byte[] message) {
    if (path.equals(TRACES_PATH)) {
      List<ReceivedSpan> decoded = OtlpTraceDecoder.decode(message);
      synchronized (lock) {
        spans.addAll(decoded);
        lock.notifyAll();
      }
    } else if (path.equals(METRICS_PATH)) {
      List<ReceivedMetric> decoded = OtlpMetricDecoder.decode(message);
      synchronized (lock) {
        metrics.addAll(decoded);
        lock.notifyAll();
      }
    }
  }

  /**
   * Also takes OTLP over gRPC, on a loopback port of its own ({@link #grpcEndpoint()}): the trace
   * and metrics services' Export calls, kept with what arrives over HTTP.
   */
  public OtlpReceiver withGrpc() {
    return withGrpc(null);
  }

  /** As {@link #withGrpc()}, over TLS with the given certificate: an {@code https} endpoint. */
  public OtlpReceiver withGrpcTls(SelfSignedCertificate certificate) {
    return withGrpc(certificate);
  }

  private OtlpReceiver withGrpc(SelfSignedCertificate tls) {
    grpc =
        OtlpGrpcListener.start(
            tls,
            (path, message) -> {
              try {
                record(path, message);
              } catch (MalformedDataException e) {
                recordDecodeError("gRPC " + path + ": " + e);
                throw e;
              }
            });
    return this;
  }

  /** The gRPC endpoint, for {@code otel.exporter.otlp.endpoint} with the grpc protocol. */
  public String grpcEndpoint() {
    if (grpc == null) {
      throw new IllegalStateException("started without gRPC: call withGrpc()");
    }
    return (grpc.tls() ? "https" : "http") + "://127.0.0.1:" + grpc.port();
  }

  private void recordDecodeError(String error) {
    synchronized (lock) {
      decodeErrors.add(error);
      lock.notifyAll();
    }
  }

  private static byte[] decompress(String encoding, byte[] body) throws IOException {
    if (encoding == null || encoding.equals("identity")) {
      return body;
    }
    if (!encoding.equals("gzip")) {
      throw new IOException("unsupported Content-Encoding " + encoding);
    }
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return in.readAllBytes();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    if (grpc != null) {
      grpc.close();
    }
  }
}
