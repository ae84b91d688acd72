package io.synscope.agent.export.zipkin;

import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.ProxyOptions;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;

/**
 * What the agent's HTTP sender needs to POST Zipkin JSON: the endpoint and the timeout. No
 * compression, proxy, TLS settings of its own (an {@code https} endpoint uses the JVM's defaults)
 * or retries: a batch that fails is counted as lost, like the OTLP exporter's.
 */
record ZipkinSenderConfig(URI endpoint, Duration timeout) implements HttpSenderConfig {
  static final String CONTENT_TYPE = "application/json";

  @Override
  public URI getEndpoint() {
    return endpoint;
  }

  @Override
  public String getContentType() {
    return CONTENT_TYPE;
  }

  @Override
  public Compressor getCompressor() {
    return null;
  }

  @Override
  public Duration getTimeout() {
    return timeout;
  }

  @Override
  public Duration getConnectTimeout() {
    return timeout;
  }

  @Override
  public Supplier<Map<String, List<String>>> getHeadersSupplier() {
    return Map::of;
  }

  @Override
  public ProxyOptions getProxyOptions() {
    return null;
  }

  @Override
  public RetryPolicy getRetryPolicy() {
    return null;
  }

  @Override
  public SSLContext getSslContext() {
    return null;
  }

  @Override
  public X509TrustManager getTrustManager() {
    return null;
  }

  @Override
  public ExecutorService getExecutorService() {
    return null;
  }

  @Override
  public long getMaxResponseBodySize() {
    return 4096; // Zipkin answers 202 with an empty body; an error's first lines are enough
  }
}
