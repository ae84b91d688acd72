package io.synscope.agent.config;

import java.time.Duration;
import java.util.Locale;

/** How an option's text is read; each says what it expected when the text is wrong. */
public enum OptionType {
  BOOLEAN("true or false") {
    @Override
    Object parse(String text) {
      String t = text.trim().toLowerCase(Locale.ROOT);
      if (t.equals("true")) {
        return Boolean.TRUE;
      }
      if (t.equals("false")) {
        return Boolean.FALSE;
      }
      throw new IllegalArgumentException();
    }
  },
  OPTIONAL_PORT("a port number 1..65535, or empty for off") {
    @Override
    Object parse(String text) {
      if (text.isBlank()) {
        return -1;
      }
      int p = Integer.parseInt(text.trim());
      if (p < 1 || p > 65535) {
        throw new IllegalArgumentException();
      }
      return p;
    }
  },
  DURATION("a duration such as 500ms, 1s or 2m") {
    @Override
    Object parse(String text) {
      return positiveDuration(text);
    }
  },
  OPTIONAL_DURATION("a duration such as 10ms or 1s, or empty for none") {
    @Override
    Object parse(String text) {
      return text.isBlank() ? Duration.ZERO : positiveDuration(text);
    }
  },
  PROBE_SOURCE("auto, netlink or proc") {
    @Override
    Object parse(String text) {
      String t = text.trim().toLowerCase(Locale.ROOT);
      if (!t.equals("auto") && !t.equals("netlink") && !t.equals("proc")) {
        throw new IllegalArgumentException();
      }
      return t;
    }
  },
  TEXT("text") {
    @Override
    Object parse(String text) {
      return text.trim();
    }
  };

  private final String expected;

  OptionType(String expected) {
    this.expected = expected;
  }

  /** What a valid value looks like, for error messages. */
  public String expected() {
    return expected;
  }

  /** Parses the text; throws IllegalArgumentException (or NumberFormatException) when invalid. */
  abstract Object parse(String text);

  /** {@code 500ms}, {@code 1s}, {@code 2m}, or a bare number of milliseconds; more than zero. */
  private static Duration positiveDuration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    long n;
    Duration d;
    if (t.endsWith("ms")) {
      n = Long.parseLong(t.substring(0, t.length() - 2));
      d = Duration.ofMillis(n);
    } else if (t.endsWith("s")) {
      n = Long.parseLong(t.substring(0, t.length() - 1));
      d = Duration.ofSeconds(n);
    } else if (t.endsWith("m")) {
      n = Long.parseLong(t.substring(0, t.length() - 1));
      d = Duration.ofMinutes(n);
    } else {
      n = Long.parseLong(t);
      d = Duration.ofMillis(n);
    }
    if (n <= 0) {
      throw new IllegalArgumentException();
    }
    return d;
  }
}
