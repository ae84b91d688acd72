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
 * it happened, with the count; silence means nothing was lost. At exit, when the flush gives up
 * (the endpoint down or slow), the spans still queued or in an unfinished export are said in one
 * more line, so that every span the agent made is either exported or counted in a line.
 *
 * <p>The totals are also kept for a meter ({@link #droppedSpans()}, {@link #failedSpans()}). The
 * meter reads the kept values and never collects itself: a meter's callback runs inside the SDK's
 * own collection, and collecting from there would re-enter it.
 */
public final class ExportHealth implements MetricReader {
  private static final String PROCESSED_SPANS = "processedSpans";
  private static final String QUEUE_SIZE = "queueSize";
  private static final AttributeKey<Boolean> DROPPED = AttributeKey.booleanKey("dropped");
  private static final String SEEN = "otlp.exporter.seen";
  private static final String EXPORTED = "otlp.exporter.exported";
  private static final AttributeKey<Boolean> SUCCESS = AttributeKey.booleanKey("success");
  private static final AttributeKey<String> TYPE = AttributeKey.stringKey("type");

  private final long intervalSeconds;
  private volatile CollectionRegistration registration = CollectionRegistration.noop();
  private ScheduledExecutorService timer;
  private long droppedReported;
  private long failedReported;
  private long reportedNanos = System.nanoTime();
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

  private synchronized void refresh() {
    try {
      pipeline();
    } catch (Throwable e) {
      AgentLog.warnOnce("export-health", "cannot read the exporter's own metrics: " + e);
    }
  }

  /**
   * What the batch processor and the OTLP exporter have counted.
   *
   * @param dropped spans dropped at the full queue since the start
   * @param failed spans the exporter's endpoint did not accept since the start
   * @param queued spans in the batch processor's queue now
   * @param inExport spans handed to the OTLP exporter whose export has not finished (0 for other
   *     exporters, which do not count what they were handed)
   */
  private record Pipeline(long dropped, long failed, long queued, long inExport) {}

  /** The counts, read in one collection; the totals for the meter are refreshed from them. */
  private Pipeline pipeline() {
    long dropped = 0;
    long failed = 0;
    long queued = 0;
    long seen = 0;
    long finished = 0;
    for (MetricData m : registration.collectAllMetrics()) {
      if (m.getType() == MetricDataType.LONG_GAUGE && m.getName().equals(QUEUE_SIZE)) {
        for (LongPointData p : m.getLongGaugeData().getPoints()) {
          queued += p.getValue();
        }
      }
      if (m.getType() != MetricDataType.LONG_SUM) {
        continue;
      }
      for (LongPointData p : m.getLongSumData().getPoints()) {
        if (m.getName().equals(PROCESSED_SPANS)
            && Boolean.TRUE.equals(p.getAttributes().get(DROPPED))) {
          dropped += p.getValue();
        } else if (m.getName().equals(SEEN) && "span".equals(p.getAttributes().get(TYPE))) {
          seen += p.getValue();
        } else if (m.getName().equals(EXPORTED) && "span".equals(p.getAttributes().get(TYPE))) {
          finished += p.getValue();
          if (Boolean.FALSE.equals(p.getAttributes().get(SUCCESS))) {
            failed += p.getValue();
          }
        }
      }
    }
    failed += ExportFailures.total(); // the Zipkin exporter's, which the SDK does not count
    droppedTotal = dropped;
    failedTotal = failed;
    return new Pipeline(dropped, failed, queued, Math.max(0, seen - finished));
  }

  /** Logs what was lost since the last report, if anything. */
  synchronized void report() {
    try {
      reportLosses(pipeline());
    } catch (Throwable e) {
      AgentLog.warnOnce("export-health", "cannot read the exporter's own metrics: " + e);
    }
  }

  /**
   * The last report, once the tracer provider's flush at exit has ended or given up: what was lost
   * since the previous report, and the spans the flush left behind, still queued or in an export
   * that had not finished after {@code flushSeconds}. One reading serves both, so that no span is
   * counted twice or missed.
   */
  synchronized void reportAtExit(long flushSeconds) {
    if (timer != null) {
      timer.shutdownNow();
    }
    try {
      Pipeline p = pipeline();
      reportLosses(p);
      long left = p.queued() + p.inExport();
      if (left > 0) {
        AgentLog.warn(
            "spans lost at exit: "
                + left
                + " not exported when the flush gave up after "
                + flushSeconds
                + " s ("
                + p.queued()
                + " still queued, "
                + p.inExport()
                + " in an export that had not finished)"
                + why(left));
      }
    } catch (Throwable e) {
      AgentLog.warnOnce("export-health", "cannot read the exporter's own metrics: " + e);
    }
  }

  /** What was lost since the previous report (or the start), and over how many seconds. */
  private void reportLosses(Pipeline p) {
    long dropped = p.dropped() - droppedReported;
    long failed = p.failed() - failedReported;
    droppedReported = p.dropped();
    failedReported = p.failed();
    long now = System.nanoTime();
    long seconds = Math.max(1, Math.round((now - reportedNanos) / 1e9));
    reportedNanos = now;
    if (dropped > 0 || failed > 0) {
      AgentLog.warn(
          "spans lost in the last "
              + seconds
              + " s: "
              + dropped
              + " dropped because the export queue was full (otel.bsp.max.queue.size), "
              + failed
              + " not accepted by the exporter's endpoint"
              + why(failed));
    }
  }

  /** The latest failure's reason, which names the problem (refused, TLS, timeout, status). */
  private static String why(long lost) {
    String reason = ExportFailures.lastReason();
    return lost > 0 && reason != null
        ? " (last failure: " + reason + ")"
        : "; is the endpoint reachable?";
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
