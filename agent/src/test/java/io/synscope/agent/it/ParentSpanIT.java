package io.synscope.agent.it;

import static io.synscope.agent.it.SpanChecks.ACCEPT;
import static io.synscope.agent.it.SpanChecks.CONNECT;
import static io.synscope.agent.it.SpanChecks.assertInside;
import static io.synscope.agent.it.SpanChecks.assertQueuedDuring;
import static io.synscope.agent.it.SpanChecks.attributeIs;
import static io.synscope.agent.it.SpanChecks.named;
import static io.synscope.agent.it.SpanChecks.single;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.synscope.agent.testing.ForkedJvm;
import io.synscope.agent.testing.OtlpReceiver;
import io.synscope.agent.testing.ReceivedSpan;
import io.synscope.agent.testing.apps.OldLibrariesApp;
import io.synscope.agent.testing.apps.ParentSpanApp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * An app that uses OpenTelemetry itself: the agent's spans become children of the app's current
 * span, with the app's own SDK of today's version, of the first 1.x release, and of an old one
 * beside old versions of the other libraries the agent also carries.
 */
class ParentSpanIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** Where the build copies the old library versions, set by the integration-test run. */
  private static final String OLD_LIBS_PROPERTY = "synscope.test.old.libs";

  /** Where the build copies the first OpenTelemetry 1.x release. */
  private static final String FIRST_OTEL_LIBS_PROPERTY = "synscope.test.first.otel.libs";

  @Test
  void connectAndAcceptInsideTheAppsSpanAreItsChildren() {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        ForkedJvm app =
            ForkedJvm.builder(ParentSpanApp.class)
                .classpathOf(Span.class)
                .classpathOf(Context.class)
                .classpathOf(ComponentLoader.class)
                .classpathOf(OpenTelemetrySdk.class)
                .classpathOf(CompletableResultCode.class)
                .classpathOf(SdkTracerProvider.class)
                .classpathOf(SdkMeterProvider.class)
                .classpathOf(SdkLoggerProvider.class)
                .withAgent()
                .systemProperty("otel.exporter.otlp.endpoint", receiver.endpoint())
                .timeout(TIMEOUT)
                .start()) {
      app.awaitSuccess();

      assertParentage(receiver, AppObservation.all(app));
    }
  }

  @Test
  void appWithOldOpenTelemetryByteBuddyAndJnaRunsAndIsTracedWithItsParents() {
    Path[] jars = jarsIn(OLD_LIBS_PROPERTY, "target/old-libs");
    assertThat(Stream.of(jars).map(j -> j.getFileName().toString()))
        .containsExactlyInAnyOrder(
            "byte-buddy-1.10.22.jar",
            "jna-5.6.0.jar",
            "opentelemetry-api-1.10.0.jar",
            "opentelemetry-context-1.10.0.jar",
            "opentelemetry-sdk-1.10.0.jar",
            "opentelemetry-sdk-common-1.10.0.jar",
            "opentelemetry-sdk-trace-1.10.0.jar",
            "opentelemetry-semconv-1.10.0-alpha.jar");
    runOldLibrariesApp(jars, "1.10.0");
  }

  /** The first 1.x release of the API and SDK (with the same old Byte Buddy and JNA beside it). */
  @Test
  void appWithTheFirstOpenTelemetryReleaseIsTracedWithItsParents() {
    Path[] otel = jarsIn(FIRST_OTEL_LIBS_PROPERTY, "target/first-otel-libs");
    assertThat(Stream.of(otel).map(j -> j.getFileName().toString()))
        .containsExactlyInAnyOrder(
            "opentelemetry-api-1.0.0.jar",
            "opentelemetry-context-1.0.0.jar",
            "opentelemetry-sdk-1.0.0.jar",
            "opentelemetry-sdk-common-1.0.0.jar",
            "opentelemetry-sdk-trace-1.0.0.jar",
            "opentelemetry-semconv-1.0.0-alpha.jar");
    Path[] others =
        Stream.of(jarsIn(OLD_LIBS_PROPERTY, "target/old-libs"))
            .filter(j -> !j.getFileName().toString().startsWith("opentelemetry-"))
            .toArray(Path[]::new);
    runOldLibrariesApp(
        Stream.concat(Stream.of(otel), Stream.of(others)).toArray(Path[]::new), "1.0.0");
  }

  private static Path[] jarsIn(String property, String fallback) {
    Path dir = Path.of(System.getProperty(property, fallback));
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".jar")).sorted().toArray(Path[]::new);
    } catch (IOException e) {
      throw new UncheckedIOException("the build copies old libraries to " + dir, e);
    }
  }

  private static void runOldLibrariesApp(Path[] jars, String otelVersion) {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        ForkedJvm app =
            ForkedJvm.builder(OldLibrariesApp.class)
                .classpath(jars)
                .withAgent()
                .systemProperty("otel.exporter.otlp.endpoint", receiver.endpoint())
                .timeout(TIMEOUT)
                .start()) {
      app.awaitSuccess();

      assertThat(app.stdoutLines().stream().filter(line -> line.startsWith("LIB ")))
          .containsExactly(
              "LIB jna jna-5.6.0.jar version=5.6.0 linux=true encoding="
                  + System.getProperty("native.encoding", "UTF-8"),
              "LIB byte-buddy byte-buddy-1.10.22.jar made="
                  + OldLibrariesApp.class.getName()
                  + "$Made",
              "LIB opentelemetry-api opentelemetry-api-" + otelVersion + ".jar",
              "LIB opentelemetry-sdk opentelemetry-sdk-" + otelVersion + ".jar",
              "LIB opentelemetry-sdk-trace opentelemetry-sdk-trace-" + otelVersion + ".jar");
      assertParentage(receiver, AppObservation.all(app));
      assertThat(app.stderr()).doesNotContain("[synscope] WARN");
    }
  }

  /**
   * In-span connect and accept: the app's trace id and its span as parent; no-span ones: roots of
   * new traces.
   */
  private static void assertParentage(OtlpReceiver receiver, List<AppObservation> seen) {
    List<ReceivedSpan> spans = receiver.awaitSpans(SpanChecks::ofConnections, 4, Duration.ofSeconds(10));
    assertThat(named(spans, CONNECT)).hasSize(2);
    assertThat(named(spans, ACCEPT)).hasSize(2);
    assertThat(spans).hasSize(4);
    for (String caseName : List.of("in-span", "no-span")) {
      AppObservation client = AppObservation.find(seen, "connect", caseName);
      AppObservation server = AppObservation.find(seen, "accept", caseName);
      long clientPort = client.number("localPort");
      ReceivedSpan connect =
          single(named(spans, CONNECT), attributeIs("network.local.port", clientPort), caseName);
      ReceivedSpan accept =
          single(named(spans, ACCEPT), attributeIs("network.peer.port", clientPort), caseName);
      assertThat(connect.attributes()).containsEntry("tcp.api", "socket");
      assertThat(accept.attributes()).containsEntry("tcp.api", "server_socket");
      assertInside(connect, client);
      assertQueuedDuring(accept, server, client);
      if (caseName.equals("in-span")) {
        assertThat(connect.traceId()).isEqualTo(client.get("traceId"));
        assertThat(connect.parentSpanId()).isEqualTo(client.get("spanId"));
        assertThat(accept.traceId()).isEqualTo(server.get("traceId"));
        assertThat(accept.parentSpanId()).isEqualTo(server.get("spanId"));
      } else {
        assertThat(connect.isRoot()).as("%s", connect).isTrue();
        assertThat(accept.isRoot()).as("%s", accept).isTrue();
        List<String> appTraces =
            List.of(
                AppObservation.find(seen, "connect", "in-span").get("traceId"),
                AppObservation.find(seen, "accept", "in-span").get("traceId"));
        assertThat(appTraces).doesNotContain(connect.traceId(), accept.traceId());
      }
    }
  }
}
