package io.synscope.agent.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.synscope.agent.testing.ProtobufReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OTLP/HTTP receiver that accepts everything (200 with an empty {@code
 * ExportTraceServiceResponse}) and counts what it got: requests, bytes, and the spans by name. It
 * shares the benchmark's two cores with the application, so it reads as little as it can: it walks
 * the request's structure (opentelemetry/proto/trace/v1/trace.proto: {@code ResourceSpans}, field
 * 1; their {@code ScopeSpans}, field 2; their {@code Span}s, field 2; a span's name, field 5),
 * skipping every other field by its length, and compares only the names' bytes.
 */
final class OtlpSink implements AutoCloseable {
  private static final byte[][] NAMES = {
    "tcp.connect".getBytes(StandardCharsets.US_ASCII),
    "tcp.accept".getBytes(StandardCharsets.US_ASCII)
  };

  private final HttpServer server;
  private final ExecutorService executor = Executors.newSingleThreadExecutor();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong connectSpans = new AtomicLong();
  private final AtomicLong acceptSpans = new AtomicLong();

  private OtlpSink(HttpServer server) {
    this.server = server;
  }

  static OtlpSink start() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    OtlpSink sink = new OtlpSink(server);
    server.createContext("/", sink::handle);
    server.setExecutor(sink.executor);
    server.start();
    return sink;
  }

  /**
   * The base endpoint, for {@code otel.exporter.otlp.endpoint}: the exporters add {@code
   * /v1/traces} and {@code /v1/metrics}, and the receiver answers both.
   */
  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The traces endpoint, for {@code otel.exporter.otlp.traces.endpoint}. */
  String tracesEndpoint() {
    return endpoint() + "/v1/traces";
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      requests.incrementAndGet();
      bytes.addAndGet(body.length);
      if (exchange.getRequestURI().getPath().endsWith("/v1/traces")) {
        countSpans(body);
      }
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, -1);
    }
  }

  private void countSpans(byte[] request) {
    long[] byName = new long[NAMES.length];
    ProtobufReader message = new ProtobufReader(request);
    while (message.next()) {
      if (message.fieldNumber() != 1) {
        message.skip();
        continue;
      }
      ProtobufReader resourceSpans = message.readMessage();
      while (resourceSpans.next()) {
        if (resourceSpans.fieldNumber() != 2) {
          resourceSpans.skip();
          continue;
        }
        ProtobufReader scopeSpans = resourceSpans.readMessage();
        while (scopeSpans.next()) {
          if (scopeSpans.fieldNumber() != 2) {
            scopeSpans.skip();
            continue;
          }
          ProtobufReader span = scopeSpans.readMessage();
          while (span.next()) {
            if (span.fieldNumber() == 5) {
              int name = span.readBytesMatching(NAMES);
              if (name >= 0) {
                byName[name]++;
              }
              break; // the rest of the span is not read
            }
            span.skip();
          }
        }
      }
    }
    connectSpans.addAndGet(byName[0]);
    acceptSpans.addAndGet(byName[1]);
  }

  /** tcp.connect and tcp.accept spans received so far. */
  long spans() {
    return connectSpans.get() + acceptSpans.get();
  }

  /** Counts so far: requests, bytes, tcp.connect spans, tcp.accept spans. */
  long[] counts() {
    return new long[] {requests.get(), bytes.get(), connectSpans.get(), acceptSpans.get()};
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
