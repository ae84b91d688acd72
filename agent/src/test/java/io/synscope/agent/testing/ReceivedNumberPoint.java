package io.synscope.agent.testing;

import java.util.Map;

/**
 * A gauge or sum data point (NumberDataPoint). {@code value} is a {@code Long} when the point was
 * sent as {@code as_int} and a {@code Double} when sent as {@code as_double}, so a test asserting
 * {@code 3L} also asserts the instrument's type.
 */
public record ReceivedNumberPoint(
    Map<String, Object> attributes, long startEpochNanos, long epochNanos, Number value) {
  public ReceivedNumberPoint {
    attributes = OtlpValues.immutable(attributes);
  }
}
