package io.synscope.agent.export.zipkin;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.synscope.agent.export.PlainHttpSenderConfig;
import io.synscope.agent.export.UrlConnectionHttpSenderProvider;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * {@code otel.traces.exporter=zipkin}: spans to a Zipkin server, with the settings the
 * OpenTelemetry specification gives the Zipkin exporter: {@code otel.exporter.zipkin.endpoint}
 * (default {@value #DEFAULT_ENDPOINT}) and {@code otel.exporter.zipkin.timeout} (default 10 s).
 * Found by the SDK's autoconfiguration through ServiceLoader.
 */
public final class ZipkinSpanExporterProvider implements ConfigurableSpanExporterProvider {
  static final String NAME = "zipkin";
  public static final String ENDPOINT = "otel.exporter.zipkin.endpoint";
  static final String TIMEOUT = "otel.exporter.zipkin.timeout";
  public static final String DEFAULT_ENDPOINT = "http://localhost:9411/api/v2/spans";
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** Zipkin answers 202 with an empty body; an error's first lines are enough. */
  private static final long MAX_ANSWER_BYTES = 4096;

  @Override
  public SpanExporter createExporter(ConfigProperties config) {
    URI endpoint = endpoint(config.getString(ENDPOINT, DEFAULT_ENDPOINT));
    Duration timeout = config.getDuration(TIMEOUT, DEFAULT_TIMEOUT);
    return new ZipkinSpanExporter(
        endpoint,
        new UrlConnectionHttpSenderProvider()
            .createSender(
                new PlainHttpSenderConfig(
                    endpoint, "application/json", timeout, null, MAX_ANSWER_BYTES)));
  }

  private static URI endpoint(String value) {
    try {
      URI uri = new URI(value);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw new ConfigurationException(
            ENDPOINT + " must be an http or https URL, not '" + value + "'");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new ConfigurationException(ENDPOINT + " is not a URL: '" + value + "'", e);
    }
  }

  @Override
  public String getName() {
    return NAME;
  }
}
