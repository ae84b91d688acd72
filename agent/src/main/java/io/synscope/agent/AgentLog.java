package io.synscope.agent;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's voice in the application's log: single lines on standard error, prefixed {@code
 * [synscope]}, never a stack trace unless debugging is on ({@code synscope.debug=true}). Repeated
 * problems are said once.
 */
public final class AgentLog {
  private static final Set<String> SAID = ConcurrentHashMap.newKeySet();
  private static volatile boolean debug;

  private AgentLog() {}

  public static void setDebug(boolean on) {
    debug = on;
  }

  public static boolean isDebug() {
    return debug;
  }

  public static void info(String message) {
    System.err.println("[synscope] " + message);
  }

  public static void warn(String message) {
    System.err.println("[synscope] WARN " + message);
  }

  /** Says {@code message} the first time {@code key} is seen, and never again. */
  public static void warnOnce(String key, String message) {
    if (SAID.add(key)) {
      warn(message);
    }
  }

  /** The failure's type and message, and its cause's, on one line. */
  public static String oneLine(Throwable t) {
    StringBuilder sb = new StringBuilder(describe(t));
    Throwable cause = t.getCause();
    if (cause != null && cause != t) {
      sb.append(" (caused by ").append(describe(cause)).append(')');
    }
    return sb.toString().replaceAll("[\\r\\n]+", " ");
  }

  private static String describe(Throwable t) {
    String message = t.getMessage();
    return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /** A warning with the cause's type and message in the same line; the trace only when debugging. */
  public static void warn(String message, Throwable cause) {
    warn(message + ": " + cause);
    if (debug) {
      cause.printStackTrace();
    }
  }

  public static void debug(String message) {
    if (debug) {
      System.err.println("[synscope] DEBUG " + message);
    }
  }
}
