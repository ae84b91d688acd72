package io.synscope.agent.testing;

import java.util.List;
import java.util.Map;

/**
 * An explicit-bucket histogram data point (HistogramDataPoint). {@code sum}, {@code min} and
 * {@code max} are optional in the protocol and null when absent; {@code bucketCounts} has one more
 * element than {@code explicitBounds}.
 */
public record ReceivedHistogramPoint(
    Map<String, Object> attributes,
    long startEpochNanos,
    long epochNanos,
    long count,
    Double sum,
    List<Long> bucketCounts,
    List<Double> explicitBounds,
    Double min,
    Double max) {
  public ReceivedHistogramPoint {
    attributes = OtlpValues.immutable(attributes);
    bucketCounts = List.copyOf(bucketCounts);
    explicitBounds = List.copyOf(explicitBounds);
  }
}
