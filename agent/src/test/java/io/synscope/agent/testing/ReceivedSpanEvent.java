package io.synscope.agent.testing;

import java.util.Map;

/** A span event as received over OTLP, e.g. the {@code exception} event of a failed span. */
public record ReceivedSpanEvent(String name, long epochNanos, Map<String, Object> attributes) {
  public ReceivedSpanEvent {
    attributes = OtlpValues.immutable(attributes);
  }
}
