package io.synscope.agent.testing;

import java.util.List;
import java.util.Map;

/**
 * One metric of one export, decoded from an ExportMetricsServiceRequest. Gauges and sums carry
 * {@code numberPoints}, histograms carry {@code histogramPoints}; exponential histograms and
 * summaries are recognised by type but their points are not decoded.
 */
public record ReceivedMetric(
    String name,
    String description,
    String unit,
    Type type,
    Temporality temporality,
    boolean monotonic,
    List<ReceivedNumberPoint> numberPoints,
    List<ReceivedHistogramPoint> histogramPoints,
    Map<String, Object> resourceAttributes,
    String scopeName) {

  /** Which of Metric's data fields was set. */
  public enum Type {
    GAUGE,
    SUM,
    HISTOGRAM,
    EXPONENTIAL_HISTOGRAM,
    SUMMARY
  }

  /** AggregationTemporality of opentelemetry/proto/metrics/v1/metrics.proto, in wire order. */
  public enum Temporality {
    UNSPECIFIED,
    DELTA,
    CUMULATIVE
  }

  public ReceivedMetric {
    numberPoints = List.copyOf(numberPoints);
    histogramPoints = List.copyOf(histogramPoints);
    resourceAttributes = OtlpValues.immutable(resourceAttributes);
  }

  /** Compact, for failure messages; resource attributes are left out. */
  @Override
  public String toString() {
    return name
        + " "
        + type
        + (type == Type.SUM ? (monotonic ? " monotonic" : " non-monotonic") : "")
        + " unit="
        + unit
        + " "
        + (type == Type.HISTOGRAM ? histogramPoints : numberPoints);
  }
}
