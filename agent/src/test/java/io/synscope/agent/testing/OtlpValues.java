package io.synscope.agent.testing;

import io.synscope.probe.MalformedDataException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decoders of the messages that traces and metrics share: AnyValue, KeyValue and
 * InstrumentationScope of opentelemetry/proto/common/v1/common.proto, and Resource of
 * opentelemetry/proto/resource/v1/resource.proto.
 */
final class OtlpValues {
  /** InstrumentationScope's name and version. */
  record Scope(String name, String version) {
    static final Scope NONE = new Scope("", "");
  }

  private OtlpValues() {}

  /** Reads one KeyValue into {@code attributes}; a key seen twice is malformed. */
  static void readKeyValue(ProtobufReader keyValue, Map<String, Object> attributes, int offset) {
    String key = null;
    Object value = null;
    while (keyValue.next()) {
      switch (keyValue.fieldNumber()) {
        case 1 -> key = keyValue.readString();
        case 2 -> value = anyValue(keyValue.readMessage(), keyValue.tagOffset());
        default -> keyValue.skip();
      }
    }
    if (key == null || value == null) {
      throw new MalformedDataException(
          "protobuf at offset " + offset + ": KeyValue without " + (key == null ? "key" : "value"));
    }
    if (attributes.putIfAbsent(key, value) != null) {
      throw new MalformedDataException(
          "protobuf at offset " + offset + ": attribute key '" + key + "' appears twice");
    }
  }

  static Object anyValue(ProtobufReader any, int offset) {
    Object value = null;
    while (any.next()) {
      Object field =
          switch (any.fieldNumber()) {
            case 1 -> any.readString();
            case 2 -> any.readBool();
            case 3 -> any.readVarint();
            case 4 -> any.readDouble();
            case 5 -> arrayValue(any.readMessage());
            case 6 -> kvListValue(any.readMessage(), any.tagOffset());
            case 7 -> any.readBytes();
            default -> {
              any.skip();
              yield null;
            }
          };
      if (field != null) {
        value = field;
      }
    }
    if (value == null) {
      throw new MalformedDataException("protobuf at offset " + offset + ": AnyValue without value");
    }
    return value;
  }

  private static List<Object> arrayValue(ProtobufReader array) {
    List<Object> values = new ArrayList<>();
    while (array.next()) {
      if (array.fieldNumber() == 1) {
        values.add(anyValue(array.readMessage(), array.tagOffset()));
      } else {
        array.skip();
      }
    }
    return Collections.unmodifiableList(values);
  }

  private static Map<String, Object> kvListValue(ProtobufReader list, int offset) {
    Map<String, Object> values = new LinkedHashMap<>();
    while (list.next()) {
      if (list.fieldNumber() == 1) {
        readKeyValue(list.readMessage(), values, list.tagOffset());
      } else {
        list.skip();
      }
    }
    return immutable(values);
  }

  /** Resource's attributes. */
  static Map<String, Object> resource(ProtobufReader resource) {
    Map<String, Object> attributes = new LinkedHashMap<>();
    while (resource.next()) {
      if (resource.fieldNumber() == 1) {
        readKeyValue(resource.readMessage(), attributes, resource.tagOffset());
      } else {
        resource.skip();
      }
    }
    return attributes;
  }

  static Scope scope(ProtobufReader scope) {
    String name = "";
    String version = "";
    while (scope.next()) {
      switch (scope.fieldNumber()) {
        case 1 -> name = scope.readString();
        case 2 -> version = scope.readString();
        default -> scope.skip();
      }
    }
    return new Scope(name, version);
  }

  /** Lower-case hex of an id; an empty id (no parent) stays empty. */
  static String hex(byte[] id) {
    return HexFormat.of().formatHex(id);
  }

  /** An unmodifiable copy that keeps the order the sender used, for readable failure messages. */
  static Map<String, Object> immutable(Map<String, Object> map) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
