package io.synscope.agent.cli;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A JSON object under construction: fields in insertion order, values that are strings, numbers,
 * booleans, null or nested objects. {@link #toString()} gives the object on one line (RFC 8259).
 */
final class JsonObject {
  private final Map<String, Object> fields = new LinkedHashMap<>();

  JsonObject put(String name, String value) {
    fields.put(name, value);
    return this;
  }

  JsonObject put(String name, long value) {
    fields.put(name, value);
    return this;
  }

  /** A number that may be unknown: null becomes JSON null, never 0. */
  JsonObject put(String name, Long value) {
    fields.put(name, value);
    return this;
  }

  /** A 64-bit kernel counter that is unsigned: ~0 is 18446744073709551615, not -1. */
  JsonObject putUnsigned(String name, long value) {
    fields.put(name, new BigInteger(Long.toUnsignedString(value)));
    return this;
  }

  JsonObject put(String name, boolean value) {
    fields.put(name, value);
    return this;
  }

  JsonObject put(String name, JsonObject value) {
    fields.put(name, value);
    return this;
  }

  JsonObject putNull(String name) {
    fields.put(name, null);
    return this;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    appendTo(sb);
    return sb.toString();
  }

  private void appendTo(StringBuilder sb) {
    sb.append('{');
    boolean first = true;
    for (Map.Entry<String, Object> e : fields.entrySet()) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      appendString(sb, e.getKey());
      sb.append(':');
      Object v = e.getValue();
      if (v == null) {
        sb.append("null");
      } else if (v instanceof String) {
        appendString(sb, (String) v);
      } else if (v instanceof JsonObject) {
        ((JsonObject) v).appendTo(sb);
      } else {
        sb.append(v); // Long, BigInteger or Boolean: their toString is their JSON form
      }
    }
    sb.append('}');
  }

  /** The string as a JSON string literal, quotes included. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2);
    appendString(sb, s);
    return sb.toString();
  }

  /**
   * Escapes what RFC 8259 section 7 requires (quote, backslash, U+0000..U+001F), plus U+2028 and
   * U+2029 (line breaks to JavaScript) and unpaired surrogates, which have no UTF-8 encoding and
   * would otherwise come out as '?'.
   */
  private static void appendString(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\r':
          sb.append("\\r");
          break;
        case '\t':
          sb.append("\\t");
          break;
        case '\b':
          sb.append("\\b");
          break;
        case '\f':
          sb.append("\\f");
          break;
        default:
          if (c < 0x20 || c == '\u2028' || c == '\u2029' || isUnpairedSurrogate(s, i)) {
            sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    sb.append('"');
  }

  private static boolean isUnpairedSurrogate(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
    }
    return false;
  }
}
