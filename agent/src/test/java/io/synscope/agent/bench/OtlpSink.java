package io.synscope.agent.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
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
 * ExportTraceServiceResponse}) and counts what it got: requests, bytes, and the spans by name. The
 * exporter sends uncompressed protobuf, in which a span's name is field 5 of {@code Span}
 * (opentelemetry/proto/trace/v1/trace.proto): the tag byte 0x2A, the length, the name's bytes.
 * Counting those sequences counts the spans without decoding; attribute keys that start with the
 * same text (field 1 of {@code KeyValue}, tag 0x0A) don't match.
 */
final class OtlpSink implements AutoCloseable {
  private static final byte[] CONNECT = spanName("tcp.connect");
  private static final byte[] ACCEPT = spanName("tcp.accept");

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
      connectSpans.addAndGet(occurrences(body, CONNECT));
      acceptSpans.addAndGet(occurrences(body, ACCEPT));
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, -1);
    }
  }

  /** A span's name as the protobuf encoding of {@code Span.name} (field 5, length-delimited). */
  private static byte[] spanName(String name) {
    byte[] text = name.getBytes(StandardCharsets.US_ASCII);
    byte[] encoded = new byte[text.length + 2];
    encoded[0] = (5 << 3) | 2;
    encoded[1] = (byte) text.length; // names shorter than 128 bytes: a one-byte varint
    System.arraycopy(text, 0, encoded, 2, text.length);
    return encoded;
  }

  private static long occurrences(byte[] body, byte[] name) {
    long n = 0;
    outer:
    for (int i = 0; i + name.length <= body.length; i++) {
      for (int j = 0; j < name.length; j++) {
        if (body[i + j] != name[j]) {
          continue outer;
        }
      }
      n++;
      i += name.length - 1;
    }
    return n;
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
