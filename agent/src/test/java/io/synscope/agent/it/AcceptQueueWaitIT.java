package io.synscope.agent.it;

import static io.synscope.agent.it.SpanChecks.ACCEPT;
import static io.synscope.agent.it.SpanChecks.CONNECT;
import static io.synscope.agent.it.SpanChecks.assertQueuedDuring;
import static io.synscope.agent.it.SpanChecks.attributeIs;
import static io.synscope.agent.it.SpanChecks.named;
import static io.synscope.agent.it.SpanChecks.single;
import static org.assertj.core.api.Assertions.assertThat;

import io.synscope.agent.testing.ForkedJvm;
import io.synscope.agent.testing.OtlpReceiver;
import io.synscope.agent.testing.ReceivedSpan;
import io.synscope.agent.testing.apps.ClientSpeaksFirstApp;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A connection's time in the accept queue is measured from its handshake, also when its client
 * spoke and closed while it waited there: the data and the FIN are the last packets the server's
 * kernel received before the accept, and a span measured from them would start that much late.
 */
class AcceptQueueWaitIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final long PAUSE_MILLIS = 300;

  @Test
  void acceptStartsAtTheHandshakeThoughTheClientSpokeAndClosedSince() {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        ForkedJvm app =
            ForkedJvm.builder(ClientSpeaksFirstApp.class)
                .withAgent()
                .systemProperty("otel.exporter.otlp.endpoint", receiver.endpoint())
                .args(Long.toString(PAUSE_MILLIS))
                .timeout(TIMEOUT)
                .start()) {
      app.awaitOutputLine(line -> line.equals("SENT"), TIMEOUT);
      app.sendLine("ACCEPT");
      app.awaitOutputLine(line -> line.equals("ACCEPTED"), TIMEOUT);
      List<AppObservation> seen = AppObservation.all(app);
      AppObservation client = AppObservation.find(seen, "connect", "early");
      AppObservation server = AppObservation.find(seen, "accept", "early");
      long clientPort = client.number("localPort");
      List<ReceivedSpan> spans =
          receiver.awaitSpans(
              s -> attributeIs("network.local.port", clientPort).test(s)
                  || attributeIs("network.peer.port", clientPort).test(s),
              2,
              Duration.ofSeconds(20));
      app.closeStdin();
      app.awaitSuccess();

      ReceivedSpan accept =
          single(named(spans, ACCEPT), attributeIs("network.peer.port", clientPort), "accept");
      single(named(spans, CONNECT), attributeIs("network.local.port", clientPort), "connect");
      // Three bytes and the FIN (counted as one) had arrived; the peer had closed.
      assertThat(accept.attributes())
          .containsEntry("tcp.accept.bytes_received", 4L)
          .containsEntry("tcp.state", "CLOSE_WAIT");
      assertQueuedDuring(accept, server, client);
      long queuedNanos = server.after() - client.before();
      assertThat((Long) accept.attribute("tcp.accept.queue_wait_ms"))
          .isGreaterThanOrEqualTo(PAUSE_MILLIS)
          .isLessThanOrEqualTo(
              (queuedNanos + SpanChecks.JIFFY_TOLERANCE_NANOS) / 1_000_000L);
    }
  }
}
