package io.synscope.agent.export;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.synscope.agent.AgentLog;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Watches the SDK's own telemetry for spans the agent lost: dropped because the export queue was
 * full, or not accepted by the exporter's endpoint. Says so in one log line per interval in which
 * it happened, with the count; silence means nothing was lost.
 *
 * <p>The totals are also kept for a meter ({@link #droppedSpans()}, {@link #failedSpans()}). The
 * meter reads the kept values and never collects itself: a meter's callback runs inside the SDK's
 * own collection, and collecting from there would re-enter it.
 */
public final class ExportHealth implements MetricReader {
  private static final String PROCESSED_SPANS = "processedSpans";
  private static final AttributeKey<Boolean> DROPPED = AttributeKey.booleanKey("dropped");
  private static final String EXPORTED = "otlp.exporter.exported";
  private static final AttributeKey<Boolean> SUCCESS = AttributeKey.booleanKey("success");
  private static final AttributeKey<String> TYPE = AttributeKey.stringKey("type");

  private final long intervalSeconds;
  private volatile CollectionRegistration registration = CollectionRegistration.noop();
  private ScheduledExecutorService timer;
  private long droppedReported;
  private long failedReported;
  private volatile long droppedTotal;
  private volatile long failedTotal;

  ExportHealth(long intervalSeconds) {
    this.intervalSeconds = intervalSeconds;
  }

  @Override
  public void register(CollectionRegistration registration) {
    this.registration = registration;
  }

  /** Starts the periodic check. */
  synchronized void start() {
    timer = Executors.newSingleThreadScheduledExecutor(new AgentThreads("export-health"));
    timer.scheduleWithFixedDelay(this::report, intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
  }

  /**
   * Also refreshes the totals that {@link #droppedSpans()} and {@link #failedSpans()} return
   * every {@code seconds}, for a meter that reports them; without it they change only when a
   * report is due.
   */
  public synchronized void refreshEvery(long seconds) {
    if (timer != null) {
      timer.scheduleWithFixedDelay(this::refresh, seconds, seconds, TimeUnit.SECONDS);
    }
  }

  /** Spans dropped because the export queue was full, since the start, as of the last refresh. */
  public long droppedSpans() {
    return droppedTotal;
  }

  /** Spans the exporter's endpoint did not accept, since the start, as of the last refresh. */
  public long failedSpans() {
    return failedTotal;
  }

  private void refresh() {
    try {
      totals();
    } catch (Throwable e) {
      AgentLog.warnOnce("export-health", "cannot read the exporter's own metrics: " + e);
    }
  }

  /** Spans dropped at the queue and spans that failed to export, since the start. */
  synchronized long[] totals() {
    long dropped = 0;
    long failed = 0;
    for (MetricData m : registration.collectAllMetrics()) {
      if (m.getType() != MetricDataType.LONG_SUM) {
        continue;
      }
      for (LongPointData p : m.getLongSumData().getPoints()) {
        if (m.getName().equals(PROCESSED_SPANS)
            && Boolean.TRUE.equals(p.getAttributes().get(DROPPED))) {
          dropped += p.getValue();
        } else if (m.getName().equals(EXPORTED)
            && "span".equals(p.getAttributes().get(TYPE))
            && Boolean.FALSE.equals(p.getAttributes().get(SUCCESS))) {
          failed += p.getValue();
        }
      }
    }
    failed += ExportFailures.total(); // the Zipkin exporter's, which the SDK does not count
    droppedTotal = dropped;
    failedTotal = failed;
    return new long[] {dropped, failed};
  }

  /** Logs what was lost since the last report, if anything. */
  synchronized void report() {
    try {
      long[] t = totals();
      long dropped = t[0] - droppedReported;
      long failed = t[1] - failedReported;
      droppedReported = t[0];
      failedReported = t[1];
      if (dropped > 0 || failed > 0) {
        AgentLog.warn(
            "spans lost in the last "
                + intervalSeconds
                + " s: "
                + dropped
                + " dropped because the export queue was full (otel.bsp.max.queue.size), "
                + failed
                + " not accepted by the exporter's endpoint"
                + lastReason(failed)
                + "; is the endpoint reachable?");
      }
    } catch (Throwable e) {
      AgentLog.warnOnce("export-health", "cannot read the exporter's own metrics: " + e);
    }
  }

  private static String lastReason(long failed) {
    String reason = ExportFailures.lastReason();
    return failed > 0 && reason != null ? " (last: " + reason + ")" : "";
  }

  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
    return AggregationTemporality.CUMULATIVE;
  }

  /**
   * Only sums are read here, so histograms (the agent's own timers among them, when its meters
   * are exported) are not aggregated for this reader.
   */
  @Override
  public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
    return instrumentType == InstrumentType.HISTOGRAM
        ? Aggregation.drop()
        : Aggregation.defaultAggregation();
  }

  @Override
  public CompletableResultCode forceFlush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public synchronized CompletableResultCode shutdown() {
    if (timer != null) {
      timer.shutdownNow();
    }
    return CompletableResultCode.ofSuccess();
  }
}
