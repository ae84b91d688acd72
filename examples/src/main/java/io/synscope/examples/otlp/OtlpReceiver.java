package io.synscope.examples.otlp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.synscope.examples.spans.SpanRecord;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * The example's own OTLP/HTTP receiver (http/protobuf, {@code POST /v1/traces}) on 127.0.0.1 and
 * a free port: the agent in the example's application exports to it, and each span is handed on
 * as it arrives. Metrics and logs are accepted and ignored.
 */
public final class OtlpReceiver implements AutoCloseable {
  private final HttpServer server;
  private final Consumer<SpanRecord> onSpan;

  private OtlpReceiver(HttpServer server, Consumer<SpanRecord> onSpan) {
    this.server = server;
    this.onSpan = onSpan;
  }

  public static OtlpReceiver start(Consumer<SpanRecord> onSpan) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    OtlpReceiver receiver = new OtlpReceiver(server, onSpan);
    server.createContext("/", receiver::handle);
    server.start();
    return receiver;
  }

  /** The value for {@code otel.exporter.otlp.endpoint}. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = requestBody(exchange)) {
        body = in.readAllBytes();
      }
      if ("/v1/traces".equals(exchange.getRequestURI().getPath())) {
        try {
          TraceRequestDecoder.decode(body).forEach(onSpan);
        } catch (IllegalArgumentException e) {
          System.err.println("examples: an OTLP request could not be decoded: " + e.getMessage());
          exchange.sendResponseHeaders(400, -1);
          return;
        }
      }
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, -1); // an empty Export*ServiceResponse: all accepted
    }
  }

  private static InputStream requestBody(HttpExchange exchange) throws IOException {
    String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
    return "gzip".equalsIgnoreCase(encoding)
        ? new GZIPInputStream(exchange.getRequestBody())
        : exchange.getRequestBody();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
