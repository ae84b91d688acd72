package io.synscope.examples.otlp;

import io.synscope.examples.spans.SpanRecord;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes an OTLP ExportTraceServiceRequest (opentelemetry/proto/collector/trace/v1 and
 * trace/v1/trace.proto) into spans: resource_spans(1) &gt; scope_spans(2) &gt; spans(2), each
 * with trace_id(1), span_id(2), parent_span_id(4), name(5), kind(6), start(7), end(8),
 * attributes(9) and status(15).
 */
final class TraceRequestDecoder {
  private static final String[] KINDS = {
    "UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"
  };
  private static final String[] STATUS = {"UNSET", "OK", "ERROR"};
  private static final HexFormat HEX = HexFormat.of();

  private TraceRequestDecoder() {}

  static List<SpanRecord> decode(byte[] body) {
    List<SpanRecord> spans = new ArrayList<>();
    ProtoReader request = new ProtoReader(body);
    while (request.next()) {
      if (request.field() == 1) {
        resourceSpans(request.message(), spans);
      } else {
        request.skip();
      }
    }
    return spans;
  }

  private static void resourceSpans(ProtoReader r, List<SpanRecord> out) {
    while (r.next()) {
      if (r.field() == 2) {
        ProtoReader scope = r.message();
        while (scope.next()) {
          if (scope.field() == 2) {
            out.add(span(scope.message()));
          } else {
            scope.skip();
          }
        }
      } else {
        r.skip();
      }
    }
  }

  private static SpanRecord span(ProtoReader r) {
    String traceId = "";
    String spanId = "";
    String parent = "";
    String name = "";
    String kind = KINDS[0];
    long start = 0;
    long end = 0;
    Map<String, Object> attributes = new LinkedHashMap<>();
    String status = STATUS[0];
    String message = "";
    while (r.next()) {
      switch (r.field()) {
        case 1:
          traceId = HEX.formatHex(r.bytes());
          break;
        case 2:
          spanId = HEX.formatHex(r.bytes());
          break;
        case 4:
          parent = HEX.formatHex(r.bytes());
          break;
        case 5:
          name = r.string();
          break;
        case 6:
          int k = (int) r.varint();
          kind = k >= 0 && k < KINDS.length ? KINDS[k] : "KIND_" + k;
          break;
        case 7:
          start = r.fixed64();
          break;
        case 8:
          end = r.fixed64();
          break;
        case 9:
          keyValue(r.message(), attributes);
          break;
        case 15:
          ProtoReader s = r.message();
          while (s.next()) {
            if (s.field() == 2) {
              message = s.string();
            } else if (s.field() == 3) {
              int c = (int) s.varint();
              status = c >= 0 && c < STATUS.length ? STATUS[c] : "STATUS_" + c;
            } else {
              s.skip();
            }
          }
          break;
        default:
          r.skip();
      }
    }
    return new SpanRecord(
        SpanRecord.Source.AGENT, traceId, spanId, parent, name, kind, start, end, attributes,
        status, message);
  }

  private static void keyValue(ProtoReader r, Map<String, Object> into) {
    String key = null;
    Object value = null;
    while (r.next()) {
      if (r.field() == 1) {
        key = r.string();
      } else if (r.field() == 2) {
        value = anyValue(r.message());
      } else {
        r.skip();
      }
    }
    if (key != null) {
      into.put(key, value);
    }
  }

  /** AnyValue: string(1), bool(2), int(3), double(4); arrays and maps kept as their text. */
  private static Object anyValue(ProtoReader r) {
    Object value = null;
    while (r.next()) {
      switch (r.field()) {
        case 1:
          value = r.string();
          break;
        case 2:
          value = r.varint() != 0;
          break;
        case 3:
          value = r.varint();
          break;
        case 4:
          value = r.doubleValue();
          break;
        default:
          r.skip();
          value = "(unsupported value)";
      }
    }
    return value;
  }
}
