package io.synscope.agent.cli;

import io.synscope.agent.AgentLog;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The operator's command line: {@code java -jar synscope-agent.jar COMMAND [options]}.
 *
 * <p>Exit status: 0 done, 1 the command failed at run time (the probe could not read the kernel's
 * tables, say), 2 the command line was wrong. Every failure is one line on standard error; set
 * {@code SYNSCOPE_DEBUG=1} for the stack trace as well.
 */
public final class Cli {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  static final String PROGRAM = "synscope";

  private final CommandRegistry commands;
  private final PrintStream out;
  private final PrintStream err;
  private final boolean debug;

  Cli(CommandRegistry commands, PrintStream out, PrintStream err, boolean debug) {
    this.commands = commands;
    this.out = out;
    this.err = err;
    this.debug = debug;
  }

  /** Runs a command and returns the process exit status. */
  public static int run(String[] args) {
    boolean debug = "1".equals(System.getenv("SYNSCOPE_DEBUG"));
    return new Cli(CommandRegistry.standard(), System.out, System.err, debug).execute(args);
  }

  int execute(String[] args) {
    if (args.length == 0) {
      err.println(PROGRAM + ": no command given; see --help");
      return USAGE;
    }
    String first = args[0];
    if (first.equals("--help") || first.equals("-h") || first.equals("help")) {
      if (args.length > 1 && first.equals("help")) {
        return execute(new String[] {args[1], "--help"});
      }
      out.println(usage());
      return OK;
    }
    if (first.equals("--version")) {
      String version = Version.fromManifest();
      out.println(
          PROGRAM + " " + (version == null ? "(version unknown: not run from its jar)" : version));
      return OK;
    }
    Command command = commands.find(first);
    if (command == null) {
      String what = first.startsWith("-") ? "unknown option '" : "unknown command '";
      err.println(PROGRAM + ": " + what + first + "'; see --help");
      return USAGE;
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    if (rest.contains("--help") || rest.contains("-h")) {
      out.println(command.usage());
      return OK;
    }
    String prefix = PROGRAM + " " + command.name() + ": ";
    try {
      return command.run(rest, out);
    } catch (UsageException e) {
      err.println(prefix + e.getMessage() + "; see --help");
      return USAGE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println(prefix + "interrupted");
      return FAILED;
    } catch (RuntimeException | LinkageError e) {
      // LinkageError: the native library could not be loaded, for instance.
      err.println(prefix + AgentLog.oneLine(e));
      if (debug) {
        e.printStackTrace(err);
      }
      return FAILED;
    } finally {
      out.flush();
    }
  }

  String usage() {
    StringBuilder sb = new StringBuilder();
    sb.append("Usage: java -jar synscope-agent.jar COMMAND [options]\n\n");
    sb.append("The kernel's view of this machine's TCP sockets, accept queues and stack\n");
    sb.append("counters.\n\nCommands:\n");
    int width = 0;
    for (Command c : commands.all()) {
      width = Math.max(width, c.name().length());
    }
    for (Command c : commands.all()) {
      sb.append("  ").append(c.name()).append(" ".repeat(width - c.name().length() + 2))
          .append(c.summary()).append('\n');
    }
    sb.append("\nOptions:\n");
    sb.append("  -h, --help  show this help; COMMAND --help shows a command's options\n");
    sb.append("  --version   show the version\n\n");
    sb.append("Exit status: 0 done, 1 failed at run time, 2 bad command line.\n");
    sb.append("Set SYNSCOPE_DEBUG=1 to see stack traces of failures.");
    return sb.toString();
  }
}
