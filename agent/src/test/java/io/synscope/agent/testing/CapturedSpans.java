package io.synscope.agent.testing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A real SDK whose ended spans are kept in memory: real SpanData for the Zipkin encoder, the
 * overflow detector's and the tracer's spans to look at.
 */
public final class CapturedSpans implements SpanExporter, AutoCloseable {
  private final List<SpanData> spans = new ArrayList<>();
  private final SdkTracerProvider provider;

  public CapturedSpans(String serviceName) {
    this(
        Resource.create(
            io.opentelemetry.api.common.Attributes.of(
                AttributeKey.stringKey("service.name"), serviceName)),
        SpanLimits.getDefault());
  }

  /** An SDK with this resource and these limits; other providers may export here too. */
  public CapturedSpans(Resource resource, SpanLimits limits) {
    provider =
        SdkTracerProvider.builder()
            .setResource(resource)
            .setSpanLimits(limits)
            .addSpanProcessor(SimpleSpanProcessor.create(this))
            .build();
  }

  public Tracer tracer() {
    return provider.get("io.synscope", "1.2.3");
  }

  /** The SDK's tracer provider, for tracers of other scopes. */
  public SdkTracerProvider provider() {
    return provider;
  }

  public synchronized List<SpanData> spans() {
    return List.copyOf(spans);
  }

  @Override
  public synchronized CompletableResultCode export(Collection<SpanData> batch) {
    spans.addAll(batch);
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

  @Override
  public void close() {
    provider.close();
  }
}
