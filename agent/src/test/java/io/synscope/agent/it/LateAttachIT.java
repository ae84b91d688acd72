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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The agent loaded into a running app: exactly the connections after the attach are traced. */
class LateAttachIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** Loads the agent into a running JVM, with an agent argument. */
  private interface Attach {
    void attach(long pid, String agentArgs) throws Exception;
  }

  @Test
  void onlyConnectsAfterTheAttachAreTraced() throws Exception {
    lateAttach(
        (pid, agentArgs) -> {
          VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
          try {
            vm.loadAgent(ForkedJvm.agentJar().toString(), agentArgs);
          } finally {
            vm.detach();
          }
        });
  }

  /**
   * The operator's way: {@code java -jar synscope-agent.jar attach PID KEY=VALUE}; a second attach
   * to the same JVM loads nothing and says so.
   */
  @Test
  void theCliAttachCommandLoadsTheAgentOnce() throws Exception {
    lateAttach(
        (pid, agentArgs) -> {
          CliRun first = cliAttach(pid, agentArgs);
          assertThat(first.status()).as(first.output()).isZero();
          assertThat(first.output()).contains("synscope: agent loaded into pid " + pid);

          CliRun second = cliAttach(pid, agentArgs);
          assertThat(second.status()).as(second.output()).isEqualTo(1);
          assertThat(second.output())
              .contains(
                  "synscope attach: AttachFailedException: synscope is already running in pid "
                      + pid
                      + " (from its start or an earlier attach); nothing loaded, and options"
                      + " given now do not apply");
        });
  }

  private record CliRun(int status, String output) {}

  private static CliRun cliAttach(long pid, String agentArgs) throws Exception {
    Process cli =
        new ProcessBuilder(
                Jdks.current().java().toString(),
                "-jar",
                ForkedJvm.agentJar().toString(),
                "attach",
                Long.toString(pid),
                agentArgs)
            .redirectErrorStream(true)
            .start();
    String out = new String(cli.getInputStream().readAllBytes());
    assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new CliRun(cli.exitValue(), out);
  }

  private void lateAttach(Attach attach) throws Exception {
    ForkedJvm.Builder builder = ForkedJvm.builder(ConnectOnCommandApp.class).timeout(TIMEOUT);
    if (Jdks.current().feature() >= 21) {
      builder.jvmArg("-XX:+EnableDynamicAgentLoading"); // else JDK 21+ warns about the attach
    }
    try (OtlpReceiver receiver = OtlpReceiver.start();
        ForkedJvm app = builder.start()) {
      app.awaitOutputLine(line -> line.startsWith("READY"), TIMEOUT);
      app.sendLine("CONNECT before");
      app.awaitOutputLine(line -> line.equals("DONE before"), TIMEOUT);

      attach.attach(app.pid(), "otel.exporter.otlp.endpoint=" + receiver.endpoint());
      app.sendLine("CONNECT after");
      app.awaitOutputLine(line -> line.equals("DONE after"), TIMEOUT);
      app.closeStdin();
      app.awaitSuccess();

      List<AppObservation> seen = AppObservation.all(app);
      AppObservation client = AppObservation.find(seen, "connect", "after");
      AppObservation server = AppObservation.find(seen, "accept", "after");
      List<ReceivedSpan> spans = receiver.awaitSpans(SpanChecks::ofConnections, 2, Duration.ofSeconds(10));
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
          .containsPattern(" attached in \\d+ ms: tracing TCP connects and accepts")
          .doesNotContain("[synscope] WARN");
    }
  }
}
