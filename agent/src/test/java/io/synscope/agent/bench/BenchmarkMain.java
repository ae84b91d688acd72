package io.synscope.agent.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** What every benchmark's main does alike: find the agent jar, and exit 1 when something broke. */
final class BenchmarkMain {
  /** A benchmark's body. */
  interface Body {
    void run() throws Exception;
  }

  private BenchmarkMain() {}

  /** Runs the body; a failure is one line, its stack trace, and exit status 1. */
  static void run(Body body) {
    try {
      body.run();
    } catch (Exception e) {
      System.err.println("benchmark failed: " + e);
      e.printStackTrace();
      System.exit(1);
    }
  }

  /** The agent jar the build made ({@code bench.agentJar}); an error when it is not there. */
  static Path agentJar() throws IOException {
    Path jar = Paths.get(System.getProperty("bench.agentJar", "target/synscope-agent.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IOException("no agent jar at " + jar.toAbsolutePath() + " (build it first)");
    }
    return jar;
  }
}
