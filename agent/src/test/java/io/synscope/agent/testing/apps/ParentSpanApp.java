package io.synscope.agent.testing.apps;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Collection;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * An app with its own OpenTelemetry SDK: connects and accepts inside spans of its own (case
 * {@code in-span}, printing the span's trace and span id) and outside any span (case {@code
 * no-span}). Calls only API that OpenTelemetry 1.10 has, so it also runs with that version.
 */
public final class ParentSpanApp {
  private ParentSpanApp() {}

  public static void main(String[] args) throws Exception {
    run();
  }

  public static void run() throws Exception {
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .addSpanProcessor(discardingProcessor())
            .build();
    Tracer tracer = provider.get("parent-span-app");
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    ExecutorService acceptor = Executors.newSingleThreadExecutor();
    try (ServerSocket server = new ServerSocket(0, 50, loopback)) {
      Future<?> accepted =
          acceptor.submit(
              () -> {
                accept(server, tracer, "in-span");
                accept(server, tracer, "no-span");
                return null;
              });
      InetSocketAddress remote = new InetSocketAddress(loopback, server.getLocalPort());
      Span span = tracer.spanBuilder("app-connect").startSpan();
      try (Scope scope = span.makeCurrent()) {
        connect(remote, "in-span", span.getSpanContext());
      } finally {
        span.end();
      }
      connect(remote, "no-span", null);
      accepted.get(30, TimeUnit.SECONDS);
    } finally {
      acceptor.shutdownNow();
      provider.shutdown();
    }
  }

  private static void connect(InetSocketAddress remote, String caseName, SpanContext parent)
      throws Exception {
    Observation o = Observation.begin("connect", caseName);
    try (Socket s = new Socket()) {
      s.connect(remote);
      o.end().remote(remote).endpoints(s.getLocalSocketAddress(), s.getRemoteSocketAddress());
      ids(o, parent).print();
    }
  }

  private static void accept(ServerSocket server, Tracer tracer, String caseName)
      throws Exception {
    Span span = caseName.equals("in-span") ? tracer.spanBuilder("app-accept").startSpan() : null;
    try (Scope scope = span == null ? null : span.makeCurrent()) {
      Observation o = Observation.begin("accept", caseName);
      try (Socket s = server.accept()) {
        o.end().endpoints(s.getLocalSocketAddress(), s.getRemoteSocketAddress());
        ids(o, span == null ? null : span.getSpanContext()).print();
      }
    } finally {
      if (span != null) {
        span.end();
      }
    }
  }

  /**
   * A processor for an app's own spans that sends them nowhere: only their ids matter, which the
   * app prints. Without a processor, newer SDKs hand out no-op tracers.
   */
  static SpanProcessor discardingProcessor() {
    return SimpleSpanProcessor.create(new DiscardingExporter());
  }

  private static final class DiscardingExporter implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  private static Observation ids(Observation o, SpanContext parent) {
    return parent == null
        ? o
        : o.put("traceId", parent.getTraceId()).put("spanId", parent.getSpanId());
  }
}
