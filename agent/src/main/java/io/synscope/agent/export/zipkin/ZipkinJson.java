package io.synscope.agent.export.zipkin;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Spans in Zipkin's v2 JSON format (zipkin2-api.yaml, {@code POST /api/v2/spans}: a JSON array of
 * spans), mapped as the OpenTelemetry specification's Zipkin exporter section describes: ids in
 * lower-case hex, times in epoch microseconds, INTERNAL spans without a kind, {@code service.name}
 * as the local endpoint's service, every attribute as a string tag, the status as {@code
 * otel.status_code} (and {@code error} with the description when it is ERROR), events as
 * annotations.
 */
final class ZipkinJson {
  static final String STATUS_CODE_TAG = "otel.status_code";
  static final String ERROR_TAG = "error";
  static final String SCOPE_NAME_TAG = "otel.scope.name";
  static final String SCOPE_VERSION_TAG = "otel.scope.version";

  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  private static final AttributeKey<String> LOCAL_ADDRESS =
      AttributeKey.stringKey("network.local.address");
  private static final AttributeKey<Long> LOCAL_PORT = AttributeKey.longKey("network.local.port");
  private static final AttributeKey<String> PEER_ADDRESS =
      AttributeKey.stringKey("network.peer.address");
  private static final AttributeKey<Long> PEER_PORT = AttributeKey.longKey("network.peer.port");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final String MAPPED_PREFIX = "::ffff:";

  private ZipkinJson() {}

  /** One request's body, a JSON array of spans in UTF-8, and how many spans it holds. */
  record Request(byte[] body, int spans) {}

  /**
   * The spans as JSON arrays of at most {@code maxBytes} each (a span larger than that alone in its
   * array), in order; one array for a batch that fits.
   */
  static List<Request> encode(Collection<SpanData> spans, int maxBytes) {
    List<Request> requests = new ArrayList<>(1);
    StringBuilder out = new StringBuilder(Math.min(spans.size(), 1024) * 768);
    out.append('[');
    int bytes = 2; // the brackets
    int count = 0;
    for (SpanData span : spans) {
      int start = out.length();
      if (count > 0) {
        out.append(',');
      }
      appendSpan(out, span);
      int added = utf8Length(out, start);
      if (count > 0 && bytes + added > maxBytes) {
        out.setLength(start);
        requests.add(request(out, count));
        out.setLength(0);
        out.append('[');
        appendSpan(out, span);
        bytes = 2;
        count = 0;
        added = utf8Length(out, 1);
      }
      bytes += added;
      count++;
    }
    requests.add(request(out, count));
    return requests;
  }

  private static Request request(StringBuilder out, int count) {
    return new Request(out.append(']').toString().getBytes(StandardCharsets.UTF_8), count);
  }

