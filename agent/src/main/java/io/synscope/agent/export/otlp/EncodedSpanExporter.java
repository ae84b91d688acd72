package io.synscope.agent.export.otlp;

import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.internal.HttpExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.synscope.agent.AgentLog;
import java.lang.reflect.Field;
import java.util.Collection;

/**
 * The SDK's OTLP/HTTP span exporter with its requests encoded by {@link OtlpSpansEncoder}: the
 * endpoint, headers, compression, TLS, timeout, retries, the exporter's own metrics and its failure
 * lines all stay the SDK's, from the same configuration; only the encoding is done here, at less
 * than the SDK's cost. A batch the encoder cannot write goes through the SDK's exporter whole.
 */
public final class EncodedSpanExporter implements SpanExporter {
  private final OtlpHttpSpanExporter sdkExporter;
  private final HttpExporter http;
  private final OtlpSpansEncoder encoder = new OtlpSpansEncoder();

  private EncodedSpanExporter(OtlpHttpSpanExporter sdkExporter, HttpExporter http) {
    this.sdkExporter = sdkExporter;
    this.http = http;
  }

  /**
   * The SDK's OTLP/HTTP protobuf exporter wrapped, or {@code exporter} itself when it is another
   * exporter, or when the SDK's exporter is not built the way this class knows (its fields are the
   * SDK's internals, at the version the agent ships; {@code EncodedSpanExporterTest} checks them).
   */
  public static SpanExporter wrap(SpanExporter exporter) {
    if (!(exporter instanceof OtlpHttpSpanExporter)) {
      return exporter;
    }
    try {
      HttpExporter http =
          (HttpExporter) field(OtlpHttpSpanExporter.class, "delegate").get(exporter);
      if (field(HttpExporter.class, "exportAsJson").getBoolean(http)) {
        return exporter;
      }
      return new EncodedSpanExporter((OtlpHttpSpanExporter) exporter, http);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return exporter;
    }
  }

  private static Field field(Class<?> owner, String name) throws NoSuchFieldException {
    Field f = owner.getDeclaredField(name);
    f.setAccessible(true);
    return f;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    EncodedRequest request;
    try {
      request = encoder.encode(spans);
    } catch (RuntimeException e) {
      // Spans of some other SpanData implementation than the SDK's may break what the encoder
      // takes for granted; the SDK's encoding then has them.
      AgentLog.warnOnce(
          "otlp:encode", "the agent's OTLP encoding failed; the SDK's encodes the spans: " + e);
      request = null;
    }
    if (request == null) {
      return sdkExporter.export(spans);
    }
    CompletableResultCode result = http.export(request, spans.size());
    result.whenComplete(request::release);
    return result;
  }

  @Override
  public CompletableResultCode flush() {
    return sdkExporter.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return sdkExporter.shutdown();
  }

  @Override
  public String toString() {
    return sdkExporter.toString();
  }
}
