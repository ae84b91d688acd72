package io.synscope.agent.testing;

import io.synscope.probe.MalformedDataException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes an ExportTraceServiceRequest (opentelemetry/proto/collector/trace/v1/trace_service.proto)
 * into {@link ReceivedSpan}s; field numbers are those of opentelemetry/proto/trace/v1/trace.proto.
 */
final class OtlpTraceDecoder {
  private OtlpTraceDecoder() {}

  static List<ReceivedSpan> decode(byte[] request) {
    List<ReceivedSpan> spans = new ArrayList<>();
    ProtobufReader reader = new ProtobufReader(request);
    while (reader.next()) {
      if (reader.fieldNumber() == 1) {
        resourceSpans(reader.readMessage(), spans);
      } else {
        reader.skip();
      }
    }
    return spans;
  }

  private static void resourceSpans(ProtobufReader reader, List<ReceivedSpan> into) {
    Map<String, Object> resource = Map.of();
    List<ProtobufReader> scopeSpans = new ArrayList<>();
    while (reader.next()) {
      switch (reader.fieldNumber()) {
        case 1 -> resource = OtlpValues.resource(reader.readMessage());
        case 2 -> scopeSpans.add(reader.readMessage());
        default -> reader.skip();
      }
    }
    // The resource may follow its scope spans on the wire, so spans are built once it is known.
    for (ProtobufReader scope : scopeSpans) {
      scopeSpans(scope, resource, into);
    }
  }

  private static void scopeSpans(
      ProtobufReader reader, Map<String, Object> resource, List<ReceivedSpan> into) {
    OtlpValues.Scope scope = OtlpValues.Scope.NONE;
    List<ProtobufReader> spans = new ArrayList<>();
    while (reader.next()) {
      switch (reader.fieldNumber()) {
        case 1 -> scope = OtlpValues.scope(reader.readMessage());
        case 2 -> spans.add(reader.readMessage());
        default -> reader.skip();
      }
    }
    for (ProtobufReader span : spans) {
      into.add(span(span, resource, scope));
    }
  }

  private static ReceivedSpan span(
      ProtobufReader reader, Map<String, Object> resource, OtlpValues.Scope scope) {
    String traceId = "";
    String spanId = "";
    String parentSpanId = "";
    String name = "";
    int kind = 0;
    long start = 0;
    long end = 0;
    Map<String, Object> attributes = new LinkedHashMap<>();
    List<ReceivedSpanEvent> events = new ArrayList<>();
    int statusCode = 0;
    String statusMessage = "";
    while (reader.next()) {
      switch (reader.fieldNumber()) {
        case 1 -> traceId = OtlpValues.hex(reader.readBytes());
        case 2 -> spanId = OtlpValues.hex(reader.readBytes());
        case 4 -> parentSpanId = OtlpValues.hex(reader.readBytes());
        case 5 -> name = reader.readString();
        case 6 -> kind = enumValue(reader, ReceivedSpan.Kind.values().length);
        case 7 -> start = reader.readFixed64();
        case 8 -> end = reader.readFixed64();
        case 9 -> OtlpValues.readKeyValue(reader.readMessage(), attributes, reader.tagOffset());
        case 11 -> events.add(event(reader.readMessage()));
        case 15 -> {
          ProtobufReader status = reader.readMessage();
          while (status.next()) {
            switch (status.fieldNumber()) {
              case 2 -> statusMessage = status.readString();
              case 3 -> statusCode = enumValue(status, ReceivedSpan.StatusCode.values().length);
              default -> status.skip();
            }
          }
        }
        default -> reader.skip();
      }
    }
    return new ReceivedSpan(
        traceId,
        spanId,
        parentSpanId,
        name,
        ReceivedSpan.Kind.values()[kind],
        start,
        end,
        attributes,
        ReceivedSpan.StatusCode.values()[statusCode],
        statusMessage,
        events,
        resource,
        scope.name(),
        scope.version());
  }

  private static ReceivedSpanEvent event(ProtobufReader reader) {
    long time = 0;
    String name = "";
    Map<String, Object> attributes = new LinkedHashMap<>();
    while (reader.next()) {
      switch (reader.fieldNumber()) {
        case 1 -> time = reader.readFixed64();
        case 2 -> name = reader.readString();
        case 3 -> OtlpValues.readKeyValue(reader.readMessage(), attributes, reader.tagOffset());
        default -> reader.skip();
      }
    }
    return new ReceivedSpanEvent(name, time, attributes);
  }

  /** An enum field whose value must be one this decoder knows, so a new value is not misread. */
  static int enumValue(ProtobufReader reader, int knownValues) {
    int value = reader.readInt32();
    if (value < 0 || value >= knownValues) {
      throw new MalformedDataException(
          "protobuf at offset "
              + reader.tagOffset()
              + ": field "
              + reader.fieldNumber()
              + " has unknown enum value "
              + value);
    }
    return value;
  }
}
