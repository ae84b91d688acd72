package io.synscope.agent.export.zipkin;

import io.synscope.agent.testing.CapturedSpans;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.synscope.agent.testing.Json;
import java.nio.charset.StandardCharsets;
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
      assertThat(tags(zipkin))
          .containsEntry("otel.status_code", "OK")
          .doesNotContainKey("error");
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
              AttributeKey.stringKey("exception.message"), "line1\nline2",
              AttributeKey.longKey("count"), 3L),
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

      List<?> parsed =
          (List<?>) Json.parse(new String(ZipkinJson.encode(sdk.spans()), StandardCharsets.UTF_8));

      assertThat(parsed.stream().map(s -> (Object) ((Map<?, ?>) s).get("name")))
          .containsExactly("one", "two");
      assertThat(new String(ZipkinJson.encode(List.of()), StandardCharsets.UTF_8))
          .isEqualTo("[]");
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> onlySpan(io.opentelemetry.sdk.trace.data.SpanData span) {
    String json = new String(ZipkinJson.encode(List.of(span)), StandardCharsets.UTF_8);
    List<Object> array = (List<Object>) Json.parse(json);
    assertThat(array).hasSize(1);
    return (Map<String, Object>) array.get(0);
  }

  @SuppressWarnings("unchecked")
  static Map<String, String> tags(Map<String, Object> zipkinSpan) {
    return (Map<String, String>) zipkinSpan.get("tags");
  }
}
