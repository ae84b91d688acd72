package io.synscope.agent.export.zipkin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.synscope.agent.testing.CapturedSpans;
import io.synscope.agent.testing.ForkedJvm;
import io.synscope.agent.testing.ZipkinServer;
import io.synscope.agent.testing.apps.TracedConnectApp;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Zipkin server receives a forked app's spans from the agent ({@code
 * otel.traces.exporter=zipkin}); what the app observed is read back through Zipkin's query API.
 */
class ZipkinExportIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final long QUEUE_MILLIS = 300;
  /** One jiffy at HZ=100 (the coarsest) plus rounding to whole milliseconds on both sides. */
  private static final long QUEUE_WAIT_TOLERANCE_MS = 12;
  private static final Pattern FIELD = Pattern.compile("(\\w+)=(\\S+)");

  private static ZipkinServer zipkin;

  @BeforeAll
  static void startZipkin() {
    zipkin = ZipkinServer.start();
  }

  @AfterAll
  static void stopZipkin() {
    if (zipkin != null) {
      zipkin.close();
    }
  }

  @Test
  void connectAndAcceptSpansArriveWithTheirTagsParentageKindsAndDurations() throws Exception {
    String service = "zipkin-it-" + ProcessHandle.current().pid();
    Map<String, String> connect;
    Map<String, String> accept;
    try (ForkedJvm app =
        ForkedJvm.builder(TracedConnectApp.class)
            .classpathOf(Span.class)
            .classpathOf(Context.class)
            .classpathOf(SdkTracerProvider.class)
            .classpathOf(CompletableResultCode.class)
            .classpathOf(ComponentLoader.class)
            .withAgent(
                "otel.traces.exporter=zipkin,otel.exporter.zipkin.endpoint="
                    + zipkin.spansEndpoint()
                    + ",otel.service.name="
                    + service)
            .args(Long.toString(QUEUE_MILLIS))
            .timeout(TIMEOUT)
            .start()) {
      connect = fields(app.awaitOutputLine(l -> l.startsWith("CONNECT "), TIMEOUT));
      accept = fields(app.awaitOutputLine(l -> l.startsWith("ACCEPT "), TIMEOUT));
      app.awaitSuccess();
      assertThat(app.stderr()).doesNotContain("[synscope] WARN");
    }
    String localPort = connect.get("local_port");
    String serverPort = connect.get("server_port");

    List<Map<String, Object>> appTrace =
        await()
            .atMost(TIMEOUT)
            .until(() -> zipkin.trace(connect.get("trace")), spans -> !spans.isEmpty());
    assertThat(appTrace).hasSize(1);
    Map<String, Object> connectSpan = appTrace.get(0);
    assertThat(connectSpan)
        .containsEntry("name", "tcp.connect")
        .containsEntry("kind", "CLIENT")
        .containsEntry("traceId", connect.get("trace"))
        .containsEntry("parentId", connect.get("parent"))
        .containsEntry(
            "localEndpoint",
            Map.of("serviceName", service, "ipv4", "127.0.0.1", "port", Long.parseLong(localPort)))
        .containsEntry(
            "remoteEndpoint", Map.of("ipv4", "127.0.0.1", "port", Long.parseLong(serverPort)));
    assertThat(tags(connectSpan))
        .containsEntry("tcp.api", "socket")
        .containsEntry("network.transport", "tcp")
        .containsEntry("network.peer.port", serverPort)
        .containsEntry("network.local.port", localPort)
        .containsEntry("server.port", serverPort)
        .containsEntry("tcp.syn_retransmits", "0")
        .containsEntry("tcp.state", "ESTABLISHED")
        .containsEntry("otel.scope.name", "io.synscope")
        .containsKey("tcp.rtt_us")
        .doesNotContainKeys("error", "otel.status_code");
    long connectStart = (Long) connectSpan.get("timestamp");
    long connectDuration = (Long) connectSpan.get("duration");
    // The span lies within the app's own clock readings around connect(), give or take the
    // millisecond the agent's and the app's clocks may differ by.
    assertThat(connectStart).isBetween(Long.parseLong(connect.get("start_us")) - 1_000,
        Long.parseLong(connect.get("end_us")));
    assertThat(connectDuration)
        .isBetween(1L, Long.parseLong(connect.get("end_us")) - Long.parseLong(connect.get("start_us")) + 1_000);

    List<List<Map<String, Object>>> traces = zipkin.traces(service);
    List<Map<String, Object>> accepts =
        traces.stream()
            .flatMap(List::stream)
            .filter(s -> "tcp.accept".equals(s.get("name")))
            .toList();
    assertThat(accepts).hasSize(1);
    Map<String, Object> acceptSpan = accepts.get(0);
    assertThat(acceptSpan)
        .containsEntry("kind", "SERVER")
        .doesNotContainKey("parentId")
        .containsEntry(
            "localEndpoint",
            Map.of("serviceName", service, "ipv4", "127.0.0.1", "port", Long.parseLong(serverPort)))
        .containsEntry(
            "remoteEndpoint", Map.of("ipv4", "127.0.0.1", "port", Long.parseLong(localPort)));
    Map<String, String> acceptTags = tags(acceptSpan);
    assertThat(accept.get("peer_port")).isEqualTo(localPort);
    assertThat(acceptTags)
        .containsEntry("tcp.api", "server_socket")
        .containsEntry("network.peer.port", localPort)
        .containsEntry("network.local.port", serverPort)
        .containsEntry("tcp.syn_retransmits", "0")
        .containsEntry("tcp.listen.backlog", accept.get("backlog"))
        .containsEntry("tcp.listen.queue_depth", "0")
        .containsEntry("tcp.state", "ESTABLISHED");
    long queueWait = Long.parseLong(acceptTags.get("tcp.accept.queue_wait_ms"));
    assertThat(queueWait)
        .isBetween(
            Long.parseLong(accept.get("queued_min_ms")) - QUEUE_WAIT_TOLERANCE_MS,
            Long.parseLong(accept.get("queued_max_ms")) + QUEUE_WAIT_TOLERANCE_MS);
    // The accept span runs from the handshake's completion to accept returning: its duration is
    // the queue wait, which is that duration in whole milliseconds (the extra microsecond: start
    // and end are each cut to microseconds).
    assertThat((Long) acceptSpan.get("duration"))
        .isBetween(queueWait * 1_000, queueWait * 1_000 + 1_000);
    // (The listener poller's overflow spans count the network namespace's counters, which other
    // processes may move: they are not this test's subject.)
    assertThat(
            traces.stream()
                .flatMap(List::stream)
                .map(s -> s.get("name"))
                .filter(n -> !"tcp.listen.overflow".equals(n)))
        .containsExactlyInAnyOrder("tcp.connect", "tcp.accept");
  }

  /**
   * A burst of failed connects, each with its stack trace, makes a batch of more Zipkin JSON than
   * the Zipkin server takes in one request (it answers 500 to this one, posted whole); the exporter
   * sends it as several requests, and every span arrives.
   */
  @Test
  void aBatchLargerThanZipkinTakesInOneRequestArrivesWhole() throws Exception {
    String service = "zipkin-burst-" + ProcessHandle.current().pid();
    try (CapturedSpans sdk = new CapturedSpans(service)) {
      Span burst = sdk.tracer().spanBuilder("burst").startSpan();
      Context parent = Context.root().with(burst);
      ConnectException refused = refusedFrom(150);
      int count = 0;
      do {
        for (int i = 0; i < 100; i++, count++) {
          Span connect =
              sdk.tracer()
                  .spanBuilder("tcp.connect")
                  .setParent(parent)
                  .setAttribute("network.peer.port", 10_000L + count)
                  .startSpan();
          connect.recordException(refused);
          connect.end();
        }
      } while (oneRequest(sdk.spans()).length <= 12 * 1024 * 1024);
      List<SpanData> spans = sdk.spans();
      int made = count;
      assertThat(post(oneRequest(spans))).as("the batch posted whole").isEqualTo(500);

      SpanExporter exporter =
          new ZipkinSpanExporterProvider()
              .createExporter(
                  DefaultConfigProperties.createFromMap(
                      Map.of(ZipkinSpanExporterProvider.ENDPOINT, zipkin.spansEndpoint())));
      try {
        assertThat(exporter.export(spans).join(60, TimeUnit.SECONDS).isSuccess()).isTrue();
      } finally {
        exporter.shutdown().join(10, TimeUnit.SECONDS);
      }
      String traceId = burst.getSpanContext().getTraceId();
      List<Map<String, Object>> received =
          await()
              .atMost(TIMEOUT)
              .until(() -> zipkin.trace(traceId), trace -> trace.size() >= made);
      assertThat(received)
          .extracting(span -> tags(span).get("network.peer.port"))
          .containsExactlyInAnyOrderElementsOf(
              IntStream.range(0, made).mapToObj(i -> Long.toString(10_000L + i)).toList());
    }
  }

  /** A refused connect's exception, thrown from {@code depth} frames down. */
  private static ConnectException refusedFrom(int depth) {
    if (depth == 0) {
      return new ConnectException("Connection refused");
    }
    return refusedFrom(depth - 1);
  }

  private static byte[] oneRequest(List<SpanData> spans) {
    return ZipkinJson.encode(spans, Integer.MAX_VALUE).get(0).body();
  }

  private static int post(byte[] body) throws IOException {
    HttpURLConnection c =
        (HttpURLConnection) URI.create(zipkin.spansEndpoint()).toURL().openConnection();
    try {
      c.setRequestMethod("POST");
      c.setDoOutput(true);
      c.setRequestProperty("Content-Type", "application/json");
      c.setFixedLengthStreamingMode(body.length);
      try (OutputStream out = c.getOutputStream()) {
        out.write(body);
      }
      return c.getResponseCode();
    } finally {
      c.disconnect();
    }
  }

  private static Map<String, String> fields(String line) {
    Map<String, String> fields = new HashMap<>();
    Matcher m = FIELD.matcher(line);
    while (m.find()) {
      fields.put(m.group(1), m.group(2));
    }
    return fields;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> tags(Map<String, Object> span) {
    return Optional.ofNullable((Map<String, String>) span.get("tags")).orElse(Map.of());
  }
}
