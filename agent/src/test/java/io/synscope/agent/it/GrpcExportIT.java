package io.synscope.agent.it;

import static io.synscope.agent.it.SpanChecks.ACCEPT;
import static io.synscope.agent.it.SpanChecks.CONNECT;
import static io.synscope.agent.it.SpanChecks.assertInside;
import static io.synscope.agent.it.SpanChecks.attributeIs;
import static io.synscope.agent.it.SpanChecks.named;
import static org.assertj.core.api.Assertions.assertThat;

import io.synscope.agent.testing.ForkedJvm;
import io.synscope.agent.testing.OtlpReceiver;
import io.synscope.agent.testing.ReceivedSpan;
import io.synscope.agent.testing.SelfSignedCertificate;
import io.synscope.agent.testing.apps.ConnectOnCommandApp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OTLP over gRPC ({@code otel.exporter.otlp.protocol=grpc}, the SDK's own default protocol) to a
 * real gRPC server: spans and metrics arrive, the export's HTTP/2 connection is not traced, and an
 * endpoint that refuses connections is reported as lost spans, as over HTTP.
 */
class GrpcExportIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @Test
  void spansAndMetricsGoOverGrpcAndTheExportsOwnConnectionIsNotTraced() {
    try (OtlpReceiver receiver = OtlpReceiver.start().withGrpc();
        ForkedJvm app =
            ForkedJvm.builder(ConnectOnCommandApp.class)
                .withAgent()
                .systemProperty("otel.exporter.otlp.protocol", "grpc")
                .systemProperty("otel.exporter.otlp.endpoint", receiver.grpcEndpoint())
                .systemProperty("otel.metrics.exporter", "otlp")
                .systemProperty("otel.metric.export.interval", "500")
                .timeout(TIMEOUT)
                .start()) {
      app.awaitOutputLine(line -> line.startsWith("READY"), TIMEOUT);
      app.sendLine("CONNECT grpc");
      app.awaitOutputLine("DONE grpc"::equals, TIMEOUT);
      List<ReceivedSpan> spans = receiver.awaitSpans(SpanChecks::ofConnections, 2, TIMEOUT);
      receiver.awaitMetric(m -> m.name().equals("tcp.connect.duration"), TIMEOUT);
      app.closeStdin();
      app.awaitSuccess();

      List<AppObservation> seen = AppObservation.all(app);
      AppObservation client = AppObservation.find(seen, "connect", "grpc");
      AppObservation server = AppObservation.find(seen, "accept", "grpc");
      assertThat(spans).hasSize(2);
      ReceivedSpan connect = named(spans, CONNECT).get(0);
      ReceivedSpan accept = named(spans, ACCEPT).get(0);
      assertThat(connect.attributes())
          .containsEntry("network.local.port", client.number("localPort"))
          .containsEntry("server.port", client.number("remotePort"));
      assertThat(accept.attributes())
          .containsEntry("network.peer.port", client.number("localPort"))
          .containsEntry("network.local.port", server.number("localPort"));
      assertInside(connect, client);
      // Nothing came over HTTP; the gRPC connection's own connect made no span.
      assertThat(receiver.requests()).isEmpty();
      long grpcPort = Long.parseLong(receiver.grpcEndpoint().replaceAll(".*:", ""));
      assertThat(receiver.spans())
          .noneMatch(attributeIs("network.peer.port", grpcPort))
          .noneMatch(attributeIs("server.port", grpcPort));
      assertThat(app.stderr())
          .contains("spans to OTLP/gRPC at " + receiver.grpcEndpoint())
          .doesNotContain("[synscope] WARN")
          .doesNotContain("Exception");
    }
  }

  /** A Collector's gRPC port over TLS, its certificate named by the standard option. */
  @Test
  void exportsOverGrpcWithTlsAndTheConfiguredCertificate(@TempDir Path dir) {
    SelfSignedCertificate certificate = SelfSignedCertificate.create(dir);
    try (OtlpReceiver receiver = OtlpReceiver.start().withGrpcTls(certificate);
        ForkedJvm app =
            ForkedJvm.builder(ConnectOnCommandApp.class)
                .withAgent()
                .systemProperty("otel.exporter.otlp.protocol", "grpc")
                .systemProperty("otel.exporter.otlp.endpoint", receiver.grpcEndpoint())
                .systemProperty("otel.exporter.otlp.certificate", certificate.pem().toString())
                .timeout(TIMEOUT)
                .start()) {
      assertThat(receiver.grpcEndpoint()).startsWith("https://127.0.0.1:");
      app.awaitOutputLine(line -> line.startsWith("READY"), TIMEOUT);
      app.sendLine("CONNECT tls");
      app.awaitOutputLine("DONE tls"::equals, TIMEOUT);
      List<ReceivedSpan> spans = receiver.awaitSpans(SpanChecks::ofConnections, 2, TIMEOUT);
      app.closeStdin();
      app.awaitSuccess();

      assertThat(named(spans, CONNECT)).hasSize(1);
      assertThat(named(spans, ACCEPT)).hasSize(1);
      assertThat(app.stderr()).doesNotContain("[synscope] WARN").doesNotContain("SEVERE");
    }
  }

  /** Spans the endpoint did not take, in an interval's line; and spans left at exit. */
  private static final Pattern NOT_ACCEPTED =
      Pattern.compile(
          "\\[synscope\\] WARN spans lost in the last \\d+ s: 0 dropped [^,]*, (\\d+) not accepted"
              + " by the exporter's endpoint \\(last failure: gRPC export to (\\S+) failed: ");

  private static final Pattern AT_EXIT =
      Pattern.compile("\\[synscope\\] WARN spans lost at exit: (\\d+) not exported");

  @Test
  void anEndpointThatRefusesConnectionsIsReportedAsLostSpans() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    try (ForkedJvm app =
        ForkedJvm.builder(ConnectOnCommandApp.class)
            .withAgent()
            .systemProperty("otel.exporter.otlp.protocol", "grpc")
            .systemProperty("otel.exporter.otlp.endpoint", "http://127.0.0.1:" + closedPort)
            .timeout(TIMEOUT)
            .start()) {
      app.awaitOutputLine(line -> line.startsWith("READY"), TIMEOUT);
      app.sendLine("CONNECT refused");
      app.awaitOutputLine("DONE refused"::equals, TIMEOUT);
      app.closeStdin();
      app.awaitSuccess();

      // Every span counted once: not accepted (the export gave up), or left at exit (retrying).
      String stderr = app.stderr();
      long lost = 0;
      Matcher notAccepted = NOT_ACCEPTED.matcher(stderr);
      while (notAccepted.find()) {
        lost += Long.parseLong(notAccepted.group(1));
        assertThat(notAccepted.group(2)).isEqualTo("http://127.0.0.1:" + closedPort);
      }
      Matcher atExit = AT_EXIT.matcher(stderr);
      while (atExit.find()) {
        lost += Long.parseLong(atExit.group(1));
      }
      assertThat(lost).as(stderr).isEqualTo(2);
      // One line per failure, no stack trace.
      assertThat(stderr).doesNotContain("\tat ").doesNotContain("Caused by");
      assertThat(app.stderr()).contains("127.0.0.1:" + closedPort);
    }
  }
}
