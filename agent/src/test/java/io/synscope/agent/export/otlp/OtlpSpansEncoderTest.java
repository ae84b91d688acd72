package io.synscope.agent.export.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.internal.otlp.traces.LowAllocationTraceRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.synscope.agent.testing.CapturedSpans;
import io.synscope.agent.testing.ProtobufReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The encoder against the SDK's own marshalers: the same spans must give the same bytes, so what a
 * collector receives does not depend on which of the two wrote it.
 */
class OtlpSpansEncoderTest {
  private static final Resource RESOURCE =
      Resource.getDefault()
          .merge(
              Resource.create(
                  Attributes.of(AttributeKey.stringKey("service.name"), "encoder-test")));

  @Test
  void aConnectionSpanWithItsParentAndAFailure() throws IOException {
    List<SpanData> spans;
    try (CapturedSpans captured = new CapturedSpans(RESOURCE, SpanLimits.getDefault())) {
      SdkTracerProvider provider = captured.provider();
      Tracer tracer = provider.get("io.synscope", "1.2.3");
      SpanContext remote =
          SpanContext.createFromRemoteParent(
              "0af7651916cd43dd8448eb211c80319c",
              "b7ad6b7169203331",
              TraceFlags.getSampled(),
              TraceState.builder().put("vendor", "opaque").put("other", "x=y").build());
      Span span =
          tracer
              .spanBuilder("tcp.connect")
              .setSpanKind(SpanKind.CLIENT)
              .setParent(Context.root().with(Span.wrap(remote)))
              .setStartTimestamp(1_700_000_000_123_456_789L, TimeUnit.NANOSECONDS)
              .setAttribute("network.transport", "tcp")
              .setAttribute("network.peer.address", "127.0.0.1")
              .setAttribute("network.peer.port", 40123L)
              .setAttribute("tcp.syn_retransmits", 0L)
              .setAttribute("tcp.rtt_us", -1L)
              .startSpan();
      span.recordException(new ConnectException("Connection refused"));
      span.setStatus(StatusCode.ERROR, "Connection refused");
      span.end(1_700_000_000_223_456_789L, TimeUnit.NANOSECONDS);
      tracer.spanBuilder("tcp.accept").setSpanKind(SpanKind.SERVER).setNoParent().startSpan().end();
      spans = captured.spans();
    }
    assertSameBytesAsTheSdk(spans);
  }

  @Test
  void everyAttributeTypeEventsLinksAndTextBeyondAscii() throws IOException {
    List<SpanData> spans;
    try (CapturedSpans captured = new CapturedSpans(RESOURCE, SpanLimits.getDefault())) {
      SdkTracerProvider provider = captured.provider();
      Tracer tracer = provider.get("scope");
      SpanContext linked =
          SpanContext.create(
              "11111111111111111111111111111111",
              "2222222222222222",
              TraceFlags.getDefault(),
              TraceState.builder().put("k", "v").build());
      Span span =
          tracer
              .spanBuilder("all types: é ✓ 😀")
              .setSpanKind(SpanKind.PRODUCER)
              .addLink(linked, Attributes.of(AttributeKey.stringKey("link.kind"), "follows"))
              .addLink(Span.current().getSpanContext())
              .setAttribute("empty", "")
              .setAttribute("unicode", "Grüße, 世界 \uD83D\uDE00")
              .setAttribute("lone surrogates", "a\uD800b\uDC00c\uD83D")
              .setAttribute("long.text", "x".repeat(300))
              .setAttribute("bool.true", true)
              .setAttribute("bool.false", false)
              .setAttribute("negative", Long.MIN_VALUE)
              .setAttribute("zero", 0L)
              .setAttribute("double", 3.25)
              .setAttribute("nan", Double.NaN)
              .setAttribute(AttributeKey.stringArrayKey("strings"), List.of("a", "", "ü"))
              .setAttribute(AttributeKey.booleanArrayKey("bools"), List.of(true, false))
              .setAttribute(AttributeKey.longArrayKey("longs"), List.of(1L, -2L, 300L))
              .setAttribute(AttributeKey.doubleArrayKey("doubles"), List.of(0.5, -0.0))
              .setAttribute(AttributeKey.stringArrayKey("none"), List.of())
              .startSpan();
      span.addEvent("with attributes", Attributes.of(AttributeKey.longKey("n"), 7L));
      span.addEvent("bare");
      span.setStatus(StatusCode.OK);
      span.end();
      Span big = tracer.spanBuilder("bigger than sixteen KiB").startSpan();
      for (int i = 0; i < 100; i++) {
        big.setAttribute("attribute." + i, "v".repeat(200));
      }
      big.end();
      for (SpanKind kind : SpanKind.values()) {
        tracer.spanBuilder(kind.name()).setSpanKind(kind).startSpan().end();
      }
      spans = captured.spans();
    }
    assertSameBytesAsTheSdk(spans);
  }

