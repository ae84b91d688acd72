package io.synscope.agent.export.otlpjson;

import io.opentelemetry.exporter.internal.otlp.traces.ResourceSpansMarshaler;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code otel.traces.exporter=logging-otlp}: each batch's spans as OTLP JSON (the protobuf JSON
 * mapping of an ExportTraceServiceRequest's ResourceSpans), one log record a resource, through
 * java.util.logging under the logger name OpenTelemetry's own exporter of this name uses.
 *
 * <p>The agent carries its own because OpenTelemetry's artifact of it is not among those the
 * agent can depend on here; the JSON comes from the same marshalers as the OTLP exporter's.
 */
final class OtlpJsonLoggingSpanExporter implements SpanExporter {
  static final String LOGGER_NAME =
      "io.opentelemetry.exporter.logging.otlp.OtlpJsonLoggingSpanExporter";

  private static final Logger LOGGER = Logger.getLogger(LOGGER_NAME);

  private volatile boolean shutdown;

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    if (shutdown) {
      return CompletableResultCode.ofFailure();
    }
    for (ResourceSpansMarshaler resource : ResourceSpansMarshaler.create(spans)) {
      ByteArrayOutputStream json = new ByteArrayOutputStream();
      try {
        resource.writeJsonTo(json);
      } catch (IOException e) {
        LOGGER.log(Level.WARNING, "spans could not be written as OTLP JSON: " + e);
        return CompletableResultCode.ofFailure();
      }
      LOGGER.log(Level.INFO, json.toString(StandardCharsets.UTF_8));
    }
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode flush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    shutdown = true;
    return CompletableResultCode.ofSuccess();
  }
}
