package io.synscope.agent.testing;

import java.util.List;
import java.util.Map;

/**
 * One span as an OTLP receiver got it, decoded from an ExportTraceServiceRequest.
 *
 * <p>Ids are lower-case hex; {@code parentSpanId} is empty for a root span. Attribute values are
 * {@code String}, {@code Boolean}, {@code Long}, {@code Double}, {@code byte[]}, a {@code List} of
 * those (array values) or a {@code Map} (kvlist values).
 */
public record ReceivedSpan(
    String traceId,
    String spanId,
    String parentSpanId,
    String name,
    Kind kind,
    long startEpochNanos,
    long endEpochNanos,
    Map<String, Object> attributes,
    StatusCode statusCode,
    String statusMessage,
    List<ReceivedSpanEvent> events,
    Map<String, Object> resourceAttributes,
    String scopeName,
    String scopeVersion) {

  /** Span.SpanKind of opentelemetry/proto/trace/v1/trace.proto, in wire order. */
  public enum Kind {
    UNSPECIFIED,
    INTERNAL,
    SERVER,
    CLIENT,
    PRODUCER,
    CONSUMER
  }

  /** Status.StatusCode of opentelemetry/proto/trace/v1/trace.proto, in wire order. */
  public enum StatusCode {
    UNSET,
    OK,
    ERROR
  }

  public ReceivedSpan {
    attributes = OtlpValues.immutable(attributes);
    events = List.copyOf(events);
    resourceAttributes = OtlpValues.immutable(resourceAttributes);
  }

  /** The attribute's value, or null when the span has no such attribute. */
  public Object attribute(String key) {
    return attributes.get(key);
  }

  public boolean isRoot() {
    return parentSpanId.isEmpty();
  }

  public long durationNanos() {
    return endEpochNanos - startEpochNanos;
  }

  /** Compact, for failure messages that list many spans; resource attributes are left out. */
  @Override
  public String toString() {
    return name
        + " "
        + kind
        + " span="
        + spanId
        + (isRoot() ? "" : " parent=" + parentSpanId)
        + " status="
        + statusCode
        + (statusMessage.isEmpty() ? "" : "(" + statusMessage + ")")
        + " "
        + attributes
        + (events.isEmpty() ? "" : " events=" + events);
  }
}
