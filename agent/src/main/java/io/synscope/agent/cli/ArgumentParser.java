package io.synscope.agent.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a command's options: flags ({@code --json}), options with a value ({@code --port 80} or
 * {@code --port=80}), some of them repeatable. {@code --help} and {@code -h} are always known. No
 * positional arguments: anything that is not an option is an error.
 */
final class ArgumentParser {
  static final String HELP = "--help";

  private final Map<String, Spec> byName = new HashMap<>();

  private static final class Spec {
    final String name;
    final boolean takesValue;
    final boolean repeatable;

    Spec(String name, boolean takesValue, boolean repeatable) {
      this.name = name;
      this.takesValue = takesValue;
      this.repeatable = repeatable;
    }
  }

  ArgumentParser() {
    flag(HELP, "-h");
  }

  /** A flag without a value; the first name is the one {@link Parsed} knows it by. */
  ArgumentParser flag(String name, String... aliases) {
    return add(new Spec(name, false, false), name, aliases);
  }

  /** An option that takes one value and may be given once. */
  ArgumentParser value(String name) {
    return add(new Spec(name, true, false), name);
  }

  /** An option that takes one value and may be given several times. */
  ArgumentParser repeatableValue(String name) {
    return add(new Spec(name, true, true), name);
  }

  private ArgumentParser add(Spec spec, String name, String... aliases) {
    byName.put(name, spec);
    for (String a : aliases) {
      byName.put(a, spec);
    }
    return this;
  }

  Parsed parse(List<String> args) throws UsageException {
    Map<String, List<String>> seen = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg;
      String inlineValue = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 2) {
        name = arg.substring(0, eq);
        inlineValue = arg.substring(eq + 1);
      }
      Spec spec = byName.get(name);
      if (spec == null) {
        if (arg.startsWith("-") && arg.length() > 1) {
          throw new UsageException("unknown option '" + name + "'");
        }
        throw new UsageException("unexpected argument '" + arg + "'");
      }
      List<String> values = seen.computeIfAbsent(spec.name, k -> new ArrayList<>());
      if (!values.isEmpty() && !spec.repeatable) {
        throw new UsageException(spec.name + " given more than once");
      }
      if (!spec.takesValue) {
        if (inlineValue != null) {
          throw new UsageException(spec.name + " takes no value, got '" + inlineValue + "'");
        }
        values.add("");
        continue;
      }
      String value = inlineValue;
      if (value == null) {
        // A following option is not taken as the value: "--port --json" lacks the port.
        if (i + 1 >= args.size() || byName.containsKey(optionName(args.get(i + 1)))) {
          throw new UsageException("missing value for " + spec.name);
        }
        value = args.get(++i);
      }
      values.add(value);
    }
    return new Parsed(seen);
  }

  private static String optionName(String arg) {
    int eq = arg.indexOf('=');
    return arg.startsWith("--") && eq > 2 ? arg.substring(0, eq) : arg;
  }

  /** What {@link #parse} found, by each option's first name. */
  static final class Parsed {
    private final Map<String, List<String>> values;

    private Parsed(Map<String, List<String>> values) {
      this.values = values;
    }

    boolean has(String name) {
      return values.containsKey(name);
    }

    /** Every value given for the option, in order; empty when it was not given. */
    List<String> values(String name) {
      return values.getOrDefault(name, List.of());
    }

    /** The option's value, or null when it was not given. */
    String value(String name) {
      List<String> v = values.get(name);
      return v == null ? null : v.get(0);
    }

    boolean helpRequested() {
      return has(HELP);
    }
  }
}
