package io.synscope.agent.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.synscope.agent.testing.apps.EchoApp;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ForkedJvmTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Test
  void appReportsReadyAndAnswersLinesSentToIt() throws Exception {
    try (ForkedJvm jvm =
        ForkedJvm.builder(EchoApp.class)
            .args("first", "second")
            .systemProperty("kit.property", "from -D")
            .env("KIT_VARIABLE", "from env")
            .timeout(TIMEOUT)
            .start()) {
      assertThat(jvm.awaitOutputLine(line -> line.startsWith("READY"), TIMEOUT))
          .isEqualTo("READY pid=" + jvm.pid() + " args=first,second");

      jvm.sendLine("hello");
      assertThat(jvm.awaitOutputLine(line -> line.startsWith("ECHO"), TIMEOUT))
          .isEqualTo("ECHO hello");
      jvm.sendLine("PROP kit.property");
      assertThat(jvm.awaitOutputLine(line -> line.startsWith("PROP"), TIMEOUT))
          .isEqualTo("PROP from -D");
      jvm.sendLine("ENV KIT_VARIABLE");
      assertThat(jvm.awaitOutputLine(line -> line.startsWith("ENV"), TIMEOUT))
          .isEqualTo("ENV from env");
      jvm.sendLine("ERR to stderr");
      jvm.sendLine("EXIT 3");

      assertThat(jvm.awaitExit()).isEqualTo(3);
      assertThat(jvm.isAlive()).isFalse();
      assertThat(jvm.stdoutLines())
          .containsExactly(
              "READY pid=" + jvm.pid() + " args=first,second",
              "ECHO hello",
              "PROP from -D",
              "ENV from env");
      assertThat(jvm.stderr()).isEqualTo("to stderr\n");
      assertThat(jvm.command())
          .containsSequence("-Dkit.property=from -D")
          .endsWith(EchoApp.class.getName(), "first", "second");
    }
  }

  @Test
  void commandPrefixRunsTheJvmThroughAnotherCommandThatExecsIt() {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/env")), "no /usr/bin/env to prefix with");
    try (ForkedJvm jvm =
        ForkedJvm.builder(EchoApp.class)
            .commandPrefix("/usr/bin/env", "KIT_PREFIXED=set by the prefix")
            .timeout(TIMEOUT)
            .start()) {
      // env execs the JVM, so the process the kit started is the JVM itself
      assertThat(jvm.awaitOutputLine(line -> line.startsWith("READY"), TIMEOUT))
          .isEqualTo("READY pid=" + jvm.pid() + " args=");
      jvm.sendLine("ENV KIT_PREFIXED");
      assertThat(jvm.awaitOutputLine(line -> line.startsWith("ENV"), TIMEOUT))
          .isEqualTo("ENV set by the prefix");
      jvm.closeStdin();
      jvm.awaitSuccess();
      assertThat(jvm.command())
          .startsWith(
              "/usr/bin/env", "KIT_PREFIXED=set by the prefix", Jdks.current().java().toString());
    }
  }

  @Test
  void classpathHoldsOnlyWhereTheMainClassCameFrom() {
    ForkedJvm.Builder builder = ForkedJvm.builder(EchoApp.class);
    String classpath = builder.command().get(builder.command().indexOf("-cp") + 1);

    assertThat(classpath).endsWith("test-classes");
    assertThat(classpath).doesNotContain(File.pathSeparator);
  }

  @Test
  void endOfInputEndsTheAppWithSuccessAndKeepsItsOutputInLogFiles() throws Exception {
    try (ForkedJvm jvm = ForkedJvm.builder(EchoApp.class).timeout(TIMEOUT).start()) {
      jvm.sendLine("one");
      jvm.closeStdin();

      jvm.awaitSuccess();

      assertThat(jvm.stdout()).isEqualTo("READY pid=" + jvm.pid() + " args=\nECHO one\n");
      assertThat(jvm.stdoutLog().getParent()).isEqualTo(Path.of("target", "forked-jvm"));
      assertThat(jvm.stdoutLog().getFileName().toString())
          .startsWith("EchoApp-")
          .endsWith("-" + jvm.pid() + ".stdout.log");
      assertThat(Files.readString(jvm.stdoutLog())).isEqualTo(jvm.stdout());
      assertThat(Files.readString(jvm.stderrLog())).isEmpty();
    }
  }

  @Test
  void timeoutEndsTheProcessAndFailsWithItsOutput() {
    try (ForkedJvm jvm =
        ForkedJvm.builder(EchoApp.class).timeout(Duration.ofSeconds(5)).start()) {
      jvm.awaitOutputLine(line -> line.startsWith("READY"), TIMEOUT);
      jvm.sendLine("ERR still waiting");

      // The app waits for input forever, so only the timeout ends it.
      assertThatThrownBy(jvm::awaitExit)
          .isInstanceOf(AssertionError.class)
          .hasMessageStartingWith(
              "forked JVM EchoApp (pid "
                  + jvm.pid()
                  + ") did not finish within its timeout of PT5S and was ended; exit code ")
          .hasMessageContaining("--- stdout (")
          .hasMessageContaining("READY pid=" + jvm.pid() + " args=\n")
          .hasMessageEndingWith("still waiting\n");
      assertThat(jvm.isAlive()).isFalse();
      assertThat(ProcessHandle.of(jvm.pid()).map(ProcessHandle::isAlive))
          .isIn(Optional.empty(), Optional.of(false));
    }
  }

  @Test
  void awaitingALineFailsAtOnceWhenTheAppEndsWithoutIt() {
    try (ForkedJvm jvm = ForkedJvm.builder(EchoApp.class).timeout(TIMEOUT).start()) {
      jvm.sendLine("EXIT 7");

      long start = System.nanoTime();
      assertThatThrownBy(() -> jvm.awaitOutputLine(line -> line.equals("never"), TIMEOUT))
          .isInstanceOf(AssertionError.class)
          .hasMessageStartingWith(
              "forked JVM EchoApp (pid "
                  + jvm.pid()
                  + ") ended its output without a matching line; exit code 7");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT);
    }
  }

  @Test
  void awaitingALineFailsAfterItsOwnTimeoutAndLeavesTheAppRunning() {
    try (ForkedJvm jvm = ForkedJvm.builder(EchoApp.class).timeout(TIMEOUT).start()) {
      assertThatThrownBy(
              () -> jvm.awaitOutputLine(line -> line.equals("never"), Duration.ofSeconds(2)))
          .isInstanceOf(AssertionError.class)
          .hasMessageStartingWith(
              "forked JVM EchoApp (pid " + jvm.pid() + ") printed no matching line within PT2S\n");
      assertThat(jvm.isAlive()).isTrue();
    }
  }

  @Test
  void runsOnEveryAvailableJdk() {
    for (Jdk jdk : Jdks.available()) {
      try (ForkedJvm jvm =
          ForkedJvm.builder(EchoApp.class)
              .jdk(jdk)
              .name("EchoApp-jdk" + jdk.feature())
              .timeout(TIMEOUT)
              .start()) {
        jvm.sendLine("PROP java.specification.version");
        jvm.closeStdin();
        jvm.awaitSuccess();
        assertThat(jvm.stdoutLines()).last().isEqualTo("PROP " + jdk.feature());
      }
    }
  }

  @Test
  void findsJdk25WhenInstalled() {
    Optional<Jdk> jdk25 = Jdks.withFeature(25);
    assumeTrue(jdk25.isPresent(), "no JDK 25 installed where the CI looks for it");

    assertThat(jdk25.get().version()).startsWith("25");
    assertThat(Files.isExecutable(jdk25.get().java())).isTrue();
    assertThat(Jdks.available().get(0)).isEqualTo(Jdks.current());
  }
}
