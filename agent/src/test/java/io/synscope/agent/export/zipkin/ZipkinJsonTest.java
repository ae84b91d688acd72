package io.synscope.agent.export.zipkin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.synscope.agent.export.RequestSize;
import io.synscope.agent.testing.CapturedSpans;
import io.synscope.agent.testing.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ZipkinJsonTest {
  private static final long START_NANOS = 1_700_000_000_123_456_789L;

  @Test
  void clientSpanWithParentEndpointsTagsAndStatus() {
    try (CapturedSpans sdk = new CapturedSpans("orders")) {
      Span parent = sdk.tracer().spanBuilder("GET /orders").startSpan();
      sdk.tracer()
          .spanBuilder("tcp.connect")
          .setParent(Context.root().with(parent))
          .setSpanKind(SpanKind.CLIENT)
          .setStartTimestamp(START_NANOS, TimeUnit.NANOSECONDS)
          .setAttribute("network.peer.address", "::ffff:127.0.0.1")
          .setAttribute("network.peer.port", 8080L)
          .setAttribute("network.local.address", "127.0.0.1")
          .setAttribute("network.local.port", 43210L)
          .setAttribute("tcp.syn_retransmits", 2L)
          .setAttribute("tcp.connect.nonblocking", true)
          .setAttribute(AttributeKey.stringArrayKey("names"), List.of("a", "b\"c"))
          .startSpan()
          .setStatus(StatusCode.ERROR, "Connect timed out")
          .end(START_NANOS + 3_001_234_999L, TimeUnit.NANOSECONDS);
      parent.end();

      Map<String, Object> zipkin = onlySpan(sdk.spans().get(0));

      assertThat(zipkin)
          .containsEntry("traceId", parent.getSpanContext().getTraceId())
          .containsEntry("parentId", parent.getSpanContext().getSpanId())
          .containsEntry("id", sdk.spans().get(0).getSpanId())
          .containsEntry("kind", "CLIENT")
          .containsEntry("name", "tcp.connect")
          .containsEntry("timestamp", 1_700_000_000_123_456L)
          // end 1_700_000_003_124_691 µs minus start
          .containsEntry("duration", 3_001_235L)
          .containsEntry(
              "localEndpoint", Map.of("serviceName", "orders", "ipv4", "127.0.0.1", "port", 43210L))
          .containsEntry("remoteEndpoint", Map.of("ipv4", "127.0.0.1", "port", 8080L))
          .doesNotContainKey("annotations");
      assertThat(tags(zipkin))
          .containsOnly(
              entry("network.peer.address", "::ffff:127.0.0.1"),
              entry("network.peer.port", "8080"),
              entry("network.local.address", "127.0.0.1"),
              entry("network.local.port", "43210"),
              entry("tcp.syn_retransmits", "2"),
              entry("tcp.connect.nonblocking", "true"),
              entry("names", "[\"a\",\"b\\\"c\"]"),
              entry("otel.status_code", "ERROR"),
              entry("error", "Connect timed out"),
              entry("otel.scope.name", "io.synscope"),
              entry("otel.scope.version", "1.2.3"));
    }
  }

  @Test
  void rootInternalSpanHasNoParentNoKindAndAnIpv6Endpoint() {
    try (CapturedSpans sdk = new CapturedSpans("svc")) {
      sdk.tracer()
          .spanBuilder("work")
          .setStartTimestamp(START_NANOS, TimeUnit.NANOSECONDS)
          .setAttribute("network.peer.address", "::1")
          .setAttribute("network.peer.port", 0L)
          .startSpan()
          .setStatus(StatusCode.OK)
          .end(START_NANOS + 10, TimeUnit.NANOSECONDS);

      Map<String, Object> zipkin = onlySpan(sdk.spans().get(0));

      assertThat(zipkin)
          .doesNotContainKeys("parentId", "kind")
          .containsEntry("duration", 1L) // shorter than a microsecond: Zipkin's minimum
          .containsEntry("localEndpoint", Map.of("serviceName", "svc"))
          .containsEntry("remoteEndpoint", Map.of("ipv6", "::1"));
      assertThat(tags(zipkin)).containsEntry("otel.status_code", "OK").doesNotContainKey("error");
    }
  }

  @Test
  void eventsBecomeAnnotationsWithTheirAttributesAsJson() {
    try (CapturedSpans sdk = new CapturedSpans("svc")) {
      Span span =
          sdk.tracer()
              .spanBuilder("tcp.accept")
              .setSpanKind(SpanKind.SERVER)
              .setStartTimestamp(START_NANOS, TimeUnit.NANOSECONDS)
              .startSpan();
      span.addEvent(
          "exception",
          Attributes.of(
              AttributeKey.stringKey("exception.message"),
              "line1\nline2",
              AttributeKey.longKey("count"),
              3L),
          START_NANOS + 5_000,
          TimeUnit.NANOSECONDS);
      span.addEvent("queued", START_NANOS + 9_000, TimeUnit.NANOSECONDS);
      span.end(START_NANOS + 20_000, TimeUnit.NANOSECONDS);

      Map<String, Object> zipkin = onlySpan(sdk.spans().get(0));

      assertThat(zipkin).containsEntry("kind", "SERVER").doesNotContainKey("remoteEndpoint");
      assertThat(zipkin.get("annotations"))
          .isEqualTo(
              List.of(
                  Map.of(
                      "timestamp",
                      1_700_000_000_123_461L,
                      "value",
                      "\"exception\":{\"count\":3,\"exception.message\":\"line1\\nline2\"}"),
                  Map.of("timestamp", 1_700_000_000_123_465L, "value", "\"queued\":{}")));
    }
  }

  @Test
  void aBatchIsOneArrayInOrder() {
    try (CapturedSpans sdk = new CapturedSpans("svc")) {
      sdk.tracer().spanBuilder("one").startSpan().end();
      sdk.tracer().spanBuilder("two").startSpan().end();

      List<ZipkinJson.Request> requests = ZipkinJson.encode(sdk.spans(), RequestSize.MAX_BYTES);

      assertThat(requests).hasSize(1);
      assertThat(requests.get(0).spans()).isEqualTo(2);
      assertThat(names(requests.get(0))).containsExactly("one", "two");
      List<ZipkinJson.Request> none = ZipkinJson.encode(List.of(), RequestSize.MAX_BYTES);
      assertThat(none).hasSize(1);
      assertThat(new String(none.get(0).body(), StandardCharsets.UTF_8)).isEqualTo("[]");
    }
  }

  /**
   * A batch over the limit goes as several arrays, each within it in UTF-8 bytes (names of two- and
   * three-byte characters, which a count of chars would take for less), each as full as the limit
   * lets it be, every span once and in order.
   */
  @Test
  void aBatchOverTheLimitIsSeveralArraysWithinItInOrder() {
    try (CapturedSpans sdk = new CapturedSpans("svc")) {
      for (int i = 0; i < 40; i++) {
        sdk.tracer().spanBuilder("span " + i + " ü€".repeat(1 + i % 5)).startSpan().end();
      }
      List<SpanData> spans = sdk.spans();
      int whole = ZipkinJson.encode(spans, Integer.MAX_VALUE).get(0).body().length;
      int limit = whole / 6;

      List<ZipkinJson.Request> requests = ZipkinJson.encode(spans, limit);

      assertThat(requests.size()).isBetween(6, 9);
      List<String> names = new ArrayList<>();
      int largest = 0;
      for (ZipkinJson.Request request : requests) {
        assertThat(request.body().length).isLessThanOrEqualTo(limit);
        assertThat(names(request)).hasSize(request.spans());
        names.addAll(names(request));
      }
      for (SpanData span : spans) {
        largest = Math.max(largest, onlySpanBytes(span));
      }
      for (int i = 0; i < requests.size() - 1; i++) {
        // the next span did not fit: a comma and the span more would pass the limit
        assertThat(requests.get(i).body().length + 1 + largest).isGreaterThan(limit);
      }
      assertThat(names).containsExactlyElementsOf(spans.stream().map(SpanData::getName).toList());
    }
  }

  @Test
  void aSpanLargerThanTheLimitIsAloneInItsArray() {
    try (CapturedSpans sdk = new CapturedSpans("svc")) {
      for (int i = 0; i < 3; i++) {
        sdk.tracer()
            .spanBuilder("span " + i)
            .setAttribute("pad", "x".repeat(500))
            .startSpan()
            .end();
      }

      List<ZipkinJson.Request> requests = ZipkinJson.encode(sdk.spans(), 300);

      assertThat(requests).extracting(ZipkinJson.Request::spans).containsExactly(1, 1, 1);
      assertThat(requests)
          .extracting(request -> names(request).get(0))
          .containsExactly("span 0", "span 1", "span 2");
    }
  }

  /** A span's bytes in an array: the array of it alone, less the brackets. */
  private static int onlySpanBytes(SpanData span) {
    return ZipkinJson.encode(List.of(span), Integer.MAX_VALUE).get(0).body().length - 2;
  }

  private static List<String> names(ZipkinJson.Request request) {
    List<?> parsed = (List<?>) Json.parse(new String(request.body(), StandardCharsets.UTF_8));
    return parsed.stream().map(s -> (String) ((Map<?, ?>) s).get("name")).toList();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> onlySpan(io.opentelemetry.sdk.trace.data.SpanData span) {
    String json =
        new String(
            ZipkinJson.encode(List.of(span), RequestSize.MAX_BYTES).get(0).body(),
            StandardCharsets.UTF_8);
    List<Object> array = (List<Object>) Json.parse(json);
    assertThat(array).hasSize(1);
    return (Map<String, Object>) array.get(0);
  }

  @SuppressWarnings("unchecked")
  static Map<String, String> tags(Map<String, Object> zipkinSpan) {
    return (Map<String, String>) zipkinSpan.get("tags");
  }
}