  /** The UTF-8 length of {@code text} from {@code start}; a lone surrogate counted as three. */
  private static int utf8Length(CharSequence text, int start) {
    int bytes = 0;
    for (int i = start; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  private static void appendSpan(StringBuilder out, SpanData span) {
    SpanContext context = span.getSpanContext();
    out.append("{\"traceId\":\"").append(context.getTraceId()).append('"');
    out.append(",\"id\":\"").append(context.getSpanId()).append('"');
    if (span.getParentSpanContext().isValid()) {
      out.append(",\"parentId\":\"").append(span.getParentSpanId()).append('"');
    }
    String kind = kind(span);
    if (kind != null) {
      out.append(",\"kind\":\"").append(kind).append('"');
    }
    out.append(",\"name\":");
    appendString(out, span.getName());
    long start = micros(span.getStartEpochNanos());
    // Zipkin takes no zero duration; a span shorter than a microsecond counts as one.
    long duration = Math.max(1, micros(span.getEndEpochNanos()) - start);
    out.append(",\"timestamp\":").append(start);
    out.append(",\"duration\":").append(duration);

    Attributes attributes = span.getAttributes();
    out.append(",\"localEndpoint\":{\"serviceName\":");
    appendString(out, serviceName(span));
    appendAddress(out, attributes.get(LOCAL_ADDRESS), attributes.get(LOCAL_PORT));
    out.append('}');
    String peer = attributes.get(PEER_ADDRESS);
    if (peer != null) {
      out.append(",\"remoteEndpoint\":{");
      int length = out.length();
      appendAddress(out, peer, attributes.get(PEER_PORT));
      if (out.length() > length) {
        out.deleteCharAt(length); // the comma before the first field
      }
      out.append('}');
    }
    appendAnnotations(out, span.getEvents());
    appendTags(out, span);
    out.append('}');
  }

  private static String kind(SpanData span) {
    switch (span.getKind()) {
      case CLIENT:
        return "CLIENT";
      case SERVER:
        return "SERVER";
      case PRODUCER:
        return "PRODUCER";
      case CONSUMER:
        return "CONSUMER";
      default:
        return null; // INTERNAL: Zipkin has no such kind; a span without one is local
    }
  }

  private static String serviceName(SpanData span) {
    String name = span.getResource().getAttribute(SERVICE_NAME);
    return name == null ? "unknown_service:java" : name;
  }

  /**
   * {@code ,"ipv4":...} or {@code ,"ipv6":...} and {@code ,"port":...}. An IPv4-mapped IPv6 address
   * (as {@code ss} writes an IPv4 peer of a dual-stack socket) goes in as IPv4, which is what
   * Zipkin would make of it too; anything that is not an address literal is left out.
   */
  private static void appendAddress(StringBuilder out, String address, Long port) {
    if (address != null) {
      if (address.regionMatches(true, 0, MAPPED_PREFIX, 0, MAPPED_PREFIX.length())
          && IPV4.matcher(address.substring(MAPPED_PREFIX.length())).matches()) {
        out.append(",\"ipv4\":\"").append(address.substring(MAPPED_PREFIX.length())).append('"');
      } else if (IPV4.matcher(address).matches()) {
        out.append(",\"ipv4\":\"").append(address).append('"');
      } else if (address.indexOf(':') >= 0) {
        out.append(",\"ipv6\":");
        appendString(out, address);
      }
    }
    if (port != null && port > 0 && port <= 0xffff) {
      out.append(",\"port\":").append(port.longValue());
    }
  }

  private static void appendAnnotations(StringBuilder out, List<EventData> events) {
    if (events.isEmpty()) {
      return;
    }
    out.append(",\"annotations\":[");
    boolean first = true;
    for (EventData event : events) {
      if (!first) {
        out.append(',');
      }
      first = false;
      out.append("{\"timestamp\":").append(micros(event.getEpochNanos())).append(",\"value\":");
      StringBuilder value = new StringBuilder();
      appendString(value, event.getName());
      value.append(':');
      appendAttributesObject(value, event.getAttributes());
      appendString(out, value.toString());
      out.append('}');
    }
    out.append(']');
  }

  private static void appendTags(StringBuilder out, SpanData span) {
    out.append(",\"tags\":{");
    boolean[] first = {true};
    span.getAttributes()
        .forEach(
            (key, value) -> {
              comma(out, first);
              appendString(out, key.getKey());
              out.append(':');
              appendString(out, tagValue(value));
            });
    StatusData status = span.getStatus();
    if (status.getStatusCode() != StatusCode.UNSET) {
      comma(out, first);
      appendString(out, STATUS_CODE_TAG);
      out.append(':');
      appendString(out, status.getStatusCode().name());
      if (status.getStatusCode() == StatusCode.ERROR) {
        out.append(',');
        appendString(out, ERROR_TAG);
        out.append(':');
        appendString(out, status.getDescription());
      }
    }
    InstrumentationScopeInfo scope = span.getInstrumentationScopeInfo();
    comma(out, first);
    appendString(out, SCOPE_NAME_TAG);
    out.append(':');
    appendString(out, scope.getName());
    if (scope.getVersion() != null) {
      out.append(',');
      appendString(out, SCOPE_VERSION_TAG);
      out.append(':');
      appendString(out, scope.getVersion());
    }
    out.append('}');
  }

  private static void comma(StringBuilder out, boolean[] first) {
    if (!first[0]) {
      out.append(',');
    }
    first[0] = false;
  }

  /** A tag's value: a scalar as its text, an array as a JSON array in a string. */
  private static String tagValue(Object value) {
    if (value instanceof List) {
      StringBuilder array = new StringBuilder("[");
      boolean first = true;
      for (Object element : (List<?>) value) {
        if (!first) {
          array.append(',');
        }
        first = false;
        appendJsonValue(array, element);
      }
      return array.append(']').toString();
    }
    return String.valueOf(value);
  }

  private static void appendAttributesObject(StringBuilder out, Attributes attributes) {
    out.append('{');
    boolean[] first = {true};
    attributes.forEach(
        (key, value) -> {
          comma(out, first);
          appendString(out, key.getKey());
          out.append(':');
          if (value instanceof List) {
            out.append(tagValue(value));
          } else {
            appendJsonValue(out, value);
          }
        });
    out.append('}');
  }

  private static void appendJsonValue(StringBuilder out, Object value) {
    if (value instanceof String) {
      appendString(out, (String) value);
    } else if (value instanceof Double
        && (((Double) value).isNaN() || ((Double) value).isInfinite())) {
      appendString(out, value.toString()); // JSON has no NaN or Infinity
    } else {
      out.append(value); // Boolean, Long, Double
    }
  }

  private static long micros(long epochNanos) {
    return epochNanos / 1_000;
  }

  /** A JSON string (RFC 8259 section 7): quotes, backslashes and control characters escaped. */
  static void appendString(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        default:
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
      }
    }
    out.append('"');
  }
}
