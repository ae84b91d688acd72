package io.synscope.agent.export.otlpjson;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/** Makes {@code otel.traces.exporter=logging-otlp} known to the SDK's autoconfiguration. */
public final class OtlpJsonLoggingSpanExporterProvider implements ConfigurableSpanExporterProvider {
  @Override
  public SpanExporter createExporter(ConfigProperties config) {
    return new OtlpJsonLoggingSpanExporter();
  }

  @Override
  public String getName() {
    return "logging-otlp";
  }
}
