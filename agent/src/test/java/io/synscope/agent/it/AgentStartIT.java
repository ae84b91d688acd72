package io.synscope.agent.it;

import static io.synscope.agent.it.SpanChecks.ACCEPT;
import static io.synscope.agent.it.SpanChecks.CLOCK_TOLERANCE_NANOS;
import static io.synscope.agent.it.SpanChecks.CONNECT;
import static io.synscope.agent.it.SpanChecks.JIFFY_TOLERANCE_NANOS;
import static io.synscope.agent.it.SpanChecks.attributeIs;
import static io.synscope.agent.it.SpanChecks.single;
import static org.assertj.core.api.Assertions.assertThat;

import io.synscope.agent.testing.ForkedJvm;
import io.synscope.agent.testing.OtlpReceiver;
import io.synscope.agent.testing.ReceivedSpan;
import io.synscope.agent.testing.apps.ConnectOnCommandApp;
import io.synscope.agent.testing.apps.HeldAcceptServerApp;
import io.synscope.agent.testing.apps.SocketLoadingAgent;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent starts beside the application: main runs while the agent's threads build the SDK, and
 * an accept that returns before the agent is ready waits for it, so that it is traced, without
 * the wait counted in its span; socket classes loaded before the agent are woven before main.
 */
class AgentStartIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /**
   * The connection is in the accept queue before the accept is called, so the accept itself
   * returns at once; a span that ended after the wait for the agent would end hundreds of
   * milliseconds later.
   */
  private static final long ACCEPT_RETURNS_WITHIN_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  @Test
  void anAcceptReturningBeforeTheAgentIsReadyIsTracedWithoutTheWait() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        ForkedJvm app =
            ForkedJvm.builder(HeldAcceptServerApp.class)
                .withAgent()
                .systemProperty("otel.exporter.otlp.endpoint", receiver.endpoint())
                .args("8")
                .timeout(TIMEOUT)
                .start()) {
      String ready = app.awaitOutputLine(line -> line.startsWith("READY port="), TIMEOUT);
      int port = Integer.parseInt(ready.substring("READY port=".length()));
      long connectBefore = epochNanosNow();
      try (Socket client = new Socket()) {
        client.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
        long connectAfter = epochNanosNow();
        app.sendLine("ACCEPT 1");
        app.awaitOutputLine(line -> line.equals("ACCEPTED 1"), TIMEOUT);
        // The start line says what is traced and where the spans go.
        String started =
            app.awaitErrorLine(
                line -> line.matches("\\[synscope\\] agent .* started in \\d+ ms.*"), TIMEOUT);
        assertThat(started)
            .endsWith(
                " ms: tracing TCP connects and accepts, spans to OTLP at "
                    + receiver.endpoint()
                    + "/v1/traces");
        receiver.awaitSpans(
            attributeIs("network.peer.port", (long) client.getLocalPort()), 1, TIMEOUT);
        AppObservation seen = AppObservation.find(AppObservation.all(app), "accept", "0");
        ReceivedSpan accept =
            single(
                receiver.spans(),
                attributeIs("network.peer.port", (long) client.getLocalPort()),
                "the accept of the test's connection");

        assertThat(accept.name()).isEqualTo(ACCEPT);
        assertThat(accept.attributes())
            .containsEntry("network.local.port", (long) port)
            .containsEntry("network.peer.address", "127.0.0.1");
        assertThat(accept.startEpochNanos())
            .as("start of %s: the handshake, during the test's connect", accept)
            .isBetween(connectBefore - JIFFY_TOLERANCE_NANOS, connectAfter + JIFFY_TOLERANCE_NANOS);
        assertThat(accept.endEpochNanos())
            .as("end of %s vs the app's accept %s", accept, seen)
            .isBetween(
                seen.before() - CLOCK_TOLERANCE_NANOS,
                seen.before() + ACCEPT_RETURNS_WITHIN_NANOS);
      }
    }
  }

  /**
   * Socket classes loaded before the agent came (here by another agent's premain) are woven before
   * main, so that a connect made at once is traced like any other.
   */
  @Test
  void socketClassesLoadedBeforeTheAgentAreWovenBeforeMain(@TempDir Path dir) throws Exception {
    Path early = jarOf(SocketLoadingAgent.class, dir.resolve("socket-loading-agent.jar"));
    try (OtlpReceiver receiver = OtlpReceiver.start();
        ForkedJvm app =
            ForkedJvm.builder(ConnectOnCommandApp.class)
                .jvmArg("-javaagent:" + early)
                .jvmArg("-javaagent:" + ForkedJvm.agentJar())
                .systemProperty("otel.exporter.otlp.endpoint", receiver.endpoint())
                .timeout(TIMEOUT)
                .start()) {
      app.awaitOutputLine(line -> line.startsWith("READY"), TIMEOUT);
      app.sendLine("CONNECT early");
      app.awaitOutputLine(line -> line.equals("DONE early"), TIMEOUT);
      long clientPort =
          AppObservation.find(AppObservation.all(app), "connect", "early").number("localPort");
      receiver.awaitSpans(
          s -> s.attributes().containsValue(clientPort), 2, Duration.ofSeconds(20));

      List<ReceivedSpan> spans = SpanChecks.connectionsOnly(receiver.spans());
      assertThat(single(spans, attributeIs("network.local.port", clientPort), "the connect").name())
          .isEqualTo(CONNECT);
      assertThat(single(spans, attributeIs("network.peer.port", clientPort), "the accept").name())
          .isEqualTo(ACCEPT);
    }
  }

  /** A jar holding one class, with that class as its premain's. */
  private static Path jarOf(Class<?> agent, Path jar) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().putValue("Premain-Class", agent.getName());
    String entry = agent.getName().replace('.', '/') + ".class";
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
        InputStream in = agent.getClassLoader().getResourceAsStream(entry)) {
      out.putNextEntry(new JarEntry(entry));
      in.transferTo(out);
      out.closeEntry();
    }
    return jar;
  }

  private static long epochNanosNow() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
