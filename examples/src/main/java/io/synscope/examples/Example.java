package io.synscope.examples;

/** One runnable story: {@code java -jar synscope-examples.jar NAME}. */
public interface Example {
  String name();

  /** One line for the list of examples. */
  String description();

  /** Runs the story to its end; the process's exit status. */
  int run(Launch launch) throws Exception;
}
