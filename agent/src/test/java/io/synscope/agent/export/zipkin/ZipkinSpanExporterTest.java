package io.synscope.agent.export.zipkin;

import io.synscope.agent.testing.CapturedSpans;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.synscope.agent.export.ExportFailuresProbe;
import io.synscope.agent.testing.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The exporter against a real HTTP server on loopback: what it posts, and how it fails. */
class ZipkinSpanExporterTest {
  private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
  private volatile int status = 202;
  private volatile String answer = "";
  private HttpServer server;

  private record Request(String method, String path, String contentType, String body) {}

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          requests.add(
              new Request(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI().getPath(),
                  exchange.getRequestHeaders().getFirst("Content-Type"),
                  body));
          byte[] out = answer.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
          exchange.getResponseBody().write(out);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private URI endpoint() {
    return URI.create(
        "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v2/spans");
  }

  private static ZipkinSpanExporter exporter(URI endpoint) {
    return (ZipkinSpanExporter)
        new ZipkinSpanExporterProvider()
            .createExporter(
                DefaultConfigProperties.createFromMap(
                        Map.of(
                            ZipkinSpanExporterProvider.ENDPOINT, endpoint.toString(),
                            ZipkinSpanExporterProvider.TIMEOUT, "2s")));
  }

  @Test
  @SuppressWarnings("unchecked")
  void postsTheBatchAsJsonAndSucceedsOnAccepted() throws Exception {
    try (CapturedSpans sdk = new CapturedSpans("svc")) {
      sdk.tracer().spanBuilder("tcp.connect").startSpan().end();
      sdk.tracer().spanBuilder("tcp.accept").startSpan().end();
      ZipkinSpanExporter exporter = exporter(endpoint());

      CompletableResultCode result = exporter.export(sdk.spans()).join(10, TimeUnit.SECONDS);

      assertThat(result.isSuccess()).isTrue();
      Request request = requests.poll(10, TimeUnit.SECONDS);
      assertThat(request.method()).isEqualTo("POST");
      assertThat(request.path()).isEqualTo("/api/v2/spans");
      assertThat(request.contentType()).isEqualTo("application/json");
      List<Object> spans = (List<Object>) Json.parse(request.body());
      assertThat(spans)
          .extracting(s -> ((Map<String, Object>) s).get("name"))
          .containsExactly("tcp.connect", "tcp.accept");
      assertThat(exporter.shutdown().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(exporter.export(sdk.spans()).isSuccess()).isFalse();
    }
  }

  @Test
  void aRefusedBatchIsCountedWithTheServersReason() throws Exception {
    status = 400;
    answer = "Expected a JSON_V2 encoded list\nsecond line";
    try (CapturedSpans sdk = new CapturedSpans("svc")) {
      sdk.tracer().spanBuilder("one").startSpan().end();
      sdk.tracer().spanBuilder("two").startSpan().end();
      sdk.tracer().spanBuilder("three").startSpan().end();
      List<SpanData> batch = sdk.spans();
      ZipkinSpanExporter exporter = exporter(endpoint());
      long before = ExportFailuresProbe.total();

      CompletableResultCode result = exporter.export(batch).join(10, TimeUnit.SECONDS);

      assertThat(result.isDone()).isTrue();
      assertThat(result.isSuccess()).isFalse();
      assertThat(ExportFailuresProbe.total() - before).isEqualTo(3);
      assertThat(ExportFailuresProbe.lastReason())
          .isEqualTo("HTTP 400 from " + endpoint() + ": Expected a JSON_V2 encoded list");
      exporter.shutdown();
    }
  }

  @Test
  void anUnreachableEndpointIsCountedWithTheCause() throws Exception {
    URI closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = URI.create("http://127.0.0.1:" + s.getLocalPort() + "/api/v2/spans");
    }
    try (CapturedSpans sdk = new CapturedSpans("svc")) {
      sdk.tracer().spanBuilder("one").startSpan().end();
      ZipkinSpanExporter exporter = exporter(closed);
      long before = ExportFailuresProbe.total();

      CompletableResultCode result =
          exporter.export(sdk.spans()).join(10, TimeUnit.SECONDS);

      assertThat(result.isSuccess()).isFalse();
      assertThat(ExportFailuresProbe.total() - before).isEqualTo(1);
      assertThat(ExportFailuresProbe.lastReason())
          .isEqualTo("POST " + closed + " failed: java.net.ConnectException: Connection refused");
      exporter.shutdown();
    }
  }

  @Test
  void anEndpointThatIsNotAnHttpUrlIsRejectedByName() {
    assertThatThrownBy(() -> exporter(URI.create("ftp://x/y")))
        .hasMessage(
            "otel.exporter.zipkin.endpoint must be an http or https URL, not 'ftp://x/y'");
  }
}
