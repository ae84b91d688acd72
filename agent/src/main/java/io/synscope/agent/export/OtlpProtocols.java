package io.synscope.agent.export;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The OTLP protocols the agent ships: {@code http/protobuf} (its default, through the agent's own
 * sender) and {@code grpc} (through OkHttp, {@link AgentGrpcSenderProvider}). Left to the SDK, any
 * other value ({@code http/json}, a typo) would reject the whole configuration with "Unexpected
 * configuration error" and turn the agent off; here it is replaced by {@code http/protobuf}, with
 * one line that names the setting and its value. A supported protocol in other letter case is
 * taken as meant.
 */
final class OtlpProtocols {
  static final String HTTP_PROTOBUF = "http/protobuf";
  static final String GRPC = "grpc";
  private static final Set<String> SUPPORTED = Set.of(HTTP_PROTOBUF, GRPC);

  private static final String GENERAL = "otel.exporter.otlp.protocol";
  private static final List<String> SIGNALS = List.of("traces", "metrics", "logs");

  private OtlpProtocols() {}

  /**
   * The overrides that put every OTLP protocol setting the agent cannot honour back to {@code
   * http/protobuf}, and a supported one into the SDK's letter case; one line to {@code warn} for
   * each replaced setting that an OTLP exporter in use would read.
   */
  static Map<String, String> onlySupported(ConfigProperties props, Consumer<String> warn) {
    Map<String, String> overrides = new LinkedHashMap<>();
    boolean anyOtlp = false;
    for (String signal : SIGNALS) {
      boolean otlp = exportsOtlp(props, signal);
      anyOtlp |= otlp;
      replace(props, "otel.exporter.otlp." + signal + ".protocol", otlp, overrides, warn);
    }
    replace(props, GENERAL, anyOtlp, overrides, warn);
    return overrides;
  }

  /** Whether the signal leaves through an OTLP exporter (traces do when nothing is set). */
  private static boolean exportsOtlp(ConfigProperties props, String signal) {
    List<String> exporters = props.getList("otel." + signal + ".exporter");
    return exporters.contains("otlp") || (signal.equals("traces") && exporters.isEmpty());
  }

  private static void replace(
      ConfigProperties props,
      String key,
      boolean read,
      Map<String, String> overrides,
      Consumer<String> warn) {
    String value = props.getString(key);
    if (value == null) {
      return;
    }
    String meant = value.trim().toLowerCase(Locale.ROOT);
    if (SUPPORTED.contains(meant)) {
      if (!meant.equals(value)) {
        overrides.put(key, meant);
      }
      return;
    }
    overrides.put(key, HTTP_PROTOBUF);
    if (read) {
      warn.accept(
          "unsupported "
              + key
              + " (" + envName(key) + "): '"
              + value
              + "'; using http/protobuf (the agent ships http/protobuf and grpc; a Collector or"
              + " Jaeger takes http/protobuf on port 4318)");
    }
  }

  private static String envName(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_');
  }
}
