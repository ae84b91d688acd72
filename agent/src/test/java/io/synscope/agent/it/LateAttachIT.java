package io.synscope.agent.it;

import static io.synscope.agent.it.SpanChecks.ACCEPT;
import static io.synscope.agent.it.SpanChecks.CONNECT;
import static io.synscope.agent.it.SpanChecks.assertInside;
import static io.synscope.agent.it.SpanChecks.assertQueuedDuring;
import static io.synscope.agent.it.SpanChecks.named;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.tools.attach.VirtualMachine;
import io.synscope.agent.testing.ForkedJvm;
import io.synscope.agent.testing.Jdks;
import io.synscope.agent.testing.OtlpReceiver;
import io.synscope.agent.testing.ReceivedSpan;
import io.synscope.agent.testing.apps.ConnectOnCommandApp;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The agent loaded into a running app: exactly the connections after the attach are traced. */
class LateAttachIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @Test
  void onlyConnectsAfterTheAttachAreTraced() throws Exception {
    ForkedJvm.Builder builder = ForkedJvm.builder(ConnectOnCommandApp.class).timeout(TIMEOUT);
    if (Jdks.current().feature() >= 21) {
      builder.jvmArg("-XX:+EnableDynamicAgentLoading"); // else JDK 21+ warns about the attach
    }
    try (OtlpReceiver receiver = OtlpReceiver.start();
        ForkedJvm app = builder.start()) {
      app.awaitOutputLine(line -> line.startsWith("READY"), TIMEOUT);
      app.sendLine("CONNECT before");
      app.awaitOutputLine(line -> line.equals("DONE before"), TIMEOUT);

      VirtualMachine vm = VirtualMachine.attach(Long.toString(app.pid()));
      try {
        vm.loadAgent(
            ForkedJvm.agentJar().toString(), "otel.exporter.otlp.endpoint=" + receiver.endpoint());
      } finally {
        vm.detach();
      }
      app.sendLine("CONNECT after");
      app.awaitOutputLine(line -> line.equals("DONE after"), TIMEOUT);
      app.closeStdin();
      app.awaitSuccess();

      List<AppObservation> seen = AppObservation.all(app);
      AppObservation client = AppObservation.find(seen, "connect", "after");
      AppObservation server = AppObservation.find(seen, "accept", "after");
      List<ReceivedSpan> spans = receiver.awaitSpans(SpanChecks::isConnectionSpan, 2, Duration.ofSeconds(10));
      assertThat(spans).hasSize(2);
      ReceivedSpan connect = named(spans, CONNECT).get(0);
      ReceivedSpan accept = named(spans, ACCEPT).get(0);
      assertThat(connect.attributes())
          .containsEntry("tcp.api", "socket")
          .containsEntry("network.local.port", client.number("localPort"))
          .containsEntry("server.port", client.number("remotePort"));
      assertThat(accept.attributes())
          .containsEntry("tcp.api", "server_socket")
          .containsEntry("network.peer.port", client.number("localPort"))
          .containsEntry("network.local.port", server.number("localPort"));
      assertInside(connect, client);
      assertQueuedDuring(accept, server, client);
      assertThat(app.stderr())
          .contains("[synscope] agent ")
          .contains(" attached: tracing TCP connects and accepts")
          .doesNotContain("[synscope] WARN");
    }
  }
}
