package io.synscope.examples.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.synscope.examples.app.AppTelemetry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The {@code http} example's application: a JDK HttpServer and a java.net.http.HttpClient in one
 * JVM, both traced with the OpenTelemetry API. Each client request is a CLIENT span whose trace
 * context travels in the {@code traceparent} header; the server answers with {@code Connection:
 * close}, so every request opens a connection of its own. Prints {@code REQUEST n status=...}.
 */
public final class HttpApp {
  static final int REQUESTS = 3;
  static final int BACKLOG = 50;

  private static final TextMapGetter<HttpExchange> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpExchange exchange) {
          return exchange.getRequestHeaders().keySet();
        }

        @Override
        public String get(HttpExchange exchange, String key) {
          return exchange == null ? null : exchange.getRequestHeaders().getFirst(key);
        }
      };

  private HttpApp() {}

  public static void main(String[] args) throws Exception {
    try (AppTelemetry telemetry = new AppTelemetry()) {
      Tracer tracer = telemetry.tracer();
      TextMapPropagator propagator =
          telemetry.openTelemetry().getPropagators().getTextMapPropagator();
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), BACKLOG);
      ExecutorService serverThreads = Executors.newFixedThreadPool(2);
      server.setExecutor(serverThreads);
      server.createContext("/hello", exchange -> handle(exchange, tracer, propagator));
      server.start();
      // The client's work runs on these threads; taskWrapping carries the caller's span to them,
      // so the connection the client opens there still belongs to the request.
      ExecutorService clientThreads = Executors.newFixedThreadPool(2);
      HttpClient client =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(5))
              .executor(Context.taskWrapping(clientThreads))
              .build();
      URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
      try {
        for (int i = 1; i <= REQUESTS; i++) {
          get(client, tracer, propagator, base.resolve("/hello/" + i), i);
        }
      } finally {
        server.stop(0);
        serverThreads.shutdown();
        clientThreads.shutdown();
        // The client has its last response before the server's handler has ended its span: that
        // span must end before the SDK closes, or it is never printed.
        serverThreads.awaitTermination(10, TimeUnit.SECONDS);
      }
    }
  }

  private static void get(
      HttpClient client, Tracer tracer, TextMapPropagator propagator, URI uri, int n)
      throws IOException, InterruptedException {
    Span span =
        tracer.spanBuilder("GET " + uri.getPath()).setSpanKind(SpanKind.CLIENT).startSpan();
    try (Scope ignored = span.makeCurrent()) {
      HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
      propagator.inject(Context.current(), request, (r, key, value) -> r.header(key, value));
      HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      span.setAttribute("http.response.status_code", (long) response.statusCode());
      System.out.println(
          "REQUEST " + n + " status=" + response.statusCode() + " body=" + response.body());
    } finally {
      span.end();
    }
  }

  private static void handle(HttpExchange exchange, Tracer tracer, TextMapPropagator propagator)
      throws IOException {
    Context parent = propagator.extract(Context.root(), exchange, HEADERS);
    InetSocketAddress peer = exchange.getRemoteAddress();
    Span span =
        tracer
            .spanBuilder("GET " + exchange.getRequestURI().getPath())
            .setSpanKind(SpanKind.SERVER)
            .setParent(parent)
            .setAttribute("network.peer.address", peer.getAddress().getHostAddress())
            .setAttribute("network.peer.port", (long) peer.getPort())
            .startSpan();
    try (exchange;
        Scope ignored = span.makeCurrent()) {
      String path = exchange.getRequestURI().getPath();
      byte[] body = ("hello " + path.substring(path.lastIndexOf('/') + 1))
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().put("Connection", List.of("close"));
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      span.setAttribute("http.response.status_code", 200L);
    } finally {
      span.end();
    }
  }
}
