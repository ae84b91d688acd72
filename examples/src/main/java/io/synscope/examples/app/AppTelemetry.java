package io.synscope.examples.app;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.synscope.examples.spans.SpanLines;
import io.synscope.examples.spans.SpanRecord;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The OpenTelemetry SDK of an example application: its own spans, W3C trace context between its
 * client and server, and each finished span printed as a {@link SpanLines} line for the example's
 * runner. This is the application's SDK, not synscope's: the agent keeps its own.
 */
public final class AppTelemetry implements AutoCloseable {
  private final OpenTelemetrySdk sdk;

  public AppTelemetry() {
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(new LineExporter()))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
  }

  public OpenTelemetry openTelemetry() {
    return sdk;
  }

  public Tracer tracer() {
    return sdk.getTracer("io.synscope.examples");
  }

  @Override
  public void close() {
    sdk.close();
  }

  private static final class LineExporter implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      for (SpanData s : spans) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        s.getAttributes().forEach((k, v) -> attributes.put(k.getKey(), v));
        String line =
            SpanLines.format(
                new SpanRecord(
                    SpanRecord.Source.APP,
                    s.getTraceId(),
                    s.getSpanId(),
                    s.getParentSpanContext().isValid() ? s.getParentSpanId() : "",
                    s.getName(),
                    s.getKind().name(),
                    s.getStartEpochNanos(),
                    s.getEndEpochNanos(),
                    attributes,
                    s.getStatus().getStatusCode().name(),
                    s.getStatus().getDescription()));
        synchronized (System.out) {
          System.out.println(line);
          System.out.flush();
        }
      }
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
