package io.synscope.agent.export.zipkin;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.synscope.agent.export.BytesMessage;
import io.synscope.agent.export.ExportFailures;
import io.synscope.agent.export.RequestSize;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Exports spans to a Zipkin server's {@code POST /api/v2/spans} in its v2 JSON format.
 *
 * <p>The batch span processor calls {@link #export} on its worker thread; the request itself runs
 * on the agent's HTTP sender, on an agent thread (so the export's own connection is not traced)
 * with a bounded queue of requests. A batch larger than {@link RequestSize#MAX_BYTES} goes as
 * several requests. A request the server refuses or that cannot be sent has its spans counted in
 * {@link ExportFailures}, reported once per interval with every other lost span.
 */
final class ZipkinSpanExporter implements SpanExporter {
  private final URI endpoint;
  private final HttpSender sender;
  private final int maxRequestBytes;
  private final AtomicBoolean shutdown = new AtomicBoolean();

  ZipkinSpanExporter(URI endpoint, HttpSender sender) {
    this(endpoint, sender, RequestSize.MAX_BYTES);
  }

  /** An exporter whose requests are at most {@code maxRequestBytes} long, but for a larger span. */
  ZipkinSpanExporter(URI endpoint, HttpSender sender, int maxRequestBytes) {
    this.endpoint = endpoint;
    this.sender = sender;
    this.maxRequestBytes = maxRequestBytes;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    if (shutdown.get()) {
      return CompletableResultCode.ofFailure();
    }
    if (spans.isEmpty()) {
      return CompletableResultCode.ofSuccess();
    }
    List<ZipkinJson.Request> requests = ZipkinJson.encode(spans, maxRequestBytes);
    if (requests.size() == 1) {
      return send(requests.get(0));
    }
    List<CompletableResultCode> sent = new ArrayList<>(requests.size());
    for (ZipkinJson.Request request : requests) {
      sent.add(send(request));
    }
    return CompletableResultCode.ofAll(sent);
  }

  private CompletableResultCode send(ZipkinJson.Request request) {
    CompletableResultCode result = new CompletableResultCode();
    sender.send(
        new BytesMessage(request.body()),
        response -> {
          if (response.getStatusCode() / 100 == 2) {
            result.succeed();
          } else {
            ExportFailures.count(request.spans());
            ExportFailures.failedBecause(describe(response));
            result.fail();
          }
        },
        error -> {
          ExportFailures.count(request.spans()); // the sender noted why
          result.fail();
        });
    return result;
  }

  private String describe(HttpResponse response) {
    String body = new String(response.getResponseBody(), StandardCharsets.UTF_8).strip();
    int newline = body.indexOf('\n');
    if (newline >= 0) {
      body = body.substring(0, newline);
    }
    return "HTTP "
        + response.getStatusCode()
        + " from "
        + endpoint
        + (body.isEmpty() ? "" : ": " + body);
  }

  @Override
  public CompletableResultCode flush() {
    return CompletableResultCode.ofSuccess(); // nothing is buffered here; the processor flushes
  }

  @Override
  public CompletableResultCode shutdown() {
    if (!shutdown.compareAndSet(false, true)) {
      return CompletableResultCode.ofSuccess();
    }
    return sender.shutdown();
  }

  @Override
  public String toString() {
    return "ZipkinSpanExporter{endpoint=" + endpoint + "}";
  }
}
