package io.synscope.agent.export;

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
 * The settings of a sender that needs only an endpoint, a content type, a timeout and maybe a
 * retry policy: no compression, headers, proxy or TLS settings of its own (an {@code https}
 * endpoint uses the JVM's defaults). The Zipkin exporter's sender, whose failed batch is counted
 * as lost without retries, like the OTLP exporter's after its retries.
 *
 * @param retryPolicy null for no retries
 * @param maxResponseBodySize how much of an answer is read
 */
public record PlainHttpSenderConfig(
    URI endpoint,
    String contentType,
    Duration timeout,
    RetryPolicy retryPolicy,
    long maxResponseBodySize)
    implements HttpSenderConfig {

  @Override
  public URI getEndpoint() {
    return endpoint;
  }

  @Override
  public String getContentType() {
    return contentType;
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
    return retryPolicy;
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
    return maxResponseBodySize;
  }
}
