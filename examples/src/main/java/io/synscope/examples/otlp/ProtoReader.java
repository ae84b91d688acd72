package io.synscope.examples.otlp;

import java.nio.charset.StandardCharsets;

/**
 * Reads protocol buffers wire format (https://protobuf.dev/programming-guides/encoding/): a
 * field's tag, then a varint, a fixed 64-bit value or a length-delimited run of bytes. Enough for
 * the OTLP messages the examples receive; anything malformed fails with the offset.
 */
final class ProtoReader {
  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LENGTH_DELIMITED = 2;
  static final int FIXED32 = 5;

  private final byte[] buf;
  private int pos;
  private final int end;
  private int tag;

  ProtoReader(byte[] buf) {
    this(buf, 0, buf.length);
  }

  private ProtoReader(byte[] buf, int from, int to) {
    this.buf = buf;
    this.pos = from;
    this.end = to;
  }

  /** Moves to the next field; false at the end of the message. */
  boolean next() {
    if (pos >= end) {
      return false;
    }
    tag = (int) varint();
    return true;
  }

  int field() {
    return tag >>> 3;
  }

  int wireType() {
    return tag & 7;
  }

  long varint() {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= end) {
        throw malformed("varint runs past the end");
      }
      byte b = buf[pos++];
      result |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return result;
      }
    }
    throw malformed("varint longer than 10 bytes");
  }

  long fixed64() {
    if (end - pos < 8) {
      throw malformed("fixed64 runs past the end");
    }
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (buf[pos + i] & 0xffL);
    }
    pos += 8;
    return v;
  }

  double doubleValue() {
    return Double.longBitsToDouble(fixed64());
  }

  /** The length-delimited field's contents as a reader of their own. */
  ProtoReader message() {
    int length = length();
    ProtoReader r = new ProtoReader(buf, pos, pos + length);
    pos += length;
    return r;
  }

  byte[] bytes() {
    int length = length();
    byte[] b = new byte[length];
    System.arraycopy(buf, pos, b, 0, length);
    pos += length;
    return b;
  }

  String string() {
    int length = length();
    String s = new String(buf, pos, length, StandardCharsets.UTF_8);
    pos += length;
    return s;
  }

  void skip() {
    switch (wireType()) {
      case VARINT:
        varint();
        break;
      case FIXED64:
        skipBytes(8);
        break;
      case LENGTH_DELIMITED:
        skipBytes(length());
        break;
      case FIXED32:
        skipBytes(4);
        break;
      default:
        throw malformed("wire type " + wireType());
    }
  }

  private int length() {
    long length = varint();
    if (length < 0 || length > end - pos) {
      throw malformed("length " + length + " runs past the end");
    }
    return (int) length;
  }

  private void skipBytes(int n) {
    if (n > end - pos) {
      throw malformed("field runs past the end");
    }
    pos += n;
  }

  private IllegalArgumentException malformed(String what) {
    return new IllegalArgumentException("malformed protobuf at offset " + pos + ": " + what);
  }
}
