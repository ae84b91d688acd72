package io.synscope.agent.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OtlpProtocolsTest {
  private final List<String> lines = new ArrayList<>();

  private Map<String, String> overrides(Map<String, String> settings) {
    return OtlpProtocols.onlySupported(DefaultConfigProperties.createFromMap(settings), lines::add);
  }

  @Test
  void anUnknownProtocolForTheDefaultTracesExporterBecomesHttpWithOneLine() {
    assertThat(overrides(Map.of("otel.exporter.otlp.protocol", "thrift")))
        .containsExactly(Map.entry("otel.exporter.otlp.protocol", "http/protobuf"));
    assertThat(lines)
        .containsExactly(
            "unsupported otel.exporter.otlp.protocol (OTEL_EXPORTER_OTLP_PROTOCOL): 'thrift'; using"
                + " http/protobuf (the agent ships http/protobuf and grpc; a Collector or Jaeger"
                + " takes http/protobuf on port 4318)");
  }

  @Test
  void grpcIsTakenAsItIs() {
    assertThat(overrides(Map.of("otel.exporter.otlp.protocol", "grpc"))).isEmpty();
    assertThat(overrides(Map.of("otel.exporter.otlp.traces.protocol", " GRPC")))
        .containsExactly(Map.entry("otel.exporter.otlp.traces.protocol", "grpc"));
    assertThat(lines).isEmpty();
  }

  @Test
  void aSignalsOwnSettingIsNamedWhenThatSignalExportsOtlp() {
    assertThat(
            overrides(
                Map.of(
                    "otel.metrics.exporter", "otlp",
                    "otel.exporter.otlp.metrics.protocol", "http/json")))
        .containsExactly(Map.entry("otel.exporter.otlp.metrics.protocol", "http/protobuf"));
    assertThat(lines).singleElement().asString().startsWith(
        "unsupported otel.exporter.otlp.metrics.protocol (OTEL_EXPORTER_OTLP_METRICS_PROTOCOL):"
            + " 'http/json';");
  }

  @Test
  void aSettingNoOtlpExporterReadsIsReplacedSilently() {
    assertThat(
            overrides(
                Map.of(
                    "otel.traces.exporter", "zipkin",
                    "otel.exporter.otlp.protocol", "http/json",
                    "otel.exporter.otlp.logs.protocol", "http/json")))
        .containsOnly(
            Map.entry("otel.exporter.otlp.protocol", "http/protobuf"),
            Map.entry("otel.exporter.otlp.logs.protocol", "http/protobuf"));
    assertThat(lines).isEmpty();
  }

  @Test
  void httpProtobufInAnotherCaseIsTakenWithoutALine() {
    assertThat(overrides(Map.of("otel.exporter.otlp.protocol", "HTTP/Protobuf")))
        .containsExactly(Map.entry("otel.exporter.otlp.protocol", "http/protobuf"));
    assertThat(overrides(Map.of("otel.exporter.otlp.protocol", "http/protobuf"))).isEmpty();
    assertThat(lines).isEmpty();
  }
}
