package io.synscope.agent.bench;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The one line a benchmark application prints at its end, {@code RESULT key=value ...}, parsed. A
 * missing field or a field that is not a number is an error naming the field and the line.
 */
final class ResultLine {
  static final String PREFIX = "RESULT ";

  private final String line;
  private final Map<String, String> fields;

  private ResultLine(String line, Map<String, String> fields) {
    this.line = line;
    this.fields = fields;
  }

  static boolean isResult(String line) {
    return line.startsWith(PREFIX);
  }

  static ResultLine parse(String line) throws IOException {
    if (!isResult(line)) {
      throw new IOException("not a RESULT line: " + line);
    }
    Map<String, String> f = new HashMap<>();
    for (String pair : line.substring(PREFIX.length()).trim().split(" ")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IOException("malformed field '" + pair + "' in: " + line);
      }
      f.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    return new ResultLine(line, f);
  }

  String text(String name) throws IOException {
    String v = fields.get(name);
    if (v == null) {
      throw new IOException("no field '" + name + "' in: " + line);
    }
    return v;
  }

  long number(String name) throws IOException {
    String v = text(name);
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IOException("field '" + name + "' is not a number (" + v + ") in: " + line, e);
    }
  }

  boolean flag(String name) throws IOException {
    String v = text(name);
    if (!v.equals("true") && !v.equals("false")) {
      throw new IOException("field '" + name + "' is not true or false (" + v + ") in: " + line);
    }
    return v.equals("true");
  }

  @Override
  public String toString() {
    return line;
  }
}
