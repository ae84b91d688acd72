package io.synscope.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One run of {@code java -jar synscope-agent.jar ARGS} in its own JVM (the test JVM's java), with
 * a bounded time; the built jar comes from the system property {@code synscope.agent.jar}.
 */
record AgentJarRun(int status, List<String> out, List<String> err) {
  private static final long TIMEOUT_SECONDS = 60;

  static Path jar() {
    String jar = System.getProperty("synscope.agent.jar");
    assertThat(jar).as("system property synscope.agent.jar (set by the build)").isNotNull();
    Path path = Paths.get(jar);
    assertThat(path).as("the agent jar").isRegularFile();
    return path;
  }

  static AgentJarRun of(String... args) throws IOException, InterruptedException {
    return of(List.of(), Map.of(), args);
  }

  /** A run with JVM options (before -jar) and environment variables added. */
  static AgentJarRun of(List<String> jvmOptions, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile("synscope-cli", ".out");
    Path err = Files.createTempFile("synscope-cli", ".err");
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile())
          .redirectError(err.toFile());
      pb.environment().remove("SYNSCOPE_DEBUG");
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        fail("%s did not finish within %d s", command, TIMEOUT_SECONDS);
      }
      return new AgentJarRun(
          p.exitValue(),
          Files.readAllLines(out, StandardCharsets.UTF_8),
          Files.readAllLines(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /**
   * Standard error without the JDK's own notice (JDK 22+) that a library loaded native code: the
   * jar's JNA does that, and the JVM, not the CLI, prints it (with an empty line after it).
   */
  List<String> errWithoutJdkNativeAccessWarnings() {
    return err.stream()
        .filter(
            l -> !l.isEmpty() && !(l.startsWith("WARNING: ") && (l.contains("restricted method")
                || l.contains("java.lang.System::load") || l.contains("--enable-native-access")
                || l.contains("Restricted methods"))))
        .collect(Collectors.toList());
  }

  @Override
  public String toString() {
    return "exit " + status + "\nstdout:\n" + String.join("\n", out) + "\nstderr:\n"
        + String.join("\n", err);
  }
}
