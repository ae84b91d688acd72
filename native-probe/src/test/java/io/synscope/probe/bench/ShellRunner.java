package io.synscope.probe.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A long-lived {@code sh} that runs commands one at a time, as a user at a terminal would. Started
 * before the benchmark opens its sockets, it holds none of them, so that the time of a command run
 * through it is the command's own (plus the shell's fork and exec) and not the cost of starting a
 * process from a JVM that holds thousands of descriptors.
 */
final class ShellRunner implements AutoCloseable {
  private static final String DONE = "__done__";

  private final Process shell;
  private final Writer in;
  private final BufferedReader out;

  private ShellRunner(Process shell) {
    this.shell = shell;
    this.in = new OutputStreamWriter(shell.getOutputStream(), StandardCharsets.US_ASCII);
    this.out =
        new BufferedReader(
            new InputStreamReader(shell.getInputStream(), StandardCharsets.US_ASCII));
  }

  static ShellRunner start() throws IOException {
    return new ShellRunner(
        new ProcessBuilder("sh").redirectError(ProcessBuilder.Redirect.INHERIT).start());
  }

  /**
   * Runs {@code command} with its output sent to /dev/null and waits for it to end.
   *
   * @throws IOException when it fails or the shell has gone
   */
  void run(String command) throws IOException {
    in.write(command + " >/dev/null; echo \"" + DONE + " $?\"\n");
    in.flush();
    String line = out.readLine();
    if (line == null) {
      throw new IOException("the shell ended while running: " + command);
    }
    if (!line.equals(DONE + " 0")) {
      throw new IOException(command + " failed in the shell: " + line);
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
    try {
      if (shell.waitFor(10, TimeUnit.SECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    shell.destroyForcibly();
    throw new IOException("the shell " + shell.pid() + " did not end within 10 s; killed");
  }
}
