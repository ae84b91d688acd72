package io.synscope.agent.export.otlp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes protocol buffers' wire format into one growing array, in a single pass: a nested message's
 * length is written after its content, which is moved when the length takes more bytes than were
 * reserved for it (rarely: a span reserves two, enough for 16 KiB).
 */
final class ProtoWriter {
  static final int VARINT = 0;
  static final int I64 = 1;
  static final int LEN = 2;
  static final int I32 = 5;

  private static final byte[] HEX = hexValues();

  private byte[] buf;
  private int pos;

  /** Starts writing at the beginning of {@code buffer}, which grows into a new array if need be. */
  void reset(byte[] buffer) {
    buf = buffer;
    pos = 0;
  }

  /** The array written into: the last one it grew into. */
  byte[] buffer() {
    return buf;
  }

  int size() {
    return pos;
  }

  /** Forgets what was written after the first {@code size} bytes. */
  void truncate(int size) {
    pos = size;
  }

  void tag(int field, int wireType) {
    varint32((field << 3) | wireType);
  }

  /** An unsigned 32-bit varint. */
  void varint32(int value) {
    ensure(5);
    while ((value & ~0x7F) != 0) {
      buf[pos++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    buf[pos++] = (byte) value;
  }

  /** A 64-bit varint: int64 and uint64 (a negative int64 takes ten bytes). */
  void varint64(long value) {
    ensure(10);
    while ((value & ~0x7FL) != 0) {
      buf[pos++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    buf[pos++] = (byte) value;
  }

  void fixed32(int value) {
    ensure(4);
    buf[pos++] = (byte) value;
    buf[pos++] = (byte) (value >> 8);
    buf[pos++] = (byte) (value >> 16);
    buf[pos++] = (byte) (value >> 24);
  }

  void fixed64(long value) {
    ensure(8);
    for (int i = 0; i < 8; i++) {
      buf[pos++] = (byte) (value >> (8 * i));
    }
  }

  void bytes(byte[] value) {
    ensure(value.length);
    System.arraycopy(value, 0, buf, pos, value.length);
    pos += value.length;
  }

  /**
   * A string's UTF-8 bytes with their length before them. ASCII, nearly every string here, is
   * copied char by char in one pass; anything else is encoded by the JDK.
   */
  void stringValue(String value) {
    int n = value.length();
    int start = pos;
    varint32(n);
    ensure(n);
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c >= 0x80) {
        pos = start;
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        varint32(utf8.length);
        bytes(utf8);
        return;
      }
      buf[pos++] = (byte) c;
    }
  }

  /**
   * A lowercase hex id (a trace or span id as the API keeps it) as the bytes it spells, with their
   * length before them.
   */
  void hexBytesValue(String hex) {
    int n = hex.length() / 2;
    varint32(n);
    ensure(n);
    for (int i = 0; i < n; i++) {
      int high = HEX[hex.charAt(2 * i) & 0x7F];
      int low = HEX[hex.charAt(2 * i + 1) & 0x7F];
      buf[pos++] = (byte) ((high << 4) | low);
    }
  }

  /** Starts a length-delimited field; returns what {@link #endMessage} needs. */
  long beginMessage(int field, int reserved) {
    tag(field, LEN);
    ensure(reserved);
    pos += reserved;
    return ((long) pos << 3) | reserved;
  }

  /** Ends the field {@link #beginMessage} started: writes its length before its content. */
  void endMessage(long mark) {
    int reserved = (int) (mark & 7);
    int contentStart = (int) (mark >>> 3);
    int length = pos - contentStart;
    int needed = varintSize(length);
    if (needed != reserved) {
      ensure(needed - reserved);
      System.arraycopy(buf, contentStart, buf, contentStart - reserved + needed, length);
      pos += needed - reserved;
    }
    int at = contentStart - reserved;
    int value = length;
    for (int i = 0; i < needed - 1; i++) {
      buf[at++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    buf[at] = (byte) value;
  }

  static int varintSize(int value) {
    if ((value & (~0 << 7)) == 0) {
      return 1;
    }
    if ((value & (~0 << 14)) == 0) {
      return 2;
    }
    if ((value & (~0 << 21)) == 0) {
      return 3;
    }
    if ((value & (~0 << 28)) == 0) {
      return 4;
    }
    return 5;
  }

  private void ensure(int more) {
    if (pos + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
    }
  }

  private static byte[] hexValues() {
    byte[] values = new byte[128];
    for (int i = 0; i < 10; i++) {
      values['0' + i] = (byte) i;
    }
    for (int i = 0; i < 6; i++) {
      values['a' + i] = (byte) (10 + i);
      values['A' + i] = (byte) (10 + i);
    }
    return values;
  }
}
