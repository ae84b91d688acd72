package io.synscope.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.synscope.agent.testing.ForkedJvm;
import io.synscope.agent.testing.OtlpReceiver;
import io.synscope.agent.testing.ReceivedSpan;
import io.synscope.agent.testing.apps.UnixDomainApp;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Unix-domain sockets go through the same JDK channel classes, and are left alone. */
class UnixDomainIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @Test
  void onlyTheTcpConnectionIsTraced() {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        ForkedJvm app =
            ForkedJvm.builder(UnixDomainApp.class)
                .withAgent()
                .systemProperty("otel.exporter.otlp.endpoint", receiver.endpoint())
                .timeout(TIMEOUT)
                .start()) {
      long tcpPort =
          Long.parseLong(app.awaitOutputLine(l -> l.startsWith("TCP "), TIMEOUT).substring(4));
      app.awaitOutputLine(l -> l.equals("CASES DONE"), TIMEOUT);
      // The TCP connection's two spans come after the Unix-domain ones would have: once they
      // are here, anything the Unix-domain connections had made would be too.
      receiver.awaitSpans(SpanChecks::ofConnections, 2, Duration.ofSeconds(20));
      app.closeStdin();
      app.awaitSuccess();

      List<ReceivedSpan> spans = SpanChecks.connectionsOnly(receiver.spans());
      assertThat(spans).extracting(ReceivedSpan::name).containsExactlyInAnyOrder(
          "tcp.connect", "tcp.accept");
      assertThat(spans)
          .allSatisfy(s -> assertThat(s.attributes()).containsEntry("network.transport", "tcp"));
      assertThat(spans.stream().filter(s -> s.name().equals("tcp.connect")).findFirst().get()
              .attribute("network.local.port"))
          .isEqualTo(tcpPort);
    }
  }
}
