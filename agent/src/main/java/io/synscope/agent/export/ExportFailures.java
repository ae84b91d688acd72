package io.synscope.agent.export;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Spans that an exporter of the agent's own (not the SDK's OTLP exporter, which counts its
 * failures in the SDK's meters) could not deliver, and the reason the latest export failed,
 * whichever exporter's it was. {@link ExportHealth} reports them with the rest, once per interval.
 */
public final class ExportFailures {
  private static final LongAdder SPANS = new LongAdder();
  private static final AtomicReference<String> LAST_REASON = new AtomicReference<>();

  private ExportFailures() {}

  /** Counts {@code spans} lost because the endpoint refused them or could not be reached. */
  public static void count(int spans) {
    SPANS.add(spans);
  }

  /**
   * Notes why an export failed, e.g. {@code POST https://collector:4318/v1/traces failed:
   * javax.net.ssl.SSLHandshakeException: ...}: the sender notes every failed request, an exporter
   * may say more (what the endpoint answered).
   */
  public static void failedBecause(String reason) {
    LAST_REASON.set(reason);
  }

  /**
   * Notes a failed request and gives the error for the SDK's exporter to log: one line, {@code
   * description} without a stack trace, as the agent logs every failure of its own.
   */
  static IOException failedRequest(String description) {
    failedBecause(description);
    IOException e = new IOException(description);
    e.setStackTrace(new StackTraceElement[0]);
    return e;
  }

  static long total() {
    return SPANS.sum();
  }

  /** The reason of the latest failure, or null when there was none. */
  static String lastReason() {
    return LAST_REASON.get();
  }
}
