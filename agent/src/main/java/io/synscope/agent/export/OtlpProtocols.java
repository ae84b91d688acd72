package io.synscope.agent.export;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The agent ships OTLP over HTTP/protobuf only: gRPC would bring HTTP/2 and a gRPC stack into
 * every application's JVM. Left to the SDK, {@code grpc} (or {@code http/json}, or a typo) would
 * reject the whole configuration with "Unexpected configuration error" and turn the agent off; here
 * the setting is replaced by {@code http/protobuf}, with one line that names it and its value
 * (the SDK itself says when the endpoint's port is gRPC's 4317).
 */
final class OtlpProtocols {
  static final String SUPPORTED = "http/protobuf";

  private static final String GENERAL = "otel.exporter.otlp.protocol";
  private static final List<String> SIGNALS = List.of("traces", "metrics", "logs");

  private OtlpProtocols() {}

  /**
   * The overrides that put every OTLP protocol setting the agent cannot honour back to {@code
   * http/protobuf}; one line to {@code warn} for each that an OTLP exporter in use would read.
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
    if (value == null || value.equals(SUPPORTED)) {
      return;
    }
    overrides.put(key, SUPPORTED);
    if (read && !value.trim().toLowerCase(Locale.ROOT).equals(SUPPORTED)) {
      warn.accept(
          "unsupported "
              + key
              + " (" + envName(key) + "): '"
              + value
              + "'; using http/protobuf, the only OTLP protocol the agent ships (a Collector or"
              + " Jaeger takes it on port 4318)");
    }
  }

  private static String envName(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_');
  }
}
