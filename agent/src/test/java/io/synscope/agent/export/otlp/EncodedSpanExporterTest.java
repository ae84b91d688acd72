package io.synscope.agent.export.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.synscope.agent.testing.CapturedSpans;
import io.synscope.agent.testing.OtlpReceiver;
import io.synscope.agent.testing.ReceivedRequest;
import io.synscope.agent.testing.ReceivedSpan;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The SDK's OTLP exporters with the agent's encoder in them, against a real receiver: the spans
 * arrive as the SDK's own exporter sends them, under the same configuration.
 */
class EncodedSpanExporterTest {
  @Test
  void theSdksExporterIsWrappedAndItsSpansArriveAsTheSdkSendsThem() {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        CapturedSpans sdk = connectAndAccept()) {
      List<ReceivedSpan> spans =
          sendThroughBoth(exporter(receiver), exporter(receiver), sdk.spans(), receiver);

      assertThat(spans.get(0).attributes()).containsEntry("tcp.syn_retransmits", 2L);
      assertThat(spans.get(0).events()).hasSize(1);
      // The SDK's configuration holds: gzip, as set; the same request, byte for byte.
      List<ReceivedRequest> requests = receiver.requests();
      assertThat(requests).extracting(ReceivedRequest::contentEncoding).containsOnly("gzip");
      assertThat(requests.get(0).bodyBytes()).isEqualTo(requests.get(1).bodyBytes());
    }
  }

  /** Over gRPC (gzip, as set), the same: the spans arrive as the SDK's own exporter sends them. */
  @Test
  void theSdksGrpcExporterIsWrappedAndItsSpansArriveAsTheSdkSendsThem() {
    try (OtlpReceiver receiver = OtlpReceiver.start().withGrpc();
        CapturedSpans sdk = connectAndAccept()) {
      List<ReceivedSpan> spans =
          sendThroughBoth(grpcExporter(receiver), grpcExporter(receiver), sdk.spans(), receiver);

      assertThat(spans.get(0).events()).hasSize(1);
      assertThat(receiver.requests()).as("nothing over HTTP").isEmpty();
    }
  }

  /** A failed connect's span, with its exception, and an accept's. */
  private static CapturedSpans connectAndAccept() {
    CapturedSpans sdk = new CapturedSpans("encoded");
    Span connect =
        sdk.tracer()
            .spanBuilder("tcp.connect")
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute("network.peer.address", "127.0.0.1")
            .setAttribute("network.peer.port", 8080L)
            .setAttribute("tcp.syn_retransmits", 2L)
            .startSpan();
    connect.recordException(new ConnectException("Connection refused"));
    connect.setStatus(StatusCode.ERROR, "Connection refused");
    connect.end();
    sdk.tracer().spanBuilder("tcp.accept").setSpanKind(SpanKind.SERVER).startSpan().end();
    return sdk;
  }

  /**
   * Exports {@code spans} through {@code toWrap}, wrapped, and then through {@code plain}; returns
   * what the receiver got, the two exports' spans checked equal.
   */
  private static List<ReceivedSpan> sendThroughBoth(
      SpanExporter toWrap, SpanExporter plain, List<SpanData> spans, OtlpReceiver receiver) {
    SpanExporter encoded = EncodedSpanExporter.wrap(toWrap);
    assertThat(encoded).isInstanceOf(EncodedSpanExporter.class);
    try {
      assertThat(export(encoded, spans)).isTrue();
      assertThat(export(plain, spans)).isTrue();
    } finally {
      encoded.shutdown().join(10, TimeUnit.SECONDS);
      plain.shutdown().join(10, TimeUnit.SECONDS);
    }
    List<ReceivedSpan> received = receiver.spans();
    assertThat(received).hasSize(2 * spans.size());
    assertThat(received.subList(0, spans.size()))
        .isEqualTo(received.subList(spans.size(), received.size()));
    assertThat(received.get(0).attributes()).containsEntry("network.peer.port", 8080L);
    return received;
  }

  /**
   * A burst of failed connects, each with its stack trace, makes a batch over gRPC's default 4 MiB
   * message: a gRPC server as configured by default (the test's, like the Collector's) refuses the
   * SDK's one request for it, while the wrapped exporter sends it as several and every span
   * arrives.
   */
  @Test
  void aBatchOverFourMebibytesReachesAGrpcServerWithItsDefaultLimit() throws IOException {
    try (OtlpReceiver receiver = OtlpReceiver.start().withGrpc();
        CapturedSpans sdk = new CapturedSpans("encoded")) {
      int count = 0;
      do {
        for (int i = 0; i < 100; i++, count++) {
          Span connect =
              sdk.tracer()
                  .spanBuilder("tcp.connect")
                  .setAttribute("network.peer.port", 10_000L + count)
                  .startSpan();
          connect.recordException(new ConnectException("Connection refused"));
          connect.end();
        }
      } while (requestBytes(sdk.spans()) <= 4 * 1024 * 1024);
      List<SpanData> spans = sdk.spans();

      SpanExporter plain = grpcExporter(receiver);
      SpanExporter encoded = EncodedSpanExporter.wrap(grpcExporter(receiver));
      try {
        assertThat(export(plain, spans)).as("the SDK's single request").isFalse();
        assertThat(receiver.spans()).isEmpty();
        assertThat(export(encoded, spans)).isTrue();
      } finally {
        plain.shutdown().join(10, TimeUnit.SECONDS);
        encoded.shutdown().join(10, TimeUnit.SECONDS);
      }
      assertThat(receiver.spans())
          .extracting(span -> span.attributes().get("network.peer.port"))
          .containsExactlyInAnyOrderElementsOf(
              spans.stream()
                  .map(span -> span.getAttributes().get(AttributeKey.longKey("network.peer.port")))
                  .toList());
    }
  }

  private static int requestBytes(List<SpanData> spans) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    TraceRequestMarshaler.create(spans).writeBinaryTo(bytes);
    return bytes.size();
  }

  @Test
  void aBatchTheEncoderDoesNotWriteGoesThroughTheSdksEncoding() {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        CapturedSpans sdk = new CapturedSpans("encoded")) {
      sdk.tracer()
          .spanBuilder("with a map")
          .setAttribute(AttributeKey.valueKey("map"), Value.of(Map.of("k", Value.of("v"))))
          .startSpan()
          .end();
      SpanExporter encoded = EncodedSpanExporter.wrap(exporter(receiver));
      try {
        assertThat(export(encoded, sdk.spans())).isTrue();
      } finally {
        encoded.shutdown().join(10, TimeUnit.SECONDS);
      }
      assertThat(receiver.spans()).extracting(ReceivedSpan::name).containsExactly("with a map");
    }
  }

  @Test
  void aFailedExportAndAnExportAfterShutdownFail() {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        CapturedSpans sdk = new CapturedSpans("encoded")) {
      sdk.tracer().spanBuilder("tcp.connect").startSpan().end();
      SpanExporter encoded = EncodedSpanExporter.wrap(exporter(receiver));
      receiver.failWith(400);
      assertThat(export(encoded, sdk.spans())).isFalse();
      receiver.failWith(200);
      assertThat(encoded.shutdown().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(export(encoded, sdk.spans())).isFalse();
      assertThat(receiver.requests()).extracting(ReceivedRequest::status).containsExactly(400);
    }
  }

  @Test
  void anyOtherExporterIsLeftAsItIs() {
    try (CapturedSpans other = new CapturedSpans("other")) {
      assertThat(EncodedSpanExporter.wrap(other)).isSameAs(other);
    }
  }

  private static OtlpHttpSpanExporter exporter(OtlpReceiver receiver) {
    return OtlpHttpSpanExporter.builder()
        .setEndpoint(receiver.endpoint() + OtlpReceiver.TRACES_PATH)
        .setCompression("gzip")
        .build();
  }

  private static OtlpGrpcSpanExporter grpcExporter(OtlpReceiver receiver) {
    return OtlpGrpcSpanExporter.builder()
        .setEndpoint(receiver.grpcEndpoint())
        .setCompression("gzip")
        .build();
  }

  private static boolean export(SpanExporter exporter, List<SpanData> spans) {
    return exporter.export(spans).join(10, TimeUnit.SECONDS).isSuccess();
  }
}
