package io.synscope.agent.testing;

import java.nio.file.Path;

/** A JDK installation a test can fork a JVM with; {@code feature} is e.g. 17 or 25. */
public record Jdk(int feature, String version, Path home) {
  public Path java() {
    return home.resolve("bin").resolve("java");
  }

  @Override
  public String toString() {
    return "JDK " + version;
  }
}
