package io.synscope.agent.it;

import static io.synscope.agent.it.SpanChecks.CLOCK_TOLERANCE_NANOS;
import static io.synscope.agent.it.SpanChecks.attributeIs;
import static io.synscope.agent.it.SpanChecks.named;
import static io.synscope.agent.it.SpanChecks.single;
import static org.assertj.core.api.Assertions.assertThat;

import io.synscope.agent.testing.ForkedJvm;
import io.synscope.agent.testing.OtlpReceiver;
import io.synscope.agent.testing.ReceivedSpan;
import io.synscope.agent.testing.apps.ConversationApp;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * With {@code synscope.connection.spans=true}, each traced connection's close yields a {@code
 * tcp.connection} span from established to close, carrying the kernel's last word on it: bytes,
 * retransmits, who closed first and what the close leaves behind.
 */
class ConnectionLifetimeIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @Test
  void eachSideOfAConversationEndsInAConnectionSpan() {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        ForkedJvm app =
            ForkedJvm.builder(ConversationApp.class)
                .withAgent("synscope.connection.spans=true")
                .systemProperty("otel.exporter.otlp.endpoint", receiver.endpoint())
                .timeout(TIMEOUT)
                .start()) {
      app.awaitOutputLine(line -> line.equals("CASES DONE"), TIMEOUT);
      List<ReceivedSpan> spans =
          receiver.awaitSpans(s -> s.name().equals("tcp.connection"), 2, Duration.ofSeconds(20));
      List<ReceivedSpan> all = receiver.spans();
      app.closeStdin();
      app.awaitSuccess();

      List<AppObservation> seen = AppObservation.all(app);
      AppObservation connect = AppObservation.find(seen, "connect", "conversation");
      AppObservation clientClose = AppObservation.find(seen, "close", "client");
      AppObservation serverClose = AppObservation.find(seen, "close", "server");
      long clientPort = connect.number("localPort");
      long serverPort = connect.number("remotePort");

      ReceivedSpan connectSpan =
          single(named(all, "tcp.connect"), attributeIs("network.local.port", clientPort), "connect");
      ReceivedSpan acceptSpan =
          single(named(all, "tcp.accept"), attributeIs("network.peer.port", clientPort), "accept");
      ReceivedSpan client =
          single(spans, s -> s.kind() == ReceivedSpan.Kind.CLIENT, "client's connection");
      ReceivedSpan server =
          single(spans, s -> s.kind() == ReceivedSpan.Kind.SERVER, "server's connection");

      // Each is the child of the span that opened its connection, in the same trace.
      assertThat(client.traceId()).isEqualTo(connectSpan.traceId());
      assertThat(client.parentSpanId()).isEqualTo(connectSpan.spanId());
      assertThat(server.traceId()).isEqualTo(acceptSpan.traceId());
      assertThat(server.parentSpanId()).isEqualTo(acceptSpan.spanId());

      // From established to the application's close.
      assertThat(client.startEpochNanos()).isEqualTo(connectSpan.endEpochNanos());
      assertThat(server.startEpochNanos()).isEqualTo(acceptSpan.startEpochNanos());
      assertThat(client.endEpochNanos())
          .isBetween(
              clientClose.before() - CLOCK_TOLERANCE_NANOS,
              clientClose.after() + CLOCK_TOLERANCE_NANOS);
      assertThat(server.endEpochNanos())
          .isBetween(
              serverClose.before() - CLOCK_TOLERANCE_NANOS,
              serverClose.after() + CLOCK_TOLERANCE_NANOS);

      // tcp_info at each close. The client's request was acknowledged, and so was its SYN, which
      // the connecting side counts as a byte; it had the whole response and no FIN yet. The
      // server's response was acknowledged (an accepted socket starts counting after its
      // SYN-ACK), and it had the request and the client's FIN, which counts as a byte.
      assertThat(client.attributes())
          .containsEntry("network.local.port", clientPort)
          .containsEntry("network.peer.port", serverPort)
          .containsEntry("tcp.bytes_acked", ConversationApp.REQUEST_BYTES + 1L)
          .containsEntry("tcp.bytes_received", (long) ConversationApp.RESPONSE_BYTES)
          .containsEntry("tcp.total_retransmits", 0L)
          .containsEntry("tcp.closed_first", "local")
          .containsEntry("tcp.state_left", "TIME_WAIT");
      assertThat(server.attributes())
          .containsEntry("network.local.port", serverPort)
          .containsEntry("network.peer.port", clientPort)
          .containsEntry("tcp.bytes_acked", (long) ConversationApp.RESPONSE_BYTES)
          .containsEntry("tcp.bytes_received", ConversationApp.REQUEST_BYTES + 1L)
          .containsEntry("tcp.total_retransmits", 0L)
          .containsEntry("tcp.closed_first", "peer")
          .containsEntry("tcp.state_left", "CLOSED");
      assertThat((Long) client.attribute("tcp.rtt_us")).isPositive();
      assertThat((Long) server.attribute("tcp.rtt_us")).isPositive();
    }
  }
}
