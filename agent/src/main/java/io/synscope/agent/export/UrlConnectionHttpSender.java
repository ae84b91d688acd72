package io.synscope.agent.export;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/**
 * Sends OTLP/HTTP requests with {@link HttpURLConnection} on the agent's own threads.
 *
 * <p>Why not the JDK HttpClient sender: its connections are made on the HttpClient's internal
 * threads, which the agent cannot tell apart from the application's, so the agent would trace its
 * own exports. Here each request runs start to finish on an {@link
 * io.synscope.agent.bootstrap.AgentThread}, whose connections are never traced.
 *
 * <p>Retries follow the configured policy until the JVM's exit begins ({@link ExitSignal}): from
 * then on each export gets one more attempt and no wait.
 */
final class UrlConnectionHttpSender implements HttpSender {
  private static final int MAX_QUEUED_REQUESTS = 64;

  private final HttpSenderConfig config;
  /**
   * One factory for every export: the JDK keeps an HTTPS connection alive for the next request
   * only when that request comes with the same factory, and SSLContext hands out a new one per
   * call, which would cost a TLS handshake per export.
   */
  private final SSLSocketFactory tlsSockets;
  private final ExitSignal exit;
  private final ExecutorService executor;

  UrlConnectionHttpSender(HttpSenderConfig config) {
    this(config, ExitSignal.JVM);
  }

  UrlConnectionHttpSender(HttpSenderConfig config, ExitSignal exit) {
    this.config = config;
    this.tlsSockets =
        config.getSslContext() == null ? null : config.getSslContext().getSocketFactory();
    this.exit = exit;
    this.executor =
        new ThreadPoolExecutor(
            1,
            2,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(MAX_QUEUED_REQUESTS),
            new AgentThreads("export"));
  }

  @Override
  public void send(
      MessageWriter message, Consumer<HttpResponse> onResponse, Consumer<Throwable> onError) {
    try {
      executor.execute(
          () -> {
            HttpResponse response;
            try {
              response = sendWithRetries(message);
            } catch (Throwable t) {
              failed(t, onError);
              return;
            }
            if (response.getStatusCode() / 100 != 2) {
              ExportFailures.failedBecause(
                  "HTTP " + response.getStatusCode() + " from " + config.getEndpoint());
            }
            onResponse.accept(response);
          });
    } catch (RejectedExecutionException e) {
      failed(
          new IOException(
              "export queue full ("
                  + MAX_QUEUED_REQUESTS
                  + " requests waiting for "
                  + config.getEndpoint()
                  + ")"),
          onError);
    }
  }

  /** Passes the failure on as one line, and notes it for the agent's report of lost spans. */
  private void failed(Throwable t, Consumer<Throwable> onError) {
    onError.accept(
        ExportFailures.failedRequest("POST " + config.getEndpoint() + " failed: " + t));
  }

  private HttpResponse sendWithRetries(MessageWriter message) throws IOException {
    RetryPolicy retry = config.getRetryPolicy();
    int attempts = retry == null ? 1 : Math.max(1, retry.getMaxAttempts());
    long backoffNanos = retry == null ? 0 : retry.getInitialBackoff().toNanos();
    long deadline = System.nanoTime() + config.getTimeout().toNanos();
    for (int attempt = 1; ; attempt++) {
      boolean last = attempt >= attempts || exit.begun();
      try {
        HttpResponse r = post(message);
        if (last || !isRetryable(r.getStatusCode())) {
          return r;
        }
      } catch (IOException e) {
        if (last || !isRetryable(retry, e)) {
          throw e;
        }
      }
      long sleep = (long) (backoffNanos * Math.random());
      if (System.nanoTime() + sleep >= deadline) {
        throw new IOException("export to " + config.getEndpoint() + " timed out after retries");
      }
      try {
        exit.awaitBegun(sleep); // when the exit begins, the next attempt is the last
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new IOException("export interrupted", ie);
      }
      backoffNanos =
          Math.min(
              (long) (backoffNanos * retry.getBackoffMultiplier()),
              retry.getMaxBackoff().toNanos());
    }
  }

