package io.synscope.agent.it;

import static io.synscope.agent.it.SpanChecks.ACCEPT;
import static io.synscope.agent.it.SpanChecks.CLOCK_TOLERANCE_NANOS;
import static io.synscope.agent.it.SpanChecks.CONNECT;
import static io.synscope.agent.it.SpanChecks.JIFFY_TOLERANCE_NANOS;
import static io.synscope.agent.it.SpanChecks.assertInside;
import static io.synscope.agent.it.SpanChecks.attributeIs;
import static io.synscope.agent.it.SpanChecks.ipv4SocketConnect;
import static io.synscope.agent.it.SpanChecks.named;
import static io.synscope.agent.it.SpanChecks.single;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.EventExecutor;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.synscope.agent.testing.ForkedJvm;
import io.synscope.agent.testing.OtlpReceiver;
import io.synscope.agent.testing.ReceivedSpan;
import io.synscope.agent.testing.apps.LibraryClientsApp;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Libraries built on the JDK's socket APIs are traced through them: {@code HttpURLConnection}
 * (a {@code Socket}), {@code java.net.http.HttpClient} (a non-blocking {@code SocketChannel}), the
 * JDK's {@code HttpServer} (a {@code ServerSocketChannel}), and Netty's NIO transport (both).
 * Each connect and accept span has the exact attributes of its connection, lies inside the request
 * that made it, and has the parent that the thread calling connect had current.
 */
class LibrariesIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @Test
  void httpClientsJdkHttpServerAndNettyAreTraced() {
    List<AppObservation> seen;
    List<ReceivedSpan> spans;
    try (OtlpReceiver receiver = OtlpReceiver.start();
        ForkedJvm app =
            ForkedJvm.builder(LibraryClientsApp.class)
                .classpathOf(Span.class)
                .classpathOf(Context.class)
                .classpathOf(ComponentLoader.class)
                .classpathOf(CompletableResultCode.class)
                .classpathOf(SdkTracerProvider.class)
                .classpathOf(Bootstrap.class)
                .classpathOf(ByteBuf.class)
                .classpathOf(EventExecutor.class)
                .classpathOf(AddressResolverGroup.class)
                .withAgent()
                .systemProperty("otel.exporter.otlp.endpoint", receiver.endpoint())
                .timeout(TIMEOUT)
                .start()) {
      app.awaitSuccess();
      seen = AppObservation.all(app);
      spans = receiver.awaitSpans(SpanChecks::ofConnections, 6, Duration.ofSeconds(10));
      assertThat(app.stderr()).doesNotContain("[synscope] WARN");
    }
    assertThat(named(spans, CONNECT)).hasSize(3);
    assertThat(named(spans, ACCEPT)).hasSize(3);

    // HttpURLConnection connects a java.net.Socket on the calling thread: under the app's span.
    AppObservation urlConnection = AppObservation.find(seen, "request", "url-connection");
    ReceivedSpan connect = connectOf(spans, urlConnection);
    assertThat(connect.attributes())
        .as("%s", connect)
        .isEqualTo(
            ipv4SocketConnect(
                urlConnection.number("serverPort"),
                urlConnection.number("clientPort"),
                0,
                connect.attribute("tcp.rtt_us")));
    assertChildOfAppSpan(connect, urlConnection);
    assertAccepted(spans, urlConnection, LibraryClientsApp.HTTP_BACKLOG);

    // HttpClient.send starts its non-blocking connect on the calling thread too, and asks for the
    // host by name.
    AppObservation httpClient = AppObservation.find(seen, "request", "http-client");
    connect = connectOf(spans, httpClient);
    assertThat(connect.attributes())
        .as("%s", connect)
        .isEqualTo(nonBlockingChannelConnectToLocalhost(httpClient, connect));
    assertChildOfAppSpan(connect, httpClient);
    assertAccepted(spans, httpClient, LibraryClientsApp.HTTP_BACKLOG);

    // Netty connects on its event loop, where the app's span is not current: the connect starts a
    // trace of its own, as every span the event loop's thread makes.
    AppObservation netty = AppObservation.find(seen, "request", "netty");
    connect = connectOf(spans, netty);
    assertThat(connect.attributes())
        .as("%s", connect)
        .isEqualTo(nonBlockingChannelConnectToLocalhost(netty, connect));
    assertInside(connect, netty);
    assertThat(connect.isRoot()).as("%s", connect).isTrue();
    assertThat(connect.traceId()).isNotEqualTo(netty.get("traceId"));
    assertAccepted(spans, netty, LibraryClientsApp.NETTY_BACKLOG);
  }

  private static ReceivedSpan connectOf(List<ReceivedSpan> spans, AppObservation request) {
    ReceivedSpan connect =
        single(
            named(spans, CONNECT),
            attributeIs("network.local.port", request.number("clientPort"))
                .and(attributeIs("network.peer.port", request.number("serverPort"))),
            request.caseName() + " connect");
    assertThat(connect.kind()).isEqualTo(ReceivedSpan.Kind.CLIENT);
    assertThat((Long) connect.attribute("tcp.rtt_us"))
        .isBetween(1L, connect.durationNanos() / 1000 + 1);
    return connect;
  }

  private static Map<String, Object> nonBlockingChannelConnectToLocalhost(
      AppObservation request, ReceivedSpan connect) {
    Map<String, Object> expected =
        ipv4SocketConnect(
            request.number("serverPort"),
            request.number("clientPort"),
            0,
            connect.attribute("tcp.rtt_us"));
    expected.put("tcp.api", "socket_channel");
    expected.put("tcp.connect.nonblocking", true);
    expected.put("server.address", "localhost");
    return expected;
  }

  private static void assertChildOfAppSpan(ReceivedSpan connect, AppObservation request) {
    assertInside(connect, request);
    assertThat(connect.traceId()).as("%s", connect).isEqualTo(request.get("traceId"));
    assertThat(connect.parentSpanId()).as("%s", connect).isEqualTo(request.get("spanId"));
  }

  /**
   * The server's accept of the request's connection: a root span of a {@code
   * ServerSocketChannel} accept, on the listener with the app's backlog, nothing queued behind
   * it, inside the request's time.
   */
  private static void assertAccepted(
      List<ReceivedSpan> spans, AppObservation request, int backlog) {
    long serverPort = request.number("serverPort");
    long clientPort = request.number("clientPort");
    ReceivedSpan accept =
        single(
            named(spans, ACCEPT),
            attributeIs("network.peer.port", clientPort)
                .and(attributeIs("network.local.port", serverPort)),
            request.caseName() + " accept");
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("network.transport", "tcp");
    expected.put("tcp.api", "server_socket_channel");
    expected.put("network.type", "ipv4");
    expected.put("network.peer.address", "127.0.0.1");
    expected.put("network.peer.port", clientPort);
    expected.put("network.local.address", "127.0.0.1");
    expected.put("network.local.port", serverPort);
    expected.put("tcp.syn_retransmits", 0L);
    expected.put("tcp.state", "ESTABLISHED");
    expected.put("tcp.listen.backlog", (long) backlog);
    expected.put("tcp.listen.queue_depth", 0L);
    long rtt = (Long) accept.attribute("tcp.rtt_us");
    assertThat(rtt).isBetween(1L, request.nanos() / 1000 + 1);
    expected.put("tcp.rtt_us", rtt);
    long waitMs = (Long) accept.attribute("tcp.accept.queue_wait_ms");
    assertThat(waitMs).isEqualTo(accept.durationNanos() / 1_000_000L);
    expected.put("tcp.accept.queue_wait_ms", waitMs);
    // An HTTP client may send its request before the server's accept: then the kernel has it.
    Object early = accept.attribute("tcp.accept.bytes_received");
    if (early != null) {
      assertThat((Long) early).isPositive();
      expected.put("tcp.accept.bytes_received", early);
    }
    assertThat(accept.attributes()).as("%s", accept).isEqualTo(expected);
    assertThat(accept.kind()).isEqualTo(ReceivedSpan.Kind.SERVER);
    assertThat(accept.isRoot()).as("%s", accept).isTrue();
    assertThat(accept.startEpochNanos())
        .as("start of %s vs %s", accept, request)
        .isGreaterThanOrEqualTo(request.before() - JIFFY_TOLERANCE_NANOS);
    assertThat(accept.endEpochNanos())
        .as("end of %s vs %s", accept, request)
        .isLessThanOrEqualTo(request.after() + CLOCK_TOLERANCE_NANOS);
  }
}
