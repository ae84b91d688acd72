package io.synscope.agent.it;

import static io.synscope.agent.it.SpanChecks.CONNECT;
import static io.synscope.agent.it.SpanChecks.attributeIs;
import static io.synscope.agent.it.SpanChecks.named;
import static io.synscope.agent.it.SpanChecks.single;
import static org.assertj.core.api.Assertions.assertThat;

import io.synscope.agent.testing.ForkedJvm;
import io.synscope.agent.testing.OtlpReceiver;
import io.synscope.agent.testing.ReceivedSpan;
import io.synscope.agent.testing.apps.SameBehaviourApp;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The application sees exactly what it saw without the agent at the edges of the socket APIs:
 * the same results and exceptions (class, message, cause), the same interrupt status, the same
 * blocking until a timeout or an interrupt (see {@link SameBehaviourApp} for the cases). The
 * blocked connects still become spans that say why they failed.
 */
class SameBehaviourIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern PORTS = Pattern.compile("PORTS full=(\\d+) refused=(\\d+)");

  @Test
  void edgeCasesBehaveTheSameWithTheAgent() {
    List<String> without = cases(run(null));
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      List<String> withAgentOutput = run(receiver);
      List<String> with = cases(withAgentOutput);

      assertThat(with).as("with the agent vs without").isEqualTo(without);
      // The cases did what they are for, in both runs.
      assertThat(without)
          .contains(
              "CASE socket-connect-timeout threw java.net.SocketTimeoutException: Connect timed out"
                  + " cause=none interrupted=false blocked=true",
              "CASE socket-channel-connect-interrupted threw"
                  + " java.nio.channels.ClosedByInterruptException: null cause=none"
                  + " interrupted=true blocked=true",
              "CASE socket-connect-refused-interrupt-pending threw java.net.ConnectException:"
                  + " Connection refused cause=none interrupted=true",
              "CASE server-socket-channel-nonblocking-accept-empty returned [accept returned null]"
                  + " interrupted=false",
              "CASE async-connect-get-timeout threw java.util.concurrent.TimeoutException: null"
                  + " cause=none interrupted=false blocked=true",
              "CASE server-socket-channel-accept-interrupted threw"
                  + " java.nio.channels.ClosedByInterruptException: null cause=none"
                  + " interrupted=true blocked=true",
              "CASE server-socket-accept-closed-meanwhile threw java.net.SocketException: Socket"
                  + " closed cause=none interrupted=false blocked=true");
      if (Runtime.version().feature() >= 21) {
        assertThat(without)
            .contains(
                "CASE virtual-socket-connect-interrupted threw java.net.SocketException: Closed by"
                    + " interrupt cause=none interrupted=true blocked=true");
      }

      Matcher ports =
          withAgentOutput.stream()
              .map(PORTS::matcher)
              .filter(Matcher::matches)
              .findFirst()
              .orElseThrow(() -> new AssertionError("no PORTS line in " + withAgentOutput));
      long fullPort = Long.parseLong(ports.group(1));
      List<ReceivedSpan> connects =
          named(receiver.awaitSpans(s -> s.name().equals(CONNECT), 1, TIMEOUT), CONNECT);
      List<ReceivedSpan> toFull =
          connects.stream().filter(attributeIs("network.peer.port", fullPort)).toList();
      // The SYNs that the full queue dropped: still in SYN_SENT when the timeout ended the connect.
      ReceivedSpan timedOut =
          single(
              toFull,
              attributeIs("tcp.api", "socket").and(attributeIs("error.type", "timed_out")),
              "the timed-out Socket connect");
      assertThat(timedOut.attributes()).containsEntry("tcp.state", "SYN_SENT");
      assertBlockedForAWhile(timedOut);
      ReceivedSpan interrupted =
          single(
              toFull,
              attributeIs("tcp.api", "socket_channel")
                  .and(
                      attributeIs(
                          "error.type", "java.nio.channels.ClosedByInterruptException")),
              "the interrupted SocketChannel connect");
      assertThat(interrupted.statusCode()).isEqualTo(ReceivedSpan.StatusCode.ERROR);
      assertBlockedForAWhile(interrupted);
    }
  }

  /** Lasted until the app's timeout or interrupt (300 ms), as the app's own call did. */
  private static void assertBlockedForAWhile(ReceivedSpan span) {
    assertThat(span.durationNanos() / 1_000_000L).as("%s", span).isBetween(280L, 3300L);
  }

  /** Runs the app, with the agent exporting to {@code receiver}, or without it when null. */
  private static List<String> run(OtlpReceiver receiver) {
    ForkedJvm.Builder builder = ForkedJvm.builder(SameBehaviourApp.class).timeout(TIMEOUT);
    if (receiver != null) {
      builder
          .withAgent()
          .systemProperty("otel.exporter.otlp.endpoint", receiver.endpoint())
          .name("SameBehaviourApp-agent");
    }
    try (ForkedJvm app = builder.start()) {
      app.awaitSuccess();
      return app.stdoutLines();
    }
  }

  private static List<String> cases(List<String> output) {
    List<String> cases = output.stream().filter(line -> line.startsWith("CASE ")).toList();
    assertThat(cases).as("%s", output).hasSizeGreaterThanOrEqualTo(20);
    return cases;
  }
}
