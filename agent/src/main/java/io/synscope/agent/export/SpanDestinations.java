package io.synscope.agent.export;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.synscope.agent.export.zipkin.ZipkinSpanExporterProvider;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the spans go, in the words of the agent's start line ({@code spans to OTLP at
 * http://localhost:4318/v1/traces}): the first thing an operator asks when no span shows up. Read
 * from the configuration the SDK resolved, with the SDK's own defaults and its rule for the OTLP
 * traces endpoint.
 */
final class SpanDestinations {
  private static final String OTLP_DEFAULT_ENDPOINT = "http://localhost:4318/";
  private static final String OTLP_GRPC_DEFAULT_ENDPOINT = "http://localhost:4317";
  private static final String OTLP_TRACES_PATH = "v1/traces";

  private SpanDestinations() {}

  /** E.g. {@code spans to OTLP at http://collector:4318/v1/traces and the console}. */
  static String describe(ConfigProperties props) {
    List<String> exporters = props.getList("otel.traces.exporter");
    if (exporters.isEmpty()) {
      exporters = List.of("otlp");
    }
    if (exporters.equals(List.of("none"))) {
      return "spans not exported (otel.traces.exporter=none)";
    }
    List<String> places = new ArrayList<>();
    for (String exporter : exporters) {
      places.add(place(exporter, props));
    }
    return "spans to " + String.join(" and ", places);
  }

  /** The message when the SDK is off: it makes no span at all. */
  static String disabled() {
    return "no spans: the OpenTelemetry SDK is disabled (otel.sdk.disabled=true)";
  }

  private static String place(String exporter, ConfigProperties props) {
    switch (exporter) {
      case "otlp":
        return isGrpc(props)
            ? "OTLP/gRPC at " + otlpGrpcEndpoint(props)
            : "OTLP at " + otlpTracesEndpoint(props);
      case "zipkin":
        return "Zipkin at "
            + props.getString(
                ZipkinSpanExporterProvider.ENDPOINT, ZipkinSpanExporterProvider.DEFAULT_ENDPOINT);
      case "console":
      case "logging":
        return "the console (java.util.logging)";
      case "logging-otlp":
        return "OTLP JSON log lines (java.util.logging)";
      default:
        return "the exporter '" + exporter + "'";
    }
  }

  /** Whether traces go over gRPC: their own protocol setting, else the general one. */
  private static boolean isGrpc(ConfigProperties props) {
    String protocol = props.getString("otel.exporter.otlp.traces.protocol");
    if (protocol == null) {
      protocol = props.getString("otel.exporter.otlp.protocol", OtlpProtocols.HTTP_PROTOBUF);
    }
    return protocol.equals(OtlpProtocols.GRPC);
  }

  /** The SDK's rule for OTLP over gRPC: the traces endpoint, else the general one, as given. */
  private static String otlpGrpcEndpoint(ConfigProperties props) {
    String traces = props.getString("otel.exporter.otlp.traces.endpoint");
    return traces != null
        ? traces
        : props.getString("otel.exporter.otlp.endpoint", OTLP_GRPC_DEFAULT_ENDPOINT);
  }

  /**
   * The SDK's rule for OTLP over HTTP: the traces endpoint as given, or else the general endpoint
   * with {@code v1/traces} added to its path.
   */
  private static String otlpTracesEndpoint(ConfigProperties props) {
    String traces = props.getString("otel.exporter.otlp.traces.endpoint");
    if (traces != null) {
      return traces;
    }
    String base = props.getString("otel.exporter.otlp.endpoint", OTLP_DEFAULT_ENDPOINT);
    return (base.endsWith("/") ? base : base + "/") + OTLP_TRACES_PATH;
  }
}
