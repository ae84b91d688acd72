package io.synscope.examples;

import io.synscope.examples.http.HttpStory;
import io.synscope.examples.overflow.OverflowStory;
import io.synscope.examples.slow.SlowDependencyStory;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code java -jar synscope-examples.jar NAME}: runs one example, which starts its application in
 * a JVM of its own with the synscope agent attached, prints the spans as they arrive and a
 * summary, and exits.
 */
public final class Examples {
  private static final List<Example> EXAMPLES =
      List.of(new OverflowStory(), new HttpStory(), new SlowDependencyStory());

  private Examples() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out));
  }

  static int run(String[] args, PrintStream out) throws Exception {
    if (args.length != 1 || args[0].equals("--help") || args[0].equals("-h")) {
      usage(args.length == 1 ? out : System.err);
      return args.length == 1 ? 0 : 2;
    }
    for (Example e : EXAMPLES) {
      if (e.name().equals(args[0])) {
        Launch launch;
        try {
          launch = Launch.locate(out);
        } catch (Launch.LaunchException missing) {
          System.err.println("examples: " + missing.getMessage());
          return 1;
        }
        return e.run(launch);
      }
    }
    System.err.println("examples: unknown example '" + args[0] + "'");
    usage(System.err);
    return 2;
  }

  private static void usage(PrintStream out) {
    out.println("usage: java -jar examples/target/synscope-examples.jar NAME");
    out.println();
    for (Example e : EXAMPLES) {
      out.println(String.format("  %-16s %s", e.name(), e.description()));
    }
  }
}
