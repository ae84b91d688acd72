package io.synscope.agent.cli;

/** The operator's command line: {@code java -jar synscope-agent.jar COMMAND [options]}. */
public final class Cli {
  private Cli() {}

  /** Runs a command and returns the process exit status. */
  public static int run(String[] args) {
    System.out.println("synscope: commands not yet implemented");
    return 0;
  }
}
