package io.synscope.examples.spans;

import java.util.Map;

/**
 * One finished span, from either side of an example: the agent's (received over OTLP) or the
 * application's own (printed by the app as a line). Ids are lower-case hex; {@code parentSpanId}
 * is empty for a root span.
 */
public record SpanRecord(
    Source source,
    String traceId,
    String spanId,
    String parentSpanId,
    String name,
    String kind,
    long startEpochNanos,
    long endEpochNanos,
    Map<String, Object> attributes,
    String status,
    String statusMessage) {

  /** Who made the span. */
  public enum Source {
    /** synscope's agent. */
    AGENT,
    /** The example application, through its own OpenTelemetry SDK. */
    APP
  }

  public boolean isRoot() {
    return parentSpanId.isEmpty();
  }

  public double durationMillis() {
    return (endEpochNanos - startEpochNanos) / 1e6;
  }

  /** An attribute's value as text, or null. */
  public String attr(String key) {
    Object v = attributes.get(key);
    return v == null ? null : String.valueOf(v);
  }

  /** An integer attribute, or -1 when absent. */
  public long longAttr(String key) {
    Object v = attributes.get(key);
    return v instanceof Number ? ((Number) v).longValue() : -1;
  }

  /** Address and port attributes as {@code host:port} ({@code [v6]:port}), or null. */
  public String endpoint(String addressKey, String portKey) {
    String address = attr(addressKey);
    if (address == null) {
      return null;
    }
    String a = address.indexOf(':') >= 0 ? "[" + address + "]" : address;
    String port = attr(portKey);
    return port == null ? a : a + ":" + port;
  }

  /** Appends {@code " label=value"} to a line when the attribute is there. */
  public void appendAttr(StringBuilder line, String key, String label) {
    String v = attr(key);
    if (v != null) {
      line.append(' ').append(label).append('=').append(v);
    }
  }
}
