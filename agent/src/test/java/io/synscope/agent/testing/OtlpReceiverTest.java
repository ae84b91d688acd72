package io.synscope.agent.testing;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The receiver's HTTP behaviour: compression, failure modes, what it refuses and reports. */
class OtlpReceiverTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Test
  void decodesGzipCompressedExports() {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      OtlpHttpSpanExporter exporter = exporter(receiver).setCompression("gzip").build();

      assertThat(export(exporter, span("tcp.connect")).isSuccess()).isTrue();

      assertThat(receiver.awaitSpans(span -> true, 1, TIMEOUT))
          .extracting(ReceivedSpan::name)
          .containsExactly("tcp.connect");
      assertThat(receiver.requests())
          .extracting(
              ReceivedRequest::path, ReceivedRequest::contentEncoding, ReceivedRequest::status)
          .containsExactly(tuple("/v1/traces", "gzip", 200));
      exporter.close();
    }
  }

  @Test
  void failWithMakesExportsFailUntilReset() {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      OtlpHttpSpanExporter exporter = exporter(receiver).setRetryPolicy(null).build();
      receiver.failWith(503);

      assertThat(export(exporter, span("lost")).isSuccess()).isFalse();
      assertThat(receiver.requests())
          .extracting(ReceivedRequest::status)
          .containsExactly(503);
      assertThat(receiver.spans()).isEmpty();

      receiver.failWith(200);
      assertThat(export(exporter, span("kept")).isSuccess()).isTrue();
      assertThat(receiver.spans()).extracting(ReceivedSpan::name).containsExactly("kept");
      exporter.close();
    }
  }

  @Test
  void exporterRetriesEveryAttemptOnServiceUnavailable() {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      RetryPolicy threeQuickAttempts =
          RetryPolicy.builder()
              .setMaxAttempts(3)
              .setInitialBackoff(Duration.ofMillis(10))
              .setMaxBackoff(Duration.ofMillis(20))
              .build();
      OtlpHttpSpanExporter exporter = exporter(receiver).setRetryPolicy(threeQuickAttempts).build();
      receiver.failWith(503);

      assertThat(export(exporter, span("lost")).isSuccess()).isFalse();

      assertThat(receiver.requestCount(OtlpReceiver.TRACES_PATH)).isEqualTo(3);
      exporter.close();
    }
  }

  @Test
  void closedReceiverIsUnreachable() {
    OtlpReceiver receiver = OtlpReceiver.start();
    OtlpHttpSpanExporter exporter = exporter(receiver).setRetryPolicy(null).build();
    receiver.close();

    assertThat(export(exporter, span("lost")).isSuccess()).isFalse();
    assertThat(receiver.requests()).isEmpty();
    exporter.close();
  }

  @Test
  void acceptsAndIgnoresLogs() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      HttpResponse<byte[]> response = post(receiver, "/v1/logs", "application/x-protobuf", "0a00");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type"))
          .isEqualTo(Optional.of("application/x-protobuf"));
      assertThat(response.body()).isEmpty();
      assertThat(receiver.spans()).isEmpty();
      assertThat(receiver.metrics()).isEmpty();
      assertThat(receiver.requestCount(OtlpReceiver.LOGS_PATH)).isEqualTo(1);
    }
  }

  @Test
  void refusesWhatIsNotAnOtlpProtobufPost() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      assertThat(post(receiver, "/v1/other", "application/x-protobuf", "").statusCode())
          .isEqualTo(404);
      assertThat(post(receiver, "/v1/traces", "application/json", "7b7d").statusCode())
          .isEqualTo(415);
      HttpResponse<byte[]> get =
          client()
              .send(
                  HttpRequest.newBuilder(URI.create(receiver.endpoint() + "/v1/traces")).build(),
                  HttpResponse.BodyHandlers.ofByteArray());
      assertThat(get.statusCode()).isEqualTo(405);
      assertThat(receiver.decodeErrors())
          .containsExactly(
              "/v1/traces: Content-Type application/json is not application/x-protobuf");
    }
  }

  @Test
  void reportsMalformedBodiesAndListsThemWhenAnAwaitFails() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      // resource_spans (field 1) declares 5 bytes but the body ends after 1.
      HttpResponse<byte[]> response =
          post(receiver, "/v1/traces", "application/x-protobuf", "0a0500");

      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(receiver.decodeErrors())
          .containsExactly(
              "/v1/traces: io.synscope.probe.MalformedDataException: protobuf at offset 1: "
                  + "field 1 declares length 5 but only 1 bytes remain");
      assertThatThrownBy(() -> receiver.awaitSpans(span -> true, 1, Duration.ofMillis(100)))
          .isInstanceOf(AssertionError.class)
          .hasMessage(
              "expected 1 matching spans within PT0.1S, 0 matched; requests {/v1/traces 400=1};"
                  + " received 0 spans:\n"
                  + "  decode error: /v1/traces: io.synscope.probe.MalformedDataException:"
                  + " protobuf at offset 1: field 1 declares length 5 but only 1 bytes remain");
    }
  }

  @Test
  void awaitFailureListsTheSpansThatDidArrive() {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      OtlpHttpSpanExporter exporter = exporter(receiver).build();
      SpanData arrived = span("tcp.accept");
      assertThat(export(exporter, arrived).isSuccess()).isTrue();

      assertThatThrownBy(
              () ->
                  receiver.awaitSpans(
                      span -> span.name().equals("tcp.connect"), 1, Duration.ofMillis(100)))
          .isInstanceOf(AssertionError.class)
          .hasMessage(
              "expected 1 matching spans within PT0.1S, 0 matched; requests {/v1/traces 200=1};"
                  + " received 1 spans:\n  tcp.accept INTERNAL span="
                  + arrived.getSpanId()
                  + " status=UNSET {}");
      exporter.close();
    }
  }

  private static OtlpHttpSpanExporterBuilder exporter(OtlpReceiver receiver) {
    return OtlpHttpSpanExporter.builder()
        .setEndpoint(receiver.endpoint() + OtlpReceiver.TRACES_PATH)
        .setTimeout(TIMEOUT);
  }

  private static CompletableResultCode export(OtlpHttpSpanExporter exporter, SpanData span) {
    return exporter.export(List.of(span)).join(TIMEOUT.toSeconds() * 2, SECONDS);
  }

  /** A finished span's data, made by an SDK tracer that exports nowhere. */
  private static SpanData span(String name) {
    // Without a processor the SDK would hand out non-recording spans.
    try (SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(SpanExporter.composite()))
            .build()) {
      Span span = provider.get("io.synscope.test").spanBuilder(name).startSpan();
      span.end();
      return ((ReadableSpan) span).toSpanData();
    }
  }

  private static HttpClient client() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  private static HttpResponse<byte[]> post(
      OtlpReceiver receiver, String path, String contentType, String hexBody)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(receiver.endpoint() + path))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(HexFormat.of().parseHex(hexBody)))
            .build();
    return client().send(request, HttpResponse.BodyHandlers.ofByteArray());
  }
}
