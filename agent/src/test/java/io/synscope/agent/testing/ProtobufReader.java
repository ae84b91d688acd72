package io.synscope.agent.testing;

import io.synscope.probe.MalformedDataException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A strict reader of the protobuf wire format (https://protobuf.dev/programming-guides/encoding/),
 * enough to decode OTLP requests without generated classes.
 *
 * <p>Use: {@code while (reader.next()) switch (reader.fieldNumber()) { case 1 -> ...; default ->
 * reader.skip(); }}. Every read checks the field's wire type and the remaining length, and fails
 * with a {@link MalformedDataException} naming the absolute byte offset, so a corrupt request is
 * reported rather than decoded into wrong values.
 */
public final class ProtobufReader {
  public static final int VARINT = 0;
  public static final int I64 = 1;
  public static final int LEN = 2;
  public static final int I32 = 5;

  private final byte[] data;
  private final int limit;
  private int position;
  private int fieldNumber;
  private int wireType = -1;
  private int tagOffset;

  public ProtobufReader(byte[] data) {
    this(data, 0, data.length);
  }

  private ProtobufReader(byte[] data, int offset, int limit) {
    this.data = data;
    this.position = offset;
    this.limit = limit;
    this.tagOffset = offset;
  }

  /** Reads the next field's tag; false at the end of the message. */
  public boolean next() {
    if (position == limit) {
      wireType = -1;
      return false;
    }
    tagOffset = position;
    long tag = rawVarint();
    int type = (int) (tag & 7);
    long number = tag >>> 3;
    if (number < 1 || number > 0x1FFF_FFFF) {
      throw malformed(tagOffset, "field number " + number + " out of range");
    }
    if (type != VARINT && type != I64 && type != LEN && type != I32) {
      throw malformed(tagOffset, "unsupported wire type " + type + " of field " + number);
    }
    fieldNumber = (int) number;
    wireType = type;
    return true;
  }

  public int fieldNumber() {
    return fieldNumber;
  }

  public int wireType() {
    return wireType;
  }

  /** Offset of the current field's tag in the whole buffer; before any field, of the message. */
  public int tagOffset() {
    return tagOffset;
  }

  public long readVarint() {
    expect(VARINT);
    return rawVarint();
  }

  public boolean readBool() {
    long value = readVarint();
    if (value != 0 && value != 1) {
      throw malformed(tagOffset, "field " + fieldNumber + " is a bool with value " + value);
    }
    return value == 1;
  }

  /** An enum or int32 field. */
  public int readInt32() {
    long value = readVarint();
    if (value != (int) value) {
      throw malformed(tagOffset, "field " + fieldNumber + " value " + value + " exceeds int32");
    }
    return (int) value;
  }

  public long readFixed64() {
    expect(I64);
    return rawFixed64();
  }

  public double readDouble() {
    return Double.longBitsToDouble(readFixed64());
  }

  public int readFixed32() {
    expect(I32);
    require(4);
    int value = 0;
    for (int i = 0; i < 4; i++) {
      value |= (data[position++] & 0xFF) << (8 * i);
    }
    return value;
  }

  public byte[] readBytes() {
    int length = readLength();
    byte[] bytes = Arrays.copyOfRange(data, position, position + length);
    position += length;
    return bytes;
  }

  public String readString() {
    int start = position;
    int length = readLength();
    try {
      String value =
          StandardCharsets.UTF_8
              .newDecoder()
              .decode(ByteBuffer.wrap(data, position, length))
              .toString();
      position += length;
      return value;
    } catch (CharacterCodingException e) {
      throw malformed(start, "field " + fieldNumber + " is not valid UTF-8");
    }
  }

  /**
   * Reads the current length-delimited field and tells which of {@code candidates} its bytes
   * equal, without copying them: the index, or -1 for none.
   */
  public int readBytesMatching(byte[][] candidates) {
    int length = readLength();
    int from = position;
    position += length;
    for (int i = 0; i < candidates.length; i++) {
      if (Arrays.equals(data, from, from + length, candidates[i], 0, candidates[i].length)) {
        return i;
      }
    }
    return -1;
  }

  /** A reader over the embedded message in the current length-delimited field. */
  public ProtobufReader readMessage() {
    int length = readLength();
    ProtobufReader nested = new ProtobufReader(data, position, position + length);
    position += length;
    return nested;
  }

  /**
   * A repeated fixed64 field's values from its current occurrence: all of a packed run, or the one
   * value of an unpacked element (parsers must accept both forms).
   */
  public long[] readRepeatedFixed64() {
    if (wireType == I64) {
      return new long[] {readFixed64()};
    }
    int length = readLength();
    if (length % 8 != 0) {
      throw malformed(tagOffset, "packed fixed64 field " + fieldNumber + " has length " + length);
    }
    long[] values = new long[length / 8];
    for (int i = 0; i < values.length; i++) {
      values[i] = rawFixed64();
    }
    return values;
  }

  /** A repeated double field's values from its current occurrence, packed or not. */
  public double[] readRepeatedDouble() {
    long[] bits = readRepeatedFixed64();
    double[] values = new double[bits.length];
    for (int i = 0; i < bits.length; i++) {
      values[i] = Double.longBitsToDouble(bits[i]);
    }
    return values;
  }

  /** Skips the current field's value, whatever its wire type. */
  public void skip() {
    switch (wireType) {
      case VARINT -> rawVarint();
      case I64 -> skipBytes(8);
      case I32 -> skipBytes(4);
      case LEN -> skipBytes(readLength());
      default -> throw new IllegalStateException("no current field; call next() first");
    }
  }

  private int readLength() {
    expect(LEN);
    int lengthOffset = position;
    long length = rawVarint();
    if (length > limit - position) {
      throw malformed(
          lengthOffset,
          "field "
              + fieldNumber
              + " declares length "
              + length
              + " but only "
              + (limit - position)
              + " bytes remain");
    }
    return (int) length;
  }

  private void skipBytes(int count) {
    require(count);
    position += count;
  }

  private long rawFixed64() {
    require(8);
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value |= (data[position++] & 0xFFL) << (8 * i);
    }
    return value;
  }

  private long rawVarint() {
    int start = position;
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (position == limit) {
        throw malformed(start, "varint truncated at offset " + position);
      }
      byte b = data[position++];
      value |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        if (shift == 63 && b > 1) {
          throw malformed(start, "varint overflows 64 bits");
        }
        return value;
      }
    }
    throw malformed(start, "varint longer than 10 bytes");
  }

  private void expect(int expected) {
    if (wireType != expected) {
      throw malformed(
          tagOffset,
          "field " + fieldNumber + " has wire type " + wireType + ", expected " + expected);
    }
  }

  private void require(int count) {
    if (limit - position < count) {
      throw malformed(
          position,
          "field "
              + fieldNumber
              + " needs "
              + count
              + " bytes but only "
              + (limit - position)
              + " remain");
    }
  }

  private static MalformedDataException malformed(int offset, String what) {
    return new MalformedDataException("protobuf at offset " + offset + ": " + what);
  }
}
