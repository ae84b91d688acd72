package io.synscope.agent.cli;

import io.synscope.probe.TcpState;
import java.math.BigDecimal;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** Converts option values, failing with a {@link UsageException} that names option and value. */
final class OptionValues {
  private OptionValues() {}

  static int port(String option, String value) throws UsageException {
    long n = integer(option, value, 0, 65535, "0..65535");
    return (int) n;
  }

  /** A pid of a process that exists now. */
  static long pid(String option, String value) throws UsageException {
    long pid = integer(option, value, 1, Long.MAX_VALUE, "a process id");
    if (ProcessHandle.of(pid).isEmpty()) {
      throw UsageException.badValue(option, value, "the pid of a running process; there is none");
    }
    return pid;
  }

  static int positiveInt(String option, String value) throws UsageException {
    return (int) integer(option, value, 1, Integer.MAX_VALUE, "a whole number > 0");
  }

  /** A duration in seconds, fractions allowed, at least one millisecond; returned in millis. */
  static long seconds(String option, String value) throws UsageException {
    BigDecimal seconds;
    try {
      seconds = new BigDecimal(value.trim());
    } catch (NumberFormatException e) {
      throw UsageException.badValue(option, value, "a number of seconds > 0");
    }
    BigDecimal millis = seconds.movePointRight(3);
    if (millis.compareTo(BigDecimal.ONE) < 0
        || millis.compareTo(BigDecimal.valueOf(86_400_000L)) > 0) {
      throw UsageException.badValue(option, value, "a number of seconds > 0, at most 86400");
    }
    return millis.longValue();
  }

  /**
   * TCP states as {@code ss} spells them, comma-separated, plus ss's groups: {@code all}, {@code
   * connected} (all but listen and closed), {@code synchronized} (connected but syn-sent), {@code
   * bucket} (syn-recv, time-wait) and {@code big} (all but bucket).
   */
  static Set<TcpState> states(String option, String value) throws UsageException {
    Set<TcpState> out = EnumSet.noneOf(TcpState.class);
    for (String part : value.split(",", -1)) {
      String name = part.trim();
      Set<TcpState> group = stateGroup(name.toLowerCase(Locale.ROOT));
      if (group != null) {
        out.addAll(group);
        continue;
      }
      try {
        out.add(TcpState.parse(name));
      } catch (IllegalArgumentException e) {
        throw UsageException.badValue(
            option,
            name,
            "a TCP state: established, syn-sent, syn-recv, fin-wait-1, fin-wait-2, time-wait,"
                + " closed, close-wait, last-ack, listening, closing, or all, connected,"
                + " synchronized, bucket, big");
      }
    }
    return out;
  }

  private static Set<TcpState> stateGroup(String name) {
    switch (name) {
      case "all":
        return EnumSet.allOf(TcpState.class);
      case "connected":
        return EnumSet.complementOf(EnumSet.of(TcpState.LISTEN, TcpState.CLOSE));
      case "synchronized":
        return EnumSet.complementOf(
            EnumSet.of(TcpState.LISTEN, TcpState.CLOSE, TcpState.SYN_SENT));
      case "bucket":
        return EnumSet.of(TcpState.SYN_RECV, TcpState.TIME_WAIT);
      case "big":
        return EnumSet.complementOf(EnumSet.of(TcpState.SYN_RECV, TcpState.TIME_WAIT));
      default:
        return null;
    }
  }

  private static long integer(String option, String value, long min, long max, String expected)
      throws UsageException {
    long n;
    try {
      n = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw UsageException.badValue(option, value, expected);
    }
    if (n < min || n > max) {
      throw UsageException.badValue(option, value, expected);
    }
    return n;
  }
}
