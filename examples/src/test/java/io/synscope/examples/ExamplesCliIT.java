package io.synscope.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The examples jar's own command line: the list, a wrong name, the agent jar missing. */
class ExamplesCliIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Test
  void withoutANameItListsTheExamples() throws Exception {
    ExampleRun run = ExampleRun.of(TIMEOUT, List.of());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stderr().lines().toList())
        .first()
        .isEqualTo("usage: java -jar examples/target/synscope-examples.jar NAME");
    assertThat(run.stderr())
        .containsPattern("(?m)^  http +an HttpClient")
        .containsPattern("(?m)^  slow-dependency +a dependency that drops SYNs")
        .containsPattern("(?m)^  overflow +a burst of clients against a small backlog");
  }

  @Test
  void anUnknownNameIsNamed() throws Exception {
    ExampleRun run = ExampleRun.of(TIMEOUT, List.of(), "nope");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stderr().lines().toList()).first().isEqualTo("examples: unknown example 'nope'");
  }

  @Test
  void aMissingAgentJarIsOneLineThatSaysToBuildFirst() throws Exception {
    ExampleRun run =
        ExampleRun.of(TIMEOUT, List.of("-Dsynscope.agent.jar=/nonexistent/synscope-agent.jar"),
            "http");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.stdout()).isEmpty();
    assertThat(run.stderr())
        .isEqualTo(
            "examples: the agent jar /nonexistent/synscope-agent.jar is missing; build it first:"
                + " mvn -B -q package -DskipTests\n");
  }
}
