package io.synscope.agent.testing.apps;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A forked test app that answers commands read from stdin, one per line, so a test can drive it:
 * {@code PROP <name>} and {@code ENV <name>} print a system property or environment variable,
 * {@code ERR <text>} prints to stderr, {@code EXIT <code>} exits, anything else is echoed. End of
 * input exits with 0. Prints {@code READY pid=<pid> args=<args>} first.
 */
public final class EchoApp {
  private EchoApp() {}

  public static void main(String[] args) throws IOException {
    System.out.println(
        "READY pid=" + ProcessHandle.current().pid() + " args=" + String.join(",", args));
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.startsWith("PROP ")) {
        System.out.println("PROP " + System.getProperty(line.substring(5)));
      } else if (line.startsWith("ENV ")) {
        System.out.println("ENV " + System.getenv(line.substring(4)));
      } else if (line.startsWith("ERR ")) {
        System.err.println(line.substring(4));
      } else if (line.startsWith("EXIT ")) {
        System.exit(Integer.parseInt(line.substring(5)));
      } else {
        System.out.println("ECHO " + line);
      }
    }
  }
}
