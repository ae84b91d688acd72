package io.synscope.agent.it;

import static io.synscope.agent.it.SpanChecks.ACCEPT;
import static io.synscope.agent.it.SpanChecks.CONNECT;
import static io.synscope.agent.it.SpanChecks.attributeIs;
import static io.synscope.agent.it.SpanChecks.named;
import static org.assertj.core.api.Assertions.assertThat;

import io.synscope.agent.testing.ForkedJvm;
import io.synscope.agent.testing.OtlpReceiver;
import io.synscope.agent.testing.ReceivedRequest;
import io.synscope.agent.testing.ReceivedSpan;
import io.synscope.agent.testing.SelfSignedCertificate;
import io.synscope.agent.testing.apps.ConnectOnCommandApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exporting to a collector over HTTPS, as production services do: the certificate to trust and the
 * headers (an authorization token) come from the standard {@code otel.exporter.otlp.*} options,
 * and one TLS connection carries export after export.
 */
class TlsExportIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String TOKEN = "Bearer synscope-test-token";

  @Test
  void exportsOverHttpsWithTheConfiguredCertificateAndHeadersOnOneConnection(@TempDir Path dir) {
    SelfSignedCertificate certificate = SelfSignedCertificate.create(dir);
    try (OtlpReceiver receiver = OtlpReceiver.startTls(certificate.serverContext());
        ForkedJvm app =
            exportingTo(receiver)
                .systemProperty("otel.exporter.otlp.certificate", certificate.pem().toString())
                // Header values are percent-encoded, as the OpenTelemetry specification says.
                .systemProperty(
                    "otel.exporter.otlp.headers", "Authorization=" + TOKEN.replace(" ", "%20"))
                .start()) {
      assertThat(receiver.endpoint()).startsWith("https://127.0.0.1:");
      app.awaitOutputLine(line -> line.startsWith("READY"), TIMEOUT);
      for (String caseName : List.of("first", "second")) {
        app.sendLine("CONNECT " + caseName);
        app.awaitOutputLine(("DONE " + caseName)::equals, TIMEOUT);
        // Each case's spans leave in an export of their own before the next case starts.
        receiver.awaitSpans(SpanChecks::ofConnections, caseName.equals("first") ? 2 : 4, TIMEOUT);
      }
      app.closeStdin();
      app.awaitSuccess();

      List<ReceivedSpan> spans =
          receiver.spans().stream().filter(SpanChecks::ofConnections).toList();
      assertThat(named(spans, CONNECT)).hasSize(2);
      assertThat(named(spans, ACCEPT)).hasSize(2);
      // The exports' own connections to the receiver are not traced.
      long receiverPort = receiver.port();
      assertThat(spans)
          .noneMatch(attributeIs("network.peer.port", receiverPort))
          .noneMatch(attributeIs("network.local.port", receiverPort));

      List<ReceivedRequest> exports =
          receiver.requests().stream()
              .filter(request -> request.path().equals(OtlpReceiver.TRACES_PATH))
              .toList();
      assertThat(exports).hasSizeGreaterThanOrEqualTo(2);
      assertThat(exports).allMatch(request -> request.status() == 200, "answered 200");
      assertThat(exports).allMatch(request -> request.authorization().equals(TOKEN), "authorized");
      // One TLS handshake for the run: every export came on the same connection.
      Set<Integer> connections =
          exports.stream().map(ReceivedRequest::clientPort).collect(Collectors.toSet());
      assertThat(connections).as("client ports of %s", exports).hasSize(1);
      assertThat(app.stderr()).doesNotContain("[synscope] WARN");
    }
  }

  @Test
  void mutualTlsWithTheConfiguredClientKeyAndCertificate(@TempDir Path dir) {
    SelfSignedCertificate certificate = SelfSignedCertificate.create(dir);
    try (OtlpReceiver receiver =
            OtlpReceiver.startTls(certificate.serverContextTrustingItself(), true);
        ForkedJvm app =
            exportingTo(receiver)
                .systemProperty("otel.exporter.otlp.certificate", certificate.pem().toString())
                .systemProperty("otel.exporter.otlp.client.key", certificate.keyPem().toString())
                .systemProperty(
                    "otel.exporter.otlp.client.certificate", certificate.pem().toString())
                .start()) {
      app.awaitOutputLine(line -> line.startsWith("READY"), TIMEOUT);
      app.sendLine("CONNECT mutual");
      app.awaitOutputLine("DONE mutual"::equals, TIMEOUT);
      List<ReceivedSpan> spans = receiver.awaitSpans(SpanChecks::ofConnections, 2, TIMEOUT);
      app.closeStdin();
      app.awaitSuccess();

      assertThat(named(spans, CONNECT)).hasSize(1);
      assertThat(named(spans, ACCEPT)).hasSize(1);
      assertThat(receiver.requests()).allMatch(request -> request.status() == 200, "answered 200");
      assertThat(app.stderr()).doesNotContain("[synscope] WARN");
    }
  }

  @Test
  void anUntrustedCertificateIsReportedOnceAndTheAppRunsOn(@TempDir Path dir) {
    SelfSignedCertificate certificate = SelfSignedCertificate.create(dir);
    try (OtlpReceiver receiver = OtlpReceiver.startTls(certificate.serverContext());
        ForkedJvm app = exportingTo(receiver).start()) {
      app.awaitOutputLine(line -> line.startsWith("READY"), TIMEOUT);
      app.sendLine("CONNECT untrusted");
      app.awaitOutputLine("DONE untrusted"::equals, TIMEOUT);
      app.closeStdin();
      app.awaitSuccess();

      assertThat(app.stdoutLines()).contains("DONE untrusted");
      assertThat(receiver.requests()).as("no request gets past the handshake").isEmpty();
      // The case's two spans, lost in one export, with the reason in the same line (JDK 21 and
      // later name the TLS alert first).
      List<String> lost =
          app.stderr().lines().filter(line -> line.contains("[synscope] WARN spans lost")).toList();
      assertThat(lost)
          .singleElement()
          .asString()
          .matches(
              "\\[synscope\\] WARN spans lost in the last \\d+ s: 0 dropped because the export"
                  + " queue was full \\(otel.bsp.max.queue.size\\), 2 not accepted by the"
                  + " exporter's endpoint \\(last failure: POST "
                  + Pattern.quote(receiver.endpoint() + "/v1/traces")
                  + " failed: javax\\.net\\.ssl\\.SSLHandshakeException: (\\(certificate_unknown\\) )?"
                  + "PKIX path building failed: .*unable to find valid certification path to"
                  + " requested target\\)");
      assertThat(app.stderr()).doesNotContain("\tat ");
    }
  }

  /** An app that connects on command, its spans exported to {@code receiver} within 0.1 s. */
  private static ForkedJvm.Builder exportingTo(OtlpReceiver receiver) {
    return ForkedJvm.builder(ConnectOnCommandApp.class)
        .withAgent()
        .systemProperty("otel.exporter.otlp.endpoint", receiver.endpoint())
        .systemProperty("otel.bsp.schedule.delay", "100")
        .timeout(TIMEOUT);
  }
}
