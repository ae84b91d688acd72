package io.synscope.agent.export;

/** Reads {@link ExportFailures} from tests in other packages. */
public final class ExportFailuresProbe {
  private ExportFailuresProbe() {}

  public static long total() {
    return ExportFailures.total();
  }

  public static String lastReason() {
    return ExportFailures.lastReason();
  }
}
