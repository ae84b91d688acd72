package io.synscope.agent.export.otlp;

import io.opentelemetry.exporter.internal.marshal.Marshaler;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.internal.GrpcExporter;
import io.opentelemetry.exporter.otlp.internal.HttpExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.synscope.agent.AgentLog;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The SDK's OTLP span exporter, over HTTP or gRPC, with its requests encoded by {@link
 * OtlpSpansEncoder}: the endpoint, headers, compression, TLS, timeout, retries, the exporter's own
 * metrics and its failure lines all stay the SDK's, from the same configuration; only the encoding
 * is done here, at less than the SDK's cost. A batch too large for one request goes as several
 * ({@link io.synscope.agent.export.RequestSize}), each counted by the SDK's exporter as its own
 * export. A batch the encoder cannot write goes through the SDK's exporter whole.
 */
public final class EncodedSpanExporter implements SpanExporter {
  private final SpanExporter sdkExporter;
  private final Transport transport;
  private final OtlpSpansEncoder encoder = new OtlpSpansEncoder();

  /** The SDK's exporter under its span exporter: HttpExporter or GrpcExporter, the same call. */
  private interface Transport {
    CompletableResultCode export(Marshaler request, int spans);
  }

  private EncodedSpanExporter(SpanExporter sdkExporter, Transport transport) {
    this.sdkExporter = sdkExporter;
    this.transport = transport;
  }

  /**
   * The SDK's OTLP/HTTP protobuf or OTLP/gRPC exporter wrapped, or {@code exporter} itself when it
   * is another exporter, or when the SDK's exporter is not built the way this class knows (its
   * fields are the SDK's internals, at the version the agent ships; {@code EncodedSpanExporterTest}
   * checks them).
   */
  public static SpanExporter wrap(SpanExporter exporter) {
    try {
      if (exporter instanceof OtlpHttpSpanExporter) {
        HttpExporter http =
            (HttpExporter) field(OtlpHttpSpanExporter.class, "delegate").get(exporter);
        if (field(HttpExporter.class, "exportAsJson").getBoolean(http)) {
          return exporter;
        }
        return new EncodedSpanExporter(exporter, http::export);
      }
      if (exporter instanceof OtlpGrpcSpanExporter) {
        GrpcExporter grpc =
            (GrpcExporter) field(OtlpGrpcSpanExporter.class, "delegate").get(exporter);
        return new EncodedSpanExporter(exporter, grpc::export);
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      return exporter;
    }
    return exporter;
  }

  private static Field field(Class<?> owner, String name) throws NoSuchFieldException {
    Field f = owner.getDeclaredField(name);
    f.setAccessible(true);
    return f;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    List<EncodedRequest> requests;
    try {
      requests = encoder.encode(spans);
    } catch (RuntimeException e) {
      // Spans of some other SpanData implementation than the SDK's may break what the encoder
      // takes for granted; the SDK's encoding then has them.
      AgentLog.warnOnce(
          "otlp:encode", "the agent's OTLP encoding failed; the SDK's encodes the spans: " + e);
      requests = null;
    }
    if (requests == null) {
      return sdkExporter.export(spans);
    }
    if (requests.size() == 1) {
      return send(requests.get(0));
    }
    List<CompletableResultCode> sent = new ArrayList<>(requests.size());
    for (EncodedRequest request : requests) {
      sent.add(send(request));
    }
    return CompletableResultCode.ofAll(sent);
  }

  private CompletableResultCode send(EncodedRequest request) {
    CompletableResultCode result = transport.export(request, request.spans());
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
