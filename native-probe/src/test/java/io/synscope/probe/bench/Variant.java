package io.synscope.probe.bench;

/** One thing measured side by side with the others: a name, the operation and its samples. */
final class Variant {
  /** Runs once; returns how many sockets it saw, or -1 when it cannot tell. */
  @FunctionalInterface
  interface Operation {
    long run() throws Exception;
  }

  final String name;
  final Operation operation;
  /** Whether a per-socket time and allocation are meaningful (dumps made in this JVM). */
  final boolean inProcess;
  final Samples samples = new Samples();
  int iterations;

  Variant(String name, boolean inProcess, Operation operation) {
    this.name = name;
    this.inProcess = inProcess;
    this.operation = operation;
  }
}
