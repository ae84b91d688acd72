package io.synscope.agent.testing;

import java.io.File;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A JVM started as a child process to run a test app, optionally with the agent attached.
 *
 * <p>Its stdout and stderr are captured in memory and in log files under {@code
 * target/forked-jvm/}. Every wait is bounded by the JVM's overall timeout: when it passes, the
 * process is ended through its own handle and the waiting call fails with everything it printed.
 * Apps coordinate with the test through lines: they print {@code READY ...}, which the test awaits
 * with {@link #awaitOutputLine}, and read lines the test sends with {@link #sendLine}. Close it
 * (try-with-resources) so a failed test leaves no process behind.
 */
public final class ForkedJvm implements AutoCloseable {
  /** The system property that names the built agent jar; set by the integration-test run. */
  public static final String AGENT_JAR_PROPERTY = "synscope.agent.jar";

  private static final Duration KILL_GRACE = Duration.ofSeconds(5);
  private static final long READER_DRAIN_MILLIS = 5_000;

  private final String name;
  private final List<String> command;
  private final Process process;
  private final long deadlineNanos;
  private final Duration timeout;
  private final ProcessOutput stdout;
  private final ProcessOutput stderr;
  private final Writer stdin;

  private ForkedJvm(String name, List<String> command, Map<String, String> env, Duration timeout)
      throws IOException {
    this.name = name;
    this.command = List.copyOf(command);
    this.timeout = timeout;
    Path logDir = Files.createDirectories(Path.of("target", "forked-jvm"));
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss-SSS"));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    this.process = builder.start();
    this.deadlineNanos = System.nanoTime() + timeout.toNanos();
    String prefix = name + "-" + stamp + "-" + process.pid();
    this.stdout =
        new ProcessOutput(
            process.getInputStream(), logDir.resolve(prefix + ".stdout.log"), prefix + "-stdout");
    this.stderr =
        new ProcessOutput(
            process.getErrorStream(), logDir.resolve(prefix + ".stderr.log"), prefix + "-stderr");
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
  }

  public static Builder builder(Class<?> mainClass) {
    return new Builder(mainClass);
  }

  /** The agent jar built by this module, from {@value #AGENT_JAR_PROPERTY}. */
  public static Path agentJar() {
    String jar = System.getProperty(AGENT_JAR_PROPERTY);
    if (jar == null) {
      throw new IllegalStateException(
          "system property "
              + AGENT_JAR_PROPERTY
              + " is not set: tests that attach the agent are *IT classes, run after package");
    }
    Path path = Path.of(jar);
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException(AGENT_JAR_PROPERTY + "=" + jar + " is not a file");
    }
    return path;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The full command line, as started. */
  public List<String> command() {
    return command;
  }

  public String stdout() {
    return stdout.text();
  }

  public String stderr() {
    return stderr.text();
  }

  /** The file stdout is also written to, kept after the test for debugging. */
  public Path stdoutLog() {
    return stdout.logFile();
  }

  public Path stderrLog() {
    return stderr.logFile();
  }

  public List<String> stdoutLines() {
    return stdout.lines();
  }

  /**
   * The first stdout line, from the start of the output, that matches. Fails with the output when
   * the process ends without printing one, or when {@code timeout} or the JVM's timeout passes
   * (then the process is ended).
   */
  public String awaitOutputLine(Predicate<String> condition, Duration timeout) {
    return awaitLine(stdout, "an output line", condition, timeout);
  }

  /**
   * The first stderr line that matches (the agent's own lines are there, and the agent starts
   * beside the application, so they may come after the application's first output); fails as
   * {@link #awaitOutputLine} does.
   */
  public String awaitErrorLine(Predicate<String> condition, Duration timeout) {
    return awaitLine(stderr, "a line on stderr", condition, timeout);
  }

  private String awaitLine(
      ProcessOutput stream, String what, Predicate<String> condition, Duration timeout) {
    long deadline = Math.min(System.nanoTime() + timeout.toNanos(), deadlineNanos);
    Optional<String> line;
    try {
      line = stream.awaitLine(condition, deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure("interrupted while waiting for " + what, e);
    }
    if (line.isPresent()) {
      return line.get();
    }
    if (stream.ended()) {
      awaitExitQuietly();
      throw failure("ended its output without a matching line", null);
    }
    if (System.nanoTime() - deadlineNanos >= 0) {
      throw killed();
    }
    throw failure("printed no matching line within " + timeout, null);
  }

  /** Writes one line to the app's stdin. */
  public void sendLine(String line) {
    try {
      stdin.write(line);
      stdin.write('\n');
      stdin.flush();
    } catch (IOException e) {
      throw failure("did not take the line '" + line + "' on stdin", e);
    }
  }

  /** Closes the app's stdin, which it reads as end of input. */
  public void closeStdin() {
    try {
      stdin.close();
    } catch (IOException e) {
      throw failure("could not close stdin", e);
    }
  }

  /**
   * Waits for the process to exit, within the JVM's timeout, and returns its exit code with its
   * output complete. On timeout the process is ended and this fails with its output.
   */
  public int awaitExit() {
    try {
      long remaining = deadlineNanos - System.nanoTime();
      if (!process.waitFor(Math.max(0, remaining), TimeUnit.NANOSECONDS)) {
        throw killed();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure("interrupted while waiting for exit", e);
    }
    stdout.awaitEnd(READER_DRAIN_MILLIS);
    stderr.awaitEnd(READER_DRAIN_MILLIS);
    return process.exitValue();
  }

  /** Waits for exit and fails, with the output, unless the exit code is 0. */
  public void awaitSuccess() {
    int exitCode = awaitExit();
    if (exitCode != 0) {
      throw failure("exited with " + exitCode, null);
    }
  }

  private void awaitExitQuietly() {
    try {
      process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stderr.awaitEnd(READER_DRAIN_MILLIS);
  }

  private AssertionError killed() {
    end();
    return failure("did not finish within its timeout of " + timeout + " and was ended", null);
  }

  private AssertionError failure(String what, Throwable cause) {
    StringBuilder message =
        new StringBuilder()
            .append("forked JVM ")
            .append(name)
            .append(" (pid ")
            .append(process.pid())
            .append(") ")
            .append(what);
    if (!process.isAlive()) {
      message.append("; exit code ").append(process.exitValue());
    }
    message
        .append("\ncommand: ")
        .append(String.join(" ", command))
        .append("\n--- stdout (")
        .append(stdout.logFile())
        .append(") ---\n")
        .append(stdout.text())
        .append("--- stderr (")
        .append(stderr.logFile())
        .append(") ---\n")
        .append(stderr.text());
    return new AssertionError(message.toString(), cause);
  }

  /** Asks the process to stop (so shutdown hooks run), then forces it; this process only. */
  private void end() {
    Processes.stop(process, KILL_GRACE);
    stdout.awaitEnd(READER_DRAIN_MILLIS);
    stderr.awaitEnd(READER_DRAIN_MILLIS);
  }

  /** Ends the process if it is still running. */
  @Override
  public void close() {
    end();
  }

  /** Describes the JVM to start; {@link #start()} starts it. */
  public static final class Builder {
    private final Class<?> mainClass;
    private Path javaExecutable = Jdks.current().java();
    private Path agentJar;
    private String agentOptions;
    private final List<String> jvmArgs = new ArrayList<>();
    private final Map<String, String> systemProperties = new LinkedHashMap<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> commandPrefix = new ArrayList<>();
    private final Set<Path> classpath = new LinkedHashSet<>();
    private final List<String> args = new ArrayList<>();
    private Duration timeout = Duration.ofSeconds(60);
    private String name;

    private Builder(Class<?> mainClass) {
      this.mainClass = mainClass;
      this.name = mainClass.getSimpleName();
      classpathOf(mainClass);
    }

    /** Runs the JVM of this JDK instead of the one running the test. */
    public Builder jdk(Jdk jdk) {
      this.javaExecutable = jdk.java();
      return this;
    }

    /** Attaches the built agent jar ({@value #AGENT_JAR_PROPERTY}) without options. */
    public Builder withAgent() {
      return withAgent(null);
    }

    /** Attaches the built agent jar with {@code -javaagent:<jar>=<options>}. */
    public Builder withAgent(String options) {
      this.agentJar = agentJar();
      this.agentOptions = options;
      return this;
    }

    public Builder jvmArg(String arg) {
      jvmArgs.add(arg);
      return this;
    }

    public Builder systemProperty(String key, String value) {
      systemProperties.put(key, value);
      return this;
    }

    public Builder env(String key, String value) {
      env.put(key, value);
      return this;
    }

    /**
     * Adds the jar or directory that {@code type} was loaded from. The main class's own is always
     * there; nothing else of the test classpath is, so the app sees only what it needs and the
     * agent's dependencies stay out of its way.
     */
    public Builder classpathOf(Class<?> type) {
      try {
        classpath.add(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()));
      } catch (URISyntaxException | NullPointerException e) {
        throw new IllegalArgumentException(type + " was not loaded from a file", e);
      }
      return this;
    }

    /**
     * Replaces the class path, the main class's own location included: for a JVM that must find its
     * classes somewhere else, e.g. a JVM of another user who cannot read the build's directories.
     */
    public Builder classpathInstead(Path... entries) {
      classpath.clear();
      return classpath(entries);
    }

    /** Adds jars or directories to the class path, after those already there. */
    public Builder classpath(Path... entries) {
      classpath.addAll(List.of(entries));
      return this;
    }

    /**
     * Runs the JVM through a command that executes its arguments, e.g. {@code ip netns exec NS} to
     * start it inside a network namespace. The prefix must exec the JVM (not fork it), so that
     * {@link ForkedJvm#pid()} is the JVM's pid.
     */
    public Builder commandPrefix(String... prefix) {
      commandPrefix.clear();
      commandPrefix.addAll(List.of(prefix));
      return this;
    }

    public Builder args(String... arguments) {
      args.addAll(List.of(arguments));
      return this;
    }

    /** The bound of every wait on this JVM, counted from its start; default 60 s. */
    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /** Names the log files and failure messages; default the main class's simple name. */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public List<String> command() {
      List<String> command = new ArrayList<>(commandPrefix);
      command.add(javaExecutable.toString());
      if (agentJar != null) {
        command.add("-javaagent:" + agentJar + (agentOptions == null ? "" : "=" + agentOptions));
      }
      command.addAll(jvmArgs);
      systemProperties.forEach((key, value) -> command.add("-D" + key + "=" + value));
      command.add("-cp");
      command.add(
          String.join(
              File.pathSeparator, classpath.stream().map(Path::toString).toList()));
      command.add(mainClass.getName());
      command.addAll(args);
      return command;
    }

    public ForkedJvm start() {
      try {
        return new ForkedJvm(name, command(), env, timeout);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start " + command(), e);
      }
    }
  }
}
