package io.synscope.agent.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.synscope.agent.testing.apps.EchoApp;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The kit with the real agent jar: a forked app runs with the agent attached and started. */
class ForkedJvmAgentIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @Test
  void appRunsWithTheAgentAttached() {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        ForkedJvm jvm =
            ForkedJvm.builder(EchoApp.class)
                .withAgent()
                .systemProperty("otel.exporter.otlp.endpoint", receiver.endpoint())
                .timeout(TIMEOUT)
                .start()) {
      jvm.awaitOutputLine(line -> line.startsWith("READY"), TIMEOUT);
      jvm.sendLine("PROP synscope.agent.started");
      assertThat(jvm.awaitOutputLine(line -> line.startsWith("PROP"), TIMEOUT))
          .isEqualTo("PROP true");
      jvm.closeStdin();

      jvm.awaitSuccess();

      assertThat(jvm.command().get(1)).isEqualTo("-javaagent:" + ForkedJvm.agentJar());
      assertThat(jvm.stderr()).doesNotContain("agent not started");
    }
  }
}