  private static boolean isRetryable(RetryPolicy retry, IOException e) {
    if (retry != null && retry.getRetryExceptionPredicate() != null) {
      return retry.getRetryExceptionPredicate().test(e);
    }
    return e instanceof java.net.ConnectException || e instanceof java.net.SocketTimeoutException;
  }

  /**
   * The SDK logs an export failure with its throwable; the failure's cause is all an operator
   * needs, so it travels as one line instead of a stack trace per failed batch.
   */
  private static boolean isRetryable(int status) {
    return status == 429 || status == 502 || status == 503 || status == 504;
  }

  /**
   * One POST. When the answer was read whole, the connection is left to the JDK's keep-alive cache
   * for the next export (the JDK checks a kept connection before it streams a POST on it): a
   * connection per export would leave a TIME_WAIT socket on the host for each. An answer cut at
   * the configured size, or a failure, closes it.
   */
  private HttpResponse post(MessageWriter message) throws IOException {
    URI endpoint = config.getEndpoint();
    HttpURLConnection c = open(endpoint);
    boolean reusable = false;
    try {
      c.setRequestMethod("POST");
      c.setDoOutput(true);
      c.setUseCaches(false);
      c.setConnectTimeout(millis(config.getConnectTimeout().toMillis()));
      c.setReadTimeout(millis(config.getTimeout().toMillis()));
      c.setRequestProperty("Content-Type", config.getContentType());
      Map<String, List<String>> headers = config.getHeadersSupplier().get();
      if (headers != null) {
        headers.forEach((k, vs) -> vs.forEach(v -> c.addRequestProperty(k, v)));
      }
      if (config.getCompressor() != null) {
        c.setRequestProperty("Content-Encoding", config.getCompressor().getEncoding());
        c.setChunkedStreamingMode(0);
        try (OutputStream out = config.getCompressor().compress(c.getOutputStream())) {
          message.writeMessage(out);
        }
      } else {
        c.setFixedLengthStreamingMode(message.getContentLength());
        try (OutputStream out = c.getOutputStream()) {
          message.writeMessage(out);
        }
      }
      int status = c.getResponseCode();
      String statusMessage = c.getResponseMessage();
      Body body = readBody(c, status);
      reusable = body.whole();
      return new Response(status, statusMessage == null ? "" : statusMessage, body.bytes());
    } finally {
      if (!reusable) {
        c.disconnect();
      }
    }
  }

  private HttpURLConnection open(URI endpoint) throws IOException {
    Proxy proxy = Proxy.NO_PROXY;
    if (config.getProxyOptions() != null) {
      ProxySelector selector = config.getProxyOptions().getProxySelector();
      List<Proxy> proxies = selector.select(endpoint);
      if (!proxies.isEmpty()) {
        proxy = proxies.get(0);
      }
    }
    HttpURLConnection c = (HttpURLConnection) endpoint.toURL().openConnection(proxy);
    if (c instanceof HttpsURLConnection && tlsSockets != null) {
      ((HttpsURLConnection) c).setSSLSocketFactory(tlsSockets);
    }
    return c;
  }

  /** The answer's body, up to the configured bound; whole when nothing was left unread. */
  private Body readBody(HttpURLConnection c, int status) throws IOException {
    InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
    if (in == null) {
      return new Body(new byte[0], status < 400);
    }
    try (InputStream body = in) {
      long max = config.getMaxResponseBodySize();
      if (max <= 0) {
        return new Body(body.readAllBytes(), true);
      }
      byte[] bytes = body.readNBytes((int) Math.min(max, Integer.MAX_VALUE));
      return new Body(bytes, body.read() == -1);
    }
  }

  private record Body(byte[] bytes, boolean whole) {}

  private static int millis(long ms) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, ms));
  }

  @Override
  public CompletableResultCode shutdown() {
    executor.shutdown();
    return CompletableResultCode.ofSuccess();
  }

  private record Response(int status, String message, byte[] body) implements HttpResponse {
    @Override
    public int getStatusCode() {
      return status;
    }

    @Override
    public String getStatusMessage() {
      return message;
    }

    @Override
    public byte[] getResponseBody() {
      return body;
    }
  }
}
