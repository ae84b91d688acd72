package io.synscope.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One run of {@code java -jar examples/target/synscope-examples.jar ARGS}, exactly as the README
 * gives it, to its end: exit status, standard output and error. Output is also kept in {@code
 * target/example-runs/} for debugging. A run that outlives its timeout is ended (this process
 * only) and fails.
 */
record ExampleRun(int exitCode, String stdout, String stderr, Duration took) {
  static final String JAR_PROPERTY = "synscope.examples.jar";

  static Path examplesJar() {
    String jar = System.getProperty(JAR_PROPERTY);
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException(
          JAR_PROPERTY + "=" + jar + " is not a file: example tests are *IT classes, run after"
              + " package");
    }
    return Path.of(jar);
  }

  static ExampleRun of(Duration timeout, List<String> jvmOptions, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(examplesJar().toString());
    command.addAll(List.of(args));
    long start = System.nanoTime();
    Process p = new ProcessBuilder(command).start();
    p.getOutputStream().close();
    CompletableFuture<String> out = read(p.getInputStream());
    CompletableFuture<String> err = read(p.getErrorStream());
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroy();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      throw new AssertionError(
          String.join(" ", command) + " did not end within " + timeout + "\n--- stdout ---\n"
              + out.getNow("") + "\n--- stderr ---\n" + err.getNow(""));
    }
    ExampleRun run =
        new ExampleRun(
            p.exitValue(), out.join(), err.join(), Duration.ofNanos(System.nanoTime() - start));
    Path dir = Files.createDirectories(Path.of("target", "example-runs"));
    String name = String.join("-", args).replaceAll("[^A-Za-z0-9-]", "_");
    // Runs of the same example in one build keep their own files.
    String unique = name;
    for (int n = 2; Files.exists(dir.resolve(unique + ".stdout.log")); n++) {
      unique = name + "-" + n;
    }
    Files.writeString(dir.resolve(unique + ".stdout.log"), run.stdout(), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve(unique + ".stderr.log"), run.stderr(), StandardCharsets.UTF_8);
    return run;
  }

  private static CompletableFuture<String> read(java.io.InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "(output unreadable: " + e + ")";
          }
        });
  }

  List<String> lines() {
    return stdout.lines().toList();
  }

  /** Everything it printed, for failure messages. */
  String describe() {
    return "exit " + exitCode + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
  }
}
