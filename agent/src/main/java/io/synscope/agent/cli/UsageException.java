package io.synscope.agent.cli;

/**
 * The command line was wrong: an unknown command or option, a missing or bad value. The message
 * names the option and the value; the CLI prints it on one line and exits with status 2.
 */
final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }

  static UsageException badValue(String option, String value, String expected) {
    return new UsageException(
        "bad value for " + option + ": '" + value + "' (expected " + expected + ")");
  }
}
