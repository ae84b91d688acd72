package io.synscope.agent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.synscope.agent.testing.CapturedSpans;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The benchmark's receiver counts what the SDK's own OTLP exporter sends it, by span name. */
class OtlpSinkTest {
  @Test
  void countsTheSpansOfEachNameInARealExport() throws Exception {
    try (OtlpSink sink = OtlpSink.start();
        CapturedSpans sdk = new CapturedSpans("svc")) {
      Tracer tracer = sdk.tracer();
      for (int i = 0; i < 3; i++) {
        tracer.spanBuilder("tcp.connect").setAttribute("tcp.accept", "not a name").startSpan().end();
      }
      tracer.spanBuilder("tcp.accept").startSpan().end();
      tracer.spanBuilder("tcp.accept").startSpan().end();
      tracer.spanBuilder("tcp.connection").startSpan().end();
      OtlpHttpSpanExporter exporter =
          OtlpHttpSpanExporter.builder().setEndpoint(sink.tracesEndpoint()).build();
      try {
        List<SpanData> spans = sdk.spans();
        CompletableResultCode result = exporter.export(spans).join(10, TimeUnit.SECONDS);
        assertThat(result.isSuccess()).isTrue();
        assertThat(exporter.export(spans.subList(0, 1)).join(10, TimeUnit.SECONDS).isSuccess())
            .isTrue();
      } finally {
        exporter.shutdown().join(10, TimeUnit.SECONDS);
      }

      long[] counts = sink.counts();
      assertThat(counts[0]).isEqualTo(2); // requests
      assertThat(counts[2]).isEqualTo(4); // tcp.connect: three, then one again
      assertThat(counts[3]).isEqualTo(2); // tcp.accept
      assertThat(sink.spans()).isEqualTo(6);
    }
  }
}
