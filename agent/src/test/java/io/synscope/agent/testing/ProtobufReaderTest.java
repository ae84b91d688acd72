package io.synscope.agent.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.synscope.probe.MalformedDataException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ProtobufReaderTest {
  private static ProtobufReader reader(String hex) {
    return new ProtobufReader(HexFormat.of().parseHex(hex.replace(" ", "")));
  }

  @Test
  void readsVarintFieldAsTheEncodingGuideShowsIt() {
    // Field 1 = 150, the encoding guide's first example.
    ProtobufReader reader = reader("08 96 01");
    assertThat(reader.next()).isTrue();
    assertThat(reader.fieldNumber()).isEqualTo(1);
    assertThat(reader.wireType()).isEqualTo(ProtobufReader.VARINT);
    assertThat(reader.readVarint()).isEqualTo(150);
    assertThat(reader.next()).isFalse();
  }

  @Test
  void tellsWhichCandidateALengthDelimitedFieldEquals() {
    // Field 5 "ab", field 5 "abc", field 5 "x", then field 1 = 1 still readable after them.
    ProtobufReader reader = reader("2a 02 6162  2a 03 616263  2a 01 78  08 01");
    byte[][] candidates = {{'a', 'b', 'c'}, {'a', 'b'}};
    reader.next();
    assertThat(reader.readBytesMatching(candidates)).isEqualTo(1);
    reader.next();
    assertThat(reader.readBytesMatching(candidates)).isEqualTo(0);
    reader.next();
    assertThat(reader.readBytesMatching(candidates)).isEqualTo(-1);
    reader.next();
    assertThat(reader.readVarint()).isEqualTo(1);
    assertThat(reader.next()).isFalse();
  }

  @Test
  void readsTenByteVarintOfAllOnes() {
    assertThat(readSingle("08 ff ff ff ff ff ff ff ff ff 01").readVarint()).isEqualTo(-1L);
  }

  @Test
  void readsFixedWidthFieldsLittleEndian() {
    // Field 2 fixed64, field 4 double 1.5, field 16 fixed32 (two-byte tag 0x85 0x01).
    ProtobufReader reader =
        reader("11 0102030405060708  21 000000000000f83f  8501 78563412");
    reader.next();
    assertThat(reader.fieldNumber()).isEqualTo(2);
    assertThat(reader.readFixed64()).isEqualTo(0x0807060504030201L);
    reader.next();
    assertThat(reader.fieldNumber()).isEqualTo(4);
    assertThat(reader.readDouble()).isEqualTo(1.5);
    reader.next();
    assertThat(reader.fieldNumber()).isEqualTo(16);
    assertThat(reader.wireType()).isEqualTo(ProtobufReader.I32);
    assertThat(reader.readFixed32()).isEqualTo(0x12345678);
    assertThat(reader.next()).isFalse();
  }

  @Test
  void readsStringsBytesAndNestedMessages() {
    // Field 5 "abc", field 1 bytes {00 ff}, field 2 message { field 1 = 7 }.
    ProtobufReader reader = reader("2a 03 616263  0a 02 00ff  12 02 0807");
    reader.next();
    assertThat(reader.readString()).isEqualTo("abc");
    reader.next();
    assertThat(reader.readBytes()).containsExactly(0x00, 0xff);
    reader.next();
    ProtobufReader nested = reader.readMessage();
    assertThat(nested.next()).isTrue();
    assertThat(nested.fieldNumber()).isEqualTo(1);
    assertThat(nested.readVarint()).isEqualTo(7);
    assertThat(nested.next()).isFalse();
    assertThat(reader.next()).isFalse();
  }

  @Test
  void skipsUnknownFieldsOfEveryWireType() {
    // Fields 9..12 of each wire type, then field 1 = 42.
    ProtobufReader reader =
        reader("48 ac02  51 0000000000000000  5a 03 010203  65 00000000  08 2a");
    int skipped = 0;
    while (reader.next()) {
      if (reader.fieldNumber() == 1) {
        assertThat(reader.readVarint()).isEqualTo(42);
      } else {
        reader.skip();
        skipped++;
      }
    }
    assertThat(skipped).isEqualTo(4);
  }

  @Test
  void readsRepeatedFixed64PackedAndUnpacked() {
    // Field 6 packed {1, 2}, then field 6 unpacked 3.
    ProtobufReader reader =
        reader("32 10 0100000000000000 0200000000000000  31 0300000000000000");
    reader.next();
    assertThat(reader.readRepeatedFixed64()).containsExactly(1L, 2L);
    reader.next();
    assertThat(reader.readRepeatedFixed64()).containsExactly(3L);
  }

  @Test
  void readsPackedDoubles() {
    ProtobufReader reader = reader("3a 10 000000000000f03f 0000000000001440");
    reader.next();
    assertThat(reader.readRepeatedDouble()).containsExactly(1.0, 5.0);
  }

  @Test
  void reportsTruncatedVarintWithItsOffset() {
    ProtobufReader reader = reader("08 96");
    reader.next();
    assertThatThrownBy(reader::readVarint)
        .isInstanceOf(MalformedDataException.class)
        .hasMessage("protobuf at offset 1: varint truncated at offset 2");
  }

  @Test
  void reportsLengthBeyondTheMessage() {
    ProtobufReader reader = reader("2a 05 6162");
    reader.next();
    assertThatThrownBy(reader::readString)
        .isInstanceOf(MalformedDataException.class)
        .hasMessage("protobuf at offset 1: field 5 declares length 5 but only 2 bytes remain");
  }

  @Test
  void reportsTruncatedFixed64() {
    ProtobufReader reader = reader("09 0102");
    reader.next();
    assertThatThrownBy(reader::readFixed64)
        .isInstanceOf(MalformedDataException.class)
        .hasMessage("protobuf at offset 1: field 1 needs 8 bytes but only 2 remain");
  }

  @Test
  void reportsTruncationInsideNestedMessageAtItsAbsoluteOffset() {
    // Field 3 holds 3 bytes: a tag of field 1 LEN declaring 5 bytes, and one byte.
    ProtobufReader reader = reader("1a 03 0a05 61  0800");
    reader.next();
    ProtobufReader nested = reader.readMessage();
    nested.next();
    assertThatThrownBy(nested::readBytes)
        .isInstanceOf(MalformedDataException.class)
        .hasMessage("protobuf at offset 3: field 1 declares length 5 but only 1 bytes remain");
  }

  @Test
  void reportsTruncatedTag() {
    ProtobufReader reader = reader("08 01 80");
    reader.next();
    reader.readVarint();
    assertThatThrownBy(reader::next)
        .isInstanceOf(MalformedDataException.class)
        .hasMessage("protobuf at offset 2: varint truncated at offset 3");
  }

  @Test
  void reportsVarintLongerThanTenBytes() {
    ProtobufReader reader = reader("08 ffffffffffffffffffff01");
    reader.next();
    assertThatThrownBy(reader::readVarint)
        .isInstanceOf(MalformedDataException.class)
        .hasMessage("protobuf at offset 1: varint longer than 10 bytes");
  }

  @Test
  void reportsVarintOverflowingSixtyFourBits() {
    ProtobufReader reader = reader("08 ffffffffffffffffff02");
    reader.next();
    assertThatThrownBy(reader::readVarint)
        .isInstanceOf(MalformedDataException.class)
        .hasMessage("protobuf at offset 1: varint overflows 64 bits");
  }

  @Test
  void rejectsWrongWireTypeForTheRead() {
    ProtobufReader reader = reader("08 01");
    reader.next();
    assertThatThrownBy(reader::readString)
        .isInstanceOf(MalformedDataException.class)
        .hasMessage("protobuf at offset 0: field 1 has wire type 0, expected 2");
  }

  @Test
  void rejectsGroupWireTypes() {
    assertThatThrownBy(() -> reader("0b").next())
        .isInstanceOf(MalformedDataException.class)
        .hasMessage("protobuf at offset 0: unsupported wire type 3 of field 1");
  }

  @Test
  void rejectsFieldNumberZero() {
    assertThatThrownBy(() -> reader("00 01").next())
        .isInstanceOf(MalformedDataException.class)
        .hasMessage("protobuf at offset 0: field number 0 out of range");
  }

  @Test
  void rejectsInvalidUtf8() {
    ProtobufReader reader = reader("0a 01 ff");
    reader.next();
    assertThatThrownBy(reader::readString)
        .isInstanceOf(MalformedDataException.class)
        .hasMessage("protobuf at offset 1: field 1 is not valid UTF-8");
  }

  @Test
  void rejectsBoolOtherThanZeroOrOne() {
    ProtobufReader reader = reader("10 02");
    reader.next();
    assertThatThrownBy(reader::readBool)
        .isInstanceOf(MalformedDataException.class)
        .hasMessage("protobuf at offset 0: field 2 is a bool with value 2");
  }

  @Test
  void rejectsPackedFixed64OfPartialElements() {
    ProtobufReader reader = reader("32 03 010203");
    reader.next();
    assertThatThrownBy(reader::readRepeatedFixed64)
        .isInstanceOf(MalformedDataException.class)
        .hasMessage("protobuf at offset 0: packed fixed64 field 6 has length 3");
  }

  @Test
  void reportsTruncationWhenSkipping() {
    ProtobufReader reader = reader("65 0000");
    reader.next();
    assertThatThrownBy(reader::skip)
        .isInstanceOf(MalformedDataException.class)
        .hasMessage("protobuf at offset 1: field 12 needs 4 bytes but only 2 remain");
  }

  private static ProtobufReader readSingle(String hex) {
    ProtobufReader reader = reader(hex);
    reader.next();
    return reader;
  }
}
