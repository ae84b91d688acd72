package io.synscope.examples;

import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Where an example runs from: this jar (the application's classpath too), the agent jar attached
 * to the application, and the java that runs it (the same as runs the example).
 *
 * <p>The agent jar is {@code -Dsynscope.agent.jar=...} when given, else {@code
 * agent/target/synscope-agent.jar} of the build this jar belongs to ({@code
 * examples/target/../../agent/target/}).
 */
public record Launch(Path examplesJar, Path agentJar, Path java, PrintStream out) {
  static final String AGENT_JAR_PROPERTY = "synscope.agent.jar";

  /** The launch, or a one-line reason why the example cannot run. */
  public static Launch locate(PrintStream out) throws LaunchException {
    Path self;
    try {
      self = Path.of(Examples.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new LaunchException("cannot tell where synscope-examples.jar is");
    }
    String property = System.getProperty(AGENT_JAR_PROPERTY);
    Path agent =
        property != null
            ? Path.of(property)
            : self.toAbsolutePath()
                .getParent()
                .resolve("../../agent/target/synscope-agent.jar")
                .normalize();
    if (!Files.isRegularFile(agent)) {
      throw new LaunchException(
          "the agent jar "
              + agent
              + " is missing; build it first: mvn -B -q package -DskipTests"
              + (property == null ? " (or name it with -D" + AGENT_JAR_PROPERTY + "=PATH)" : ""));
    }
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return new Launch(self, agent, java, out);
  }

  /**
   * The runner's own {@code otel.*} and {@code synscope.*} system properties, as {@code -D}
   * options for the application's JVM, where the agent reads them: {@code java
   * -Dotel.traces.exporter=otlp,zipkin -jar synscope-examples.jar overflow} sends the spans to
   * Zipkin as well. The example's own settings (its OTLP endpoint, the service name) are in the
   * agent's argument and win over these.
   */
  public List<String> passedProperties() {
    List<String> options = new ArrayList<>();
    for (String name : new TreeSet<>(System.getProperties().stringPropertyNames())) {
      if ((name.startsWith("otel.") || name.startsWith("synscope."))
          && !name.equals(AGENT_JAR_PROPERTY)) {
        options.add("-D" + name + "=" + System.getProperty(name));
      }
    }
    return options;
  }

  /** Why an example cannot start. */
  public static final class LaunchException extends Exception {
    private static final long serialVersionUID = 1L;

    LaunchException(String message) {
      super(message);
    }
  }
}
