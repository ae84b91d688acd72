package io.synscope.agent.export;

import io.opentelemetry.exporter.sender.okhttp.internal.OkHttpGrpcSenderProvider;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.GrpcSender;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import io.opentelemetry.sdk.common.export.GrpcSenderProvider;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;

/**
 * OTLP/gRPC ({@code otel.exporter.otlp.protocol=grpc}) through the SDK's OkHttp sender, on threads
 * of the agent's own: OkHttp connects on its dispatcher's threads, and the agent traces no
 * connection made by one of its threads. Failed exports are noted for the agent's report of lost
 * spans, as the OTLP/HTTP sender's are.
 */
public final class AgentGrpcSenderProvider implements GrpcSenderProvider {
  @Override
  public GrpcSender createSender(GrpcSenderConfig config) {
    // OkHttp's dispatcher bounds the calls in flight; the pool only lends them threads.
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            60,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            new AgentThreads("export-grpc"));
    GrpcSender okHttp =
        new OkHttpGrpcSenderProvider().createSender(new OnExecutor(config, executor));
    return new Sender(okHttp, executor, config.getEndpoint());
  }

  private static final class Sender implements GrpcSender {
    private final GrpcSender delegate;
    private final ExecutorService executor;
    private final URI endpoint;

    Sender(GrpcSender delegate, ExecutorService executor, URI endpoint) {
      this.delegate = delegate;
      this.executor = executor;
      this.endpoint = endpoint;
    }

    @Override
    public void send(
        MessageWriter message, Consumer<GrpcResponse> onResponse, Consumer<Throwable> onError) {
      delegate.send(
          message,
          response -> {
            if (response.getStatusCode() != GrpcStatusCode.OK) {
              ExportFailures.failedBecause(
                  "gRPC "
                      + response.getStatusCode()
                      + " from "
                      + endpoint
                      + (response.getStatusDescription() == null
                          ? ""
                          : ": " + response.getStatusDescription()));
            }
            onResponse.accept(response);
          },
          error ->
              onError.accept(
                  ExportFailures.failedRequest(
                      "gRPC export to " + endpoint + " failed: " + error)));
    }

    @Override
    public CompletableResultCode shutdown() {
      CompletableResultCode result = delegate.shutdown();
      executor.shutdown();
      return result;
    }
  }

  /** The SDK's configuration, with the agent's executor. */
  private static final class OnExecutor implements GrpcSenderConfig {
    private final GrpcSenderConfig config;
    private final ExecutorService executor;

    OnExecutor(GrpcSenderConfig config, ExecutorService executor) {
      this.config = config;
      this.executor = executor;
    }

    @Override
    public ExecutorService getExecutorService() {
      return executor;
    }

    @Override
    public URI getEndpoint() {
      return config.getEndpoint();
    }

    @Override
    public String getFullMethodName() {
      return config.getFullMethodName();
    }

    @Override
    public Compressor getCompressor() {
      return config.getCompressor();
    }

    @Override
    public Duration getTimeout() {
      return config.getTimeout();
    }

    @Override
    public Duration getConnectTimeout() {
      return config.getConnectTimeout();
    }

    @Override
    public Supplier<Map<String, List<String>>> getHeadersSupplier() {
      return config.getHeadersSupplier();
    }

    @Override
    public RetryPolicy getRetryPolicy() {
      return config.getRetryPolicy();
    }

    @Override
    public SSLContext getSslContext() {
      return config.getSslContext();
    }

    @Override
    public X509TrustManager getTrustManager() {
      return config.getTrustManager();
    }

    @Override
    public long getMaxResponseBodySize() {
      return config.getMaxResponseBodySize();
    }

    @Override
    public List<String> getEnabledProtocols() {
      return config.getEnabledProtocols();
    }
  }
}
