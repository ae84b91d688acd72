package io.synscope.agent.cli;

import java.io.PrintStream;

/** Writes JSON objects one per line (JSON Lines), flushed at once so a pipe sees each line. */
final class JsonLineWriter {
  private final PrintStream out;

  JsonLineWriter(PrintStream out) {
    this.out = out;
  }

  void write(JsonObject object) {
    out.print(object);
    out.print('\n');
    out.flush();
  }
}
