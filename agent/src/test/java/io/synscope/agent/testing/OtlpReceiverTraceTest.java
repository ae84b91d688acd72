package io.synscope.agent.testing;

import static io.opentelemetry.api.common.AttributeKey.booleanKey;
import static io.opentelemetry.api.common.AttributeKey.doubleKey;
import static io.opentelemetry.api.common.AttributeKey.longArrayKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringArrayKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static java.util.concurrent.TimeUnit.NANOSECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Spans exported by the real OpenTelemetry SDK over HTTP, decoded field by field. */
class OtlpReceiverTraceTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Attributes SERVICE =
      Attributes.of(stringKey("service.name"), "otlp-receiver-test");

  @Test
  void decodesSpansExportedByTheSdk() {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        SdkTracerProvider provider = tracerProvider(receiver)) {
      Tracer tracer =
          provider.tracerBuilder("io.synscope.test").setInstrumentationVersion("1.2.3").build();
      Span parent =
          tracer
              .spanBuilder("tcp.accept")
              .setSpanKind(SpanKind.SERVER)
              .setStartTimestamp(1_000_000_000L, NANOSECONDS)
              .setAttribute("network.peer.address", "127.0.0.1")
              .setAttribute(longKey("network.peer.port"), 40_000L)
              .setAttribute(doubleKey("tcp.rtt.ms"), 0.125)
              .setAttribute(booleanKey("tcp.syn.retransmitted"), true)
              .setAttribute(stringArrayKey("tcp.options"), List.of("sack", "wscale"))
              .setAttribute(longArrayKey("tcp.retransmit.ms"), List.of(1000L, 3000L))
              .startSpan();
      Span child =
          tracer
              .spanBuilder("tcp.connect")
              .setParent(Context.root().with(parent))
              .setSpanKind(SpanKind.CLIENT)
              .setStartTimestamp(1_100_000_000L, NANOSECONDS)
              .startSpan();
      child.addEvent(
          "syn.sent", Attributes.of(longKey("attempt"), 2L), 1_200_000_000L, NANOSECONDS);
      child.recordException(new ConnectException("Connection refused"));
      child.setStatus(StatusCode.ERROR, "refused");
      child.end(1_300_000_000L, NANOSECONDS);
      parent.setStatus(StatusCode.OK);
      parent.end(2_000_000_000L, NANOSECONDS);
      assertThat(provider.forceFlush().join(10, SECONDS).isSuccess()).isTrue();

      List<ReceivedSpan> spans = receiver.awaitSpans(span -> true, 2, TIMEOUT);

      // Each span is its own export, and two exports may arrive in either order.
      assertThat(spans)
          .extracting(ReceivedSpan::name)
          .containsExactlyInAnyOrder("tcp.connect", "tcp.accept");
      ReceivedSpan accept = named(spans, "tcp.accept");
      assertThat(accept.traceId()).isEqualTo(parent.getSpanContext().getTraceId());
      assertThat(accept.spanId()).isEqualTo(parent.getSpanContext().getSpanId());
      assertThat(accept.parentSpanId()).isEmpty();
      assertThat(accept.isRoot()).isTrue();
      assertThat(accept.kind()).isEqualTo(ReceivedSpan.Kind.SERVER);
      assertThat(accept.startEpochNanos()).isEqualTo(1_000_000_000L);
      assertThat(accept.endEpochNanos()).isEqualTo(2_000_000_000L);
      assertThat(accept.durationNanos()).isEqualTo(1_000_000_000L);
      assertThat(accept.attributes())
          .containsOnly(
              entry("network.peer.address", "127.0.0.1"),
              entry("network.peer.port", 40_000L),
              entry("tcp.rtt.ms", 0.125),
              entry("tcp.syn.retransmitted", true),
              entry("tcp.options", List.of("sack", "wscale")),
              entry("tcp.retransmit.ms", List.of(1000L, 3000L)));
      assertThat(accept.statusCode()).isEqualTo(ReceivedSpan.StatusCode.OK);
      assertThat(accept.statusMessage()).isEmpty();
      assertThat(accept.events()).isEmpty();
      assertThat(accept.scopeName()).isEqualTo("io.synscope.test");
      assertThat(accept.scopeVersion()).isEqualTo("1.2.3");
      assertThat(accept.resourceAttributes())
          .contains(
              entry("service.name", "otlp-receiver-test"),
              entry("telemetry.sdk.name", "opentelemetry"),
              entry("telemetry.sdk.language", "java"));

      ReceivedSpan connect = named(spans, "tcp.connect");
      assertThat(connect.traceId()).isEqualTo(accept.traceId());
      assertThat(connect.spanId()).isEqualTo(child.getSpanContext().getSpanId());
      assertThat(connect.parentSpanId()).isEqualTo(accept.spanId());
      assertThat(connect.kind()).isEqualTo(ReceivedSpan.Kind.CLIENT);
      assertThat(connect.startEpochNanos()).isEqualTo(1_100_000_000L);
      assertThat(connect.endEpochNanos()).isEqualTo(1_300_000_000L);
      assertThat(connect.attributes()).isEmpty();
      assertThat(connect.statusCode()).isEqualTo(ReceivedSpan.StatusCode.ERROR);
      assertThat(connect.statusMessage()).isEqualTo("refused");
      assertThat(connect.events())
          .extracting(ReceivedSpanEvent::name)
          .containsExactly("syn.sent", "exception");
      assertThat(connect.events().get(0).epochNanos()).isEqualTo(1_200_000_000L);
      assertThat(connect.events().get(0).attributes()).containsOnly(entry("attempt", 2L));
      ReceivedSpanEvent exception = connect.events().get(1);
      assertThat(exception.attributes())
          .containsOnlyKeys("exception.type", "exception.message", "exception.stacktrace")
          .contains(
              entry("exception.type", "java.net.ConnectException"),
              entry("exception.message", "Connection refused"));
      assertThat((String) exception.attributes().get("exception.stacktrace"))
          .startsWith("java.net.ConnectException: Connection refused");
    }
  }

  @Test
  void awaitSpansReturnsOnlyTheMatchingSpans() {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        SdkTracerProvider provider = tracerProvider(receiver)) {
      Tracer tracer = provider.get("io.synscope.test");
      for (String name : List.of("tcp.connect", "other", "tcp.connect")) {
        tracer.spanBuilder(name).startSpan().end();
      }

      List<ReceivedSpan> connects =
          receiver.awaitSpans(span -> span.name().equals("tcp.connect"), 2, TIMEOUT);

      assertThat(connects)
          .extracting(ReceivedSpan::name)
          .containsExactly("tcp.connect", "tcp.connect");
      assertThat(connects)
          .extracting(ReceivedSpan::kind)
          .containsExactly(ReceivedSpan.Kind.INTERNAL, ReceivedSpan.Kind.INTERNAL);
      assertThat(receiver.awaitSpans(span -> true, 3, TIMEOUT)).hasSize(3);
    }
  }

  private static ReceivedSpan named(List<ReceivedSpan> spans, String name) {
    return spans.stream().filter(span -> span.name().equals(name)).findFirst().orElseThrow();
  }

  static SdkTracerProvider tracerProvider(OtlpReceiver receiver) {
    OtlpHttpSpanExporter exporter =
        OtlpHttpSpanExporter.builder()
            .setEndpoint(receiver.endpoint() + OtlpReceiver.TRACES_PATH)
            .build();
    return SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(SERVICE)))
        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
        .build();
  }
}