  @Test
  void droppedAttributesEventsAndLinksAreCounted() throws IOException {
    List<SpanData> spans;
    SpanLimits limits =
        SpanLimits.builder()
            .setMaxNumberOfAttributes(2)
            .setMaxNumberOfEvents(1)
            .setMaxNumberOfLinks(1)
            .setMaxNumberOfAttributesPerEvent(1)
            .build();
    try (CapturedSpans captured = new CapturedSpans(RESOURCE, limits)) {
      SdkTracerProvider provider = captured.provider();
      SpanContext other =
          SpanContext.create(
              "33333333333333333333333333333333",
              "4444444444444444",
              TraceFlags.getSampled(),
              TraceState.getDefault());
      Span span =
          provider
              .get("limits")
              .spanBuilder("limited")
              .addLink(other)
              .addLink(other)
              .setAttribute("a", 1L)
              .setAttribute("b", 2L)
              .setAttribute("c", 3L)
              .startSpan();
      span.addEvent(
          "first", Attributes.of(AttributeKey.longKey("x"), 1L, AttributeKey.longKey("y"), 2L));
      span.addEvent("second");
      span.end();
      spans = captured.spans();
    }
    assertSameBytesAsTheSdk(spans);
  }

  /**
   * The SDK groups by identity in an IdentityHashMap, so its order of resources and scopes is
   * arbitrary; the encoder's is the order they first come in. Each resource and scope must hold the
   * same spans in the same order.
   */
  @Test
  void spansOfSeveralResourcesAndScopesAreGroupedInTheOrderTheyCome() throws IOException {
    List<SpanData> spans;
    try (CapturedSpans captured = new CapturedSpans(RESOURCE, SpanLimits.getDefault());
        SdkTracerProvider second = otherResourceProvider(captured)) {
      SdkTracerProvider first = captured.provider();
      Tracer a =
          first
              .tracerBuilder("a")
              .setInstrumentationVersion("1")
              .setSchemaUrl("https://opentelemetry.io/schemas/1.21.0")
              .build();
      Tracer b = first.get("b");
      Tracer c = second.get("c");
      a.spanBuilder("1").startSpan().end();
      c.spanBuilder("2").startSpan().end();
      b.spanBuilder("3").startSpan().end();
      a.spanBuilder("4").startSpan().end();
      c.spanBuilder("5").startSpan().end();
      spans = captured.spans();
    }
    byte[] encoded = onlyRequest(new OtlpSpansEncoder().encode(spans)).toByteArray();
    assertThat(spansByResourceAndScope(encoded))
        .isEqualTo(spansByResourceAndScope(sdkBytes(spans)));
    assertThat(spansByResourceAndScope(encoded).keySet())
        .extracting(key -> key.substring(key.lastIndexOf(' ') + 1))
        .containsExactly("a", "b", "c");
  }

  @Test
  void anAttributeOfAnyValueIsLeftToTheSdk() {
    List<SpanData> spans;
    try (CapturedSpans captured = new CapturedSpans(RESOURCE, SpanLimits.getDefault())) {
      SdkTracerProvider provider = captured.provider();
      provider
          .get("values")
          .spanBuilder("with a map value")
          .setAttribute(AttributeKey.valueKey("map"), Value.of(java.util.Map.of("k", Value.of(1L))))
          .startSpan()
          .end();
      spans = captured.spans();
    }
    assertThat(new OtlpSpansEncoder().encode(spans)).isNull();
  }

  @Test
  void anEmptyBatchIsAnEmptyRequest() {
    EncodedRequest empty = onlyRequest(new OtlpSpansEncoder().encode(List.of()));
    assertThat(empty.toByteArray()).isEmpty();
    assertThat(empty.spans()).isZero();
  }

