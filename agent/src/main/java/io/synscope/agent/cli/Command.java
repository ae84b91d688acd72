package io.synscope.agent.cli;

import java.io.PrintStream;
import java.util.List;

/** One CLI command: {@code java -jar synscope-agent.jar NAME [options]}. */
interface Command {
  /** The word that selects it. */
  String name();

  /** One line for the top-level help. */
  String summary();

  /** The command's full help: usage line and every option. */
  String usage();

  /**
   * Parses the options and runs. Help is printed by the caller when {@code --help} is among the
   * arguments.
   *
   * @return the exit status
   * @throws UsageException when the options are wrong; nothing has been done then
   * @throws InterruptedException when a watching command is interrupted
   */
  int run(List<String> args, PrintStream out) throws UsageException, InterruptedException;
}
