package io.synscope.agent.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpanDestinationsTest {
  private static String describe(Map<String, String> settings) {
    return SpanDestinations.describe(DefaultConfigProperties.createFromMap(settings));
  }

  @Test
  void otlpByDefaultToTheSdksDefaultEndpoint() {
    assertThat(describe(Map.of())).isEqualTo("spans to OTLP at http://localhost:4318/v1/traces");
  }

  @Test
  void theGeneralEndpointGetsTheTracesPathAsTheSdkAddsIt() {
    assertThat(describe(Map.of("otel.exporter.otlp.endpoint", "https://collector:4318")))
        .isEqualTo("spans to OTLP at https://collector:4318/v1/traces");
    assertThat(describe(Map.of("otel.exporter.otlp.endpoint", "http://gateway/otlp/")))
        .isEqualTo("spans to OTLP at http://gateway/otlp/v1/traces");
  }

  @Test
  void theTracesEndpointIsTakenAsItIs() {
    assertThat(
            describe(
                Map.of(
                    "otel.exporter.otlp.endpoint", "http://ignored:4318",
                    "otel.exporter.otlp.traces.endpoint", "http://collector:4318/custom")))
        .isEqualTo("spans to OTLP at http://collector:4318/custom");
  }

  @Test
  void grpcTakesTheEndpointAsItIsAndItsOwnDefault() {
    assertThat(describe(Map.of("otel.exporter.otlp.protocol", "grpc")))
        .isEqualTo("spans to OTLP/gRPC at http://localhost:4317");
    assertThat(
            describe(
                Map.of(
                    "otel.exporter.otlp.traces.protocol", "grpc",
                    "otel.exporter.otlp.endpoint", "http://collector:4317")))
        .isEqualTo("spans to OTLP/gRPC at http://collector:4317");
    assertThat(
            describe(
                Map.of(
                    "otel.exporter.otlp.protocol", "grpc",
                    "otel.exporter.otlp.traces.protocol", "http/protobuf",
                    "otel.exporter.otlp.endpoint", "http://collector:4318")))
        .isEqualTo("spans to OTLP at http://collector:4318/v1/traces");
  }

  @Test
  void everyExporterNamedInOrder() {
    assertThat(describe(Map.of("otel.traces.exporter", "zipkin,console,logging-otlp")))
        .isEqualTo(
            "spans to Zipkin at http://localhost:9411/api/v2/spans and the console"
                + " (java.util.logging) and OTLP JSON log lines (java.util.logging)");
    assertThat(
            describe(
                Map.of(
                    "otel.traces.exporter", "zipkin",
                    "otel.exporter.zipkin.endpoint", "http://zipkin:9411/api/v2/spans")))
        .isEqualTo("spans to Zipkin at http://zipkin:9411/api/v2/spans");
    assertThat(describe(Map.of("otel.traces.exporter", "vendor-x")))
        .isEqualTo("spans to the exporter 'vendor-x'");
  }

  @Test
  void noneSaysSo() {
    assertThat(describe(Map.of("otel.traces.exporter", "none")))
        .isEqualTo("spans not exported (otel.traces.exporter=none)");
  }
}