  /**
   * A request's buffer is written again only after the request is released: one still being sent
   * keeps its bytes while the next batches are encoded.
   */
  @Test
  void oneEncoderEncodesBatchAfterBatchReusingOnlyReleasedBuffers() throws IOException {
    List<SpanData> spans;
    try (CapturedSpans captured = new CapturedSpans(RESOURCE, SpanLimits.getDefault())) {
      SdkTracerProvider provider = captured.provider();
      for (int i = 0; i < 50; i++) {
        provider
            .get("batches")
            .spanBuilder("span " + i)
            .setAttribute("i", (long) i)
            .startSpan()
            .end();
      }
      spans = captured.spans();
    }
    OtlpSpansEncoder encoder = new OtlpSpansEncoder();
    List<SpanData> first = spans.subList(0, 20);
    EncodedRequest inFlight = onlyRequest(encoder.encode(first));
    for (int from = 20; from < spans.size(); from += 7) {
      List<SpanData> batch = spans.subList(from, Math.min(spans.size(), from + 7));
      EncodedRequest request = onlyRequest(encoder.encode(batch));
      assertThat(request.toByteArray()).isEqualTo(sdkBytes(batch));
      request.release();
    }
    assertThat(inFlight.toByteArray()).isEqualTo(sdkBytes(first));
    inFlight.release();
    assertThat(onlyRequest(encoder.encode(first)).toByteArray()).isEqualTo(sdkBytes(first));
  }

  /**
   * A batch over the limit goes as several requests, each within it and each byte for byte what the
   * SDK writes for its part of the batch: failed connects, whose recorded exceptions make them
   * large, as in a burst of refused connections.
   */
  @Test
  void aBatchOverTheLimitIsSentAsRequestsWithinItThatTheSdkWouldWriteForTheirSpans()
      throws IOException {
    List<SpanData> spans = failedConnects(40);
    int whole = sdkBytes(spans).length;
    int limit = whole / 5;

    List<EncodedRequest> requests = new OtlpSpansEncoder(limit).encode(spans);

    assertThat(requests).hasSizeBetween(5, 7);
    int from = 0;
    for (EncodedRequest request : requests) {
      assertThat(request.getBinarySerializedSize()).isLessThanOrEqualTo(limit);
      assertThat(request.spans()).isPositive();
      List<SpanData> part = spans.subList(from, from + request.spans());
      assertThat(request.toByteArray()).isEqualTo(sdkBytes(part));
      from += request.spans();
    }
    assertThat(from).isEqualTo(spans.size());
    // The limit is used, not merely kept: each request but the last holds as many spans as fit.
    for (int i = 0; i < requests.size() - 1; i++) {
      int next = requests.get(i).getBinarySerializedSize() + spanBytes(spans);
      assertThat(next).isGreaterThan(limit);
    }
  }

