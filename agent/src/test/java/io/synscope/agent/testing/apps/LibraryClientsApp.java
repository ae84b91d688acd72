package io.synscope.agent.testing.apps;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Connections that libraries built on the JDK's socket APIs make, each case inside a span of the
 * app's own SDK: a request with {@code HttpURLConnection} and one with {@code
 * java.net.http.HttpClient}, both to a JDK {@code HttpServer}, then a Netty NIO client connecting
 * to a Netty NIO server. Each case prints one {@code OBS} line (kind {@code request}): the wall
 * clock around the whole call, the port the server saw the client come from, the server's port, and
 * the app span's ids. The servers listen on 127.0.0.1 with backlogs of their own ({@link
 * #HTTP_BACKLOG}, {@link #NETTY_BACKLOG}), so the accept spans' backlog is known.
 */
public final class LibraryClientsApp {
  public static final int HTTP_BACKLOG = 17;
  public static final int NETTY_BACKLOG = 23;

  private LibraryClientsApp() {}

  public static void main(String[] args) throws Exception {
    SdkTracerProvider provider =
        SdkTracerProvider.builder().addSpanProcessor(ParentSpanApp.discardingProcessor()).build();
    Tracer tracer = provider.get("library-clients-app");
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    Map<String, Integer> clientPorts = new ConcurrentHashMap<>();
    HttpServer http = HttpServer.create(new InetSocketAddress(loopback, 0), HTTP_BACKLOG);
    http.createContext("/", exchange -> answer(exchange, clientPorts));
    http.start();
    try {
      int port = http.getAddress().getPort();
      inSpan(
          tracer,
          "url-connection",
          port,
          () -> {
            HttpURLConnection c =
                (HttpURLConnection)
                    URI.create("http://127.0.0.1:" + port + "/url-connection").toURL().openConnection();
            try (InputStream body = c.getInputStream()) {
              body.readAllBytes();
              check(c.getResponseCode());
            }
            return clientPorts.get("/url-connection");
          });
      HttpClient client = HttpClient.newHttpClient();
      inSpan(
          tracer,
          "http-client",
          port,
          () -> {
            HttpResponse<Void> response =
                client.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/http-client"))
                        .build(),
                    HttpResponse.BodyHandlers.discarding());
            check(response.statusCode());
            return clientPorts.get("/http-client");
          });
    } finally {
      http.stop(0);
    }
    netty(tracer, loopback);
    provider.shutdown().join(10, TimeUnit.SECONDS);
  }

  private static void netty(Tracer tracer, InetAddress loopback) throws Exception {
    EventLoopGroup group = new NioEventLoopGroup(2);
    try {
      CompletableFuture<Integer> accepted = new CompletableFuture<>();
      Channel server =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .option(ChannelOption.SO_BACKLOG, NETTY_BACKLOG)
              .childHandler(
                  new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel child) {
                      accepted.complete(((InetSocketAddress) child.remoteAddress()).getPort());
                    }
                  })
              .bind(loopback, 0)
              .sync()
              .channel();
      int port = ((InetSocketAddress) server.localAddress()).getPort();
      inSpan(
          tracer,
          "netty",
          port,
          () -> {
            Channel channel =
                new Bootstrap()
                    .group(group)
                    .channel(NioSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect("localhost", port)
                    .sync()
                    .channel();
            int localPort = ((InetSocketAddress) channel.localAddress()).getPort();
            int seen = accepted.get(30, TimeUnit.SECONDS);
            channel.close().sync();
            if (seen != localPort) {
              throw new IllegalStateException("server saw port " + seen + ", client has " + localPort);
            }
            return localPort;
          });
      server.close().sync();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  private interface Call {
    /** Makes the case's connection; returns the client's port as the server saw it. */
    Integer run() throws Exception;
  }

  private static void inSpan(Tracer tracer, String caseName, int serverPort, Call call)
      throws Exception {
    Span span = tracer.spanBuilder("app-" + caseName).startSpan();
    try (Scope scope = span.makeCurrent()) {
      Observation o = Observation.begin("request", caseName);
      Integer clientPort = call.run();
      o.end()
          .put("serverPort", serverPort)
          .put("clientPort", clientPort)
          .put("traceId", span.getSpanContext().getTraceId())
          .put("spanId", span.getSpanContext().getSpanId())
          .print();
    } finally {
      span.end();
    }
  }

  private static void answer(HttpExchange exchange, Map<String, Integer> clientPorts)
      throws IOException {
    try (exchange) {
      clientPorts.put(exchange.getRequestURI().getPath(), exchange.getRemoteAddress().getPort());
      byte[] body = "ok".getBytes(StandardCharsets.US_ASCII);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  private static void check(int status) {
    if (status != 200) {
      throw new IllegalStateException("HTTP status " + status);
    }
  }
}
