package io.synscope.agent.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.synscope.agent.testing.CapturedSpans;
import io.synscope.agent.testing.OtlpReceiver;
import io.synscope.agent.testing.ReceivedRequest;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The agent's OTLP/HTTP sender, under the SDK's own span exporter (which finds it through
 * ServiceLoader, as in the agent), against a real receiver.
 */
class UrlConnectionHttpSenderTest {
  /**
   * A receiver that answers with a body (here an ExportTraceServiceResponse whose partial_success
   * rejected nothing): the answer is read whole and the connection kept for the next export.
   */
  @Test
  void exportsOneAfterAnotherShareOneConnection() {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        CapturedSpans sdk = spans(2)) {
      receiver.answerWith(new byte[] {0x0A, 0x00});
      OtlpHttpSpanExporter exporter =
          OtlpHttpSpanExporter.builder().setEndpoint(tracesEndpoint(receiver)).build();
      try {
        for (int i = 0; i < 3; i++) {
          assertThat(export(exporter, sdk.spans()).isSuccess()).isTrue();
        }
      } finally {
        exporter.shutdown().join(10, TimeUnit.SECONDS);
      }

      assertThat(receiver.requests()).hasSize(3);
      assertThat(receiver.spans()).hasSize(6);
      // One connection, no TIME_WAIT socket per export left on the application's host.
      assertThat(receiver.requests().stream().map(ReceivedRequest::clientPort).distinct())
          .hasSize(1);
    }
  }

  @Test
  void anErrorAnswerIsReadWholeAndTheNextExportGoesThrough() {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        CapturedSpans sdk = spans(1)) {
      OtlpHttpSpanExporter exporter =
          OtlpHttpSpanExporter.builder().setEndpoint(tracesEndpoint(receiver)).build();
      try {
        receiver.failWith(400);
        assertThat(export(exporter, sdk.spans()).isSuccess()).isFalse();
        // The reason the agent's lost-spans line gives.
        assertThat(ExportFailures.lastReason())
            .isEqualTo("HTTP 400 from " + tracesEndpoint(receiver));
        receiver.failWith(200);
        assertThat(export(exporter, sdk.spans()).isSuccess()).isTrue();
      } finally {
        exporter.shutdown().join(10, TimeUnit.SECONDS);
      }

      assertThat(receiver.requests()).extracting(ReceivedRequest::status).containsExactly(400, 200);
      assertThat(receiver.spans()).hasSize(1);
    }
  }

  @Test
  void compressesWithGzipWhenConfigured() {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        CapturedSpans sdk = spans(5)) {
      OtlpHttpSpanExporter exporter =
          OtlpHttpSpanExporter.builder()
              .setEndpoint(tracesEndpoint(receiver))
              .setCompression("gzip")
              .build();
      try {
        assertThat(export(exporter, sdk.spans()).isSuccess()).isTrue();
      } finally {
        exporter.shutdown().join(10, TimeUnit.SECONDS);
      }

      assertThat(receiver.requests())
          .extracting(ReceivedRequest::contentEncoding)
          .containsExactly("gzip");
      assertThat(receiver.spans()).hasSize(5);
      assertThat(receiver.decodeErrors()).isEmpty();
    }
  }

  /** Retries follow the policy until the exit begins; from then on an export gets one attempt. */
  @Test
  void retriesUntilTheExitBeginsThenOneAttemptEach() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      receiver.failWith(503);
      ExitSignal exit = new ExitSignal();
      RetryPolicy twice =
          RetryPolicy.builder().setMaxAttempts(2).setInitialBackoff(Duration.ofMillis(10)).build();
      UrlConnectionHttpSender sender =
          new UrlConnectionHttpSender(config(receiver, twice, Duration.ofSeconds(10)), exit);
      try {
        assertThat(send(sender).get(10, TimeUnit.SECONDS)).isEqualTo(503);
        assertThat(receiver.requestCount(OtlpReceiver.TRACES_PATH)).isEqualTo(2);

        exit.begin();
        assertThat(send(sender).get(10, TimeUnit.SECONDS)).isEqualTo(503);
        assertThat(receiver.requestCount(OtlpReceiver.TRACES_PATH)).isEqualTo(3);
      } finally {
        sender.shutdown();
      }
    }
  }

  /**
   * An export waiting to retry (the policy's wait is an hour) makes its last attempt as soon as
   * the exit begins.
   */
  @Test
  void theExitEndsARetrysWaitWithOneLastAttempt() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      receiver.failWith(503);
      ExitSignal exit = new ExitSignal();
      RetryPolicy hourly =
          RetryPolicy.builder()
              .setMaxAttempts(5)
              .setInitialBackoff(Duration.ofHours(1))
              .setMaxBackoff(Duration.ofHours(1))
              .build();
      UrlConnectionHttpSender sender =
          new UrlConnectionHttpSender(config(receiver, hourly, Duration.ofHours(3)), exit);
      try {
        CompletableFuture<Integer> status = send(sender);
        receiver.awaitRequests(OtlpReceiver.TRACES_PATH, 1, Duration.ofSeconds(10));
        assertThat(status).isNotDone();

        exit.begin();
        assertThat(status.get(10, TimeUnit.SECONDS)).isEqualTo(503);
        assertThat(receiver.requestCount(OtlpReceiver.TRACES_PATH)).isEqualTo(2);
      } finally {
        sender.shutdown();
      }
    }
  }

  /** One export of a small protobuf body; completes with the answer's status. */
  private static CompletableFuture<Integer> send(UrlConnectionHttpSender sender) {
    CompletableFuture<Integer> status = new CompletableFuture<>();
    sender.send(
        new BytesMessage(new byte[] {0x0A, 0x00}),
        response -> status.complete(response.getStatusCode()),
        status::completeExceptionally);
    return status;
  }

  private static HttpSenderConfig config(
      OtlpReceiver receiver, RetryPolicy retry, Duration timeout) {
    return new PlainHttpSenderConfig(
        URI.create(tracesEndpoint(receiver)), "application/x-protobuf", timeout, retry, 4096);
  }

  private static CapturedSpans spans(int count) {
    CapturedSpans sdk = new CapturedSpans("svc");
    for (int i = 0; i < count; i++) {
      sdk.tracer().spanBuilder("tcp.connect").startSpan().end();
    }
    return sdk;
  }

  private static String tracesEndpoint(OtlpReceiver receiver) {
    return receiver.endpoint() + OtlpReceiver.TRACES_PATH;
  }

  private static CompletableResultCode export(
      OtlpHttpSpanExporter exporter, List<SpanData> spans) {
    return exporter.export(spans).join(10, TimeUnit.SECONDS);
  }
}