  /**
   * Split across resources and scopes, no request carries a scope or resource without spans, and
   * every group's spans arrive once, in order.
   */
  @Test
  void aSplitLeavesNoEmptyScopeOrResourceAndEverySpanOnce() throws IOException {
    List<SpanData> spans;
    try (CapturedSpans captured = new CapturedSpans(RESOURCE, SpanLimits.getDefault());
        SdkTracerProvider second = otherResourceProvider(captured)) {
      Tracer[] tracers = {
        captured.provider().tracerBuilder("a").setSchemaUrl("https://example.com/s/1").build(),
        captured.provider().get("b"),
        second.get("c")
      };
      for (int i = 0; i < 60; i++) {
        tracers[i % 3]
            .spanBuilder("span " + i)
            .setAttribute("padding", "x".repeat(i * 7))
            .startSpan()
            .end();
      }
      spans = captured.spans();
    }
    int limit = 2_000;

    List<EncodedRequest> requests = new OtlpSpansEncoder(limit).encode(spans);

    Map<String, List<String>> received = new LinkedHashMap<>();
    for (EncodedRequest request : requests) {
      assertThat(request.getBinarySerializedSize()).isLessThanOrEqualTo(limit);
      Map<String, List<String>> groups = spansByResourceAndScope(request.toByteArray());
      assertThat(groups.values()).allSatisfy(group -> assertThat(group).isNotEmpty());
      assertThat(groups.values().stream().mapToInt(List::size).sum()).isEqualTo(request.spans());
      groups.forEach((k, v) -> received.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
    }
    assertThat(requests.size()).isGreaterThan(3);
    assertThat(received).isEqualTo(spansByResourceAndScope(sdkBytes(spans)));
  }

  /** A span larger than the limit by itself goes alone in its request, as the SDK writes it. */
  @Test
  void aSpanLargerThanTheLimitGoesAloneInItsRequest() throws IOException {
    List<SpanData> spans = failedConnects(3);
    int limit = spanBytes(spans) / 2;

    List<EncodedRequest> requests = new OtlpSpansEncoder(limit).encode(spans);

    assertThat(requests).extracting(EncodedRequest::spans).containsExactly(1, 1, 1);
    for (int i = 0; i < spans.size(); i++) {
      assertThat(requests.get(i).toByteArray()).isEqualTo(sdkBytes(List.of(spans.get(i))));
    }
  }

  /** A second tracer provider, of another resource, whose spans go to the same capture. */
  private static SdkTracerProvider otherResourceProvider(CapturedSpans captured) {
    return SdkTracerProvider.builder()
        .setResource(
            Resource.create(
                Attributes.of(AttributeKey.stringKey("service.name"), "other"),
                "https://opentelemetry.io/schemas/1.24.0"))
        .addSpanProcessor(SimpleSpanProcessor.create(captured))
        .build();
  }

  /** Connect spans that failed, each with its exception and stack trace recorded. */
  private static List<SpanData> failedConnects(int count) {
    try (CapturedSpans captured = new CapturedSpans(RESOURCE, SpanLimits.getDefault())) {
      Tracer tracer = captured.provider().get("io.synscope", "1.2.3");
      for (int i = 0; i < count; i++) {
        Span span =
            tracer
                .spanBuilder("tcp.connect")
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute("network.peer.address", "127.0.0.1")
                .setAttribute("network.peer.port", 40_000L + i)
                .setAttribute("error.type", "connection_refused")
                .startSpan();
        span.recordException(new ConnectException("Connection refused"));
        span.setStatus(StatusCode.ERROR);
        span.end();
      }
      return captured.spans();
    }
  }

  /** What one more span of these, all of a size, adds to a request of them. */
  private static int spanBytes(List<SpanData> spans) throws IOException {
    return sdkBytes(spans.subList(0, 2)).length - sdkBytes(spans.subList(0, 1)).length;
  }

  private static void assertSameBytesAsTheSdk(List<SpanData> spans) throws IOException {
    byte[] expected = sdkBytes(spans);
    assertThat(onlyRequest(new OtlpSpansEncoder().encode(spans)).toByteArray()).isEqualTo(expected);
    LowAllocationTraceRequestMarshaler lowAllocation = new LowAllocationTraceRequestMarshaler();
    lowAllocation.initialize(spans);
    ByteArrayOutputStream reusable = new ByteArrayOutputStream();
    lowAllocation.writeBinaryTo(reusable);
    assertThat(reusable.toByteArray()).isEqualTo(expected);
  }

  /** Each resource's and scope's spans, the scope told by its name, in the order they come. */
  private static Map<String, List<String>> spansByResourceAndScope(byte[] request) {
    Map<String, List<String>> groups = new LinkedHashMap<>();
    ProtobufReader requestReader = new ProtobufReader(request);
    while (requestReader.next()) {
      ProtobufReader resourceSpans = requestReader.readMessage();
      String resource = "";
      List<ProtobufReader> scopes = new ArrayList<>();
      while (resourceSpans.next()) {
        if (resourceSpans.fieldNumber() == 1) {
          resource += HexFormat.of().formatHex(resourceSpans.readBytes());
        } else if (resourceSpans.fieldNumber() == 2) {
          scopes.add(resourceSpans.readMessage());
        } else {
          resource += " " + resourceSpans.readString();
        }
      }
      for (ProtobufReader scopeSpans : scopes) {
        String scopeName = "";
        String scopeRest = "";
        List<String> spans = new ArrayList<>();
        while (scopeSpans.next()) {
          if (scopeSpans.fieldNumber() == 1) {
            ProtobufReader scopeReader = scopeSpans.readMessage();
            while (scopeReader.next()) {
              if (scopeReader.fieldNumber() == 1) {
                scopeName = scopeReader.readString();
              } else {
                scopeRest += HexFormat.of().formatHex(scopeReader.readBytes()) + ",";
              }
            }
          } else if (scopeSpans.fieldNumber() == 2) {
            spans.add(HexFormat.of().formatHex(scopeSpans.readBytes()));
          } else {
            scopeRest += scopeSpans.readString() + ",";
          }
        }
        String scope = scopeRest + " " + scopeName;
        groups.computeIfAbsent(resource + " " + scope, k -> new ArrayList<>()).addAll(spans);
      }
    }
    return groups;
  }

  private static EncodedRequest onlyRequest(List<EncodedRequest> requests) {
    assertThat(requests).hasSize(1);
    return requests.get(0);
  }

  private static byte[] sdkBytes(Collection<SpanData> spans) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    TraceRequestMarshaler.create(spans).writeBinaryTo(bytes);
    return bytes.toByteArray();
  }
}
