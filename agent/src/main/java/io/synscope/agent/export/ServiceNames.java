package io.synscope.agent.export;

/** A default service.name from the command line, better than the SDK's unknown_service:java. */
final class ServiceNames {
  private ServiceNames() {}

  /**
   * The main class's simple name or the jar's base name, from {@code sun.java.command} ("app.jar
   * args" or "com.example.Main args"); null when there is none.
   */
  static String fromCommandLine(String command) {
    if (command == null || command.isBlank()) {
      return null;
    }
    String first = command.trim().split("\\s+", 2)[0];
    int slash = Math.max(first.lastIndexOf('/'), first.lastIndexOf('\\'));
    String base = first.substring(slash + 1);
    if (base.endsWith(".jar")) {
      return base.substring(0, base.length() - 4);
    }
    if (base.endsWith(".java")) {
      return base.substring(0, base.length() - 5);
    }
    int dot = base.lastIndexOf('.');
    return dot >= 0 ? base.substring(dot + 1) : base;
  }
}
