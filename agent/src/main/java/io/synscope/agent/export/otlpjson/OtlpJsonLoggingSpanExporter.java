package io.synscope.agent.export.otlpjson;

import io.opentelemetry.exporter.internal.otlp.traces.ResourceSpansMarshaler;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
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
      log(json.toString(StandardCharsets.UTF_8));
    }
    return CompletableResultCode.ofSuccess();
  }

  /**
   * Logs one record. At the JVM's exit, java.util.logging's own shutdown hook closes and removes
   * every handler, and it may do so before the SDK's last flush reaches this exporter: the spans
   * of a short-lived application would vanish. Then the record goes to standard error as the
   * root logger's console handler would have printed it.
   */
  private static void log(String json) {
    if (hasHandler(LOGGER) || !LOGGER.isLoggable(Level.INFO) || !jvmExiting()) {
      LOGGER.log(Level.INFO, json);
      return;
    }
    LogRecord record = new LogRecord(Level.INFO, json);
    record.setLoggerName(LOGGER_NAME);
    record.setSourceClassName(OtlpJsonLoggingSpanExporter.class.getName());
    record.setSourceMethodName("export");
    ConsoleHandler console = new ConsoleHandler();
    console.publish(record);
    console.flush();
  }

  private static boolean hasHandler(Logger logger) {
    for (Logger l = logger; l != null; l = l.getParent()) {
      if (l.getHandlers().length > 0) {
        return true;
      }
      if (!l.getUseParentHandlers()) {
        return false;
      }
    }
    return false;
  }

  /** True once shutdown hooks run: the JVM then refuses new ones. */
  private static boolean jvmExiting() {
    Thread probe = new Thread(() -> {});
    try {
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException exiting) {
      return true;
    }
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
