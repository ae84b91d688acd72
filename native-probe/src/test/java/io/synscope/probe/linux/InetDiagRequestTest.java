package io.synscope.probe.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.synscope.probe.SocketQuery;
import io.synscope.probe.TcpState;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class InetDiagRequestTest {
  private final ByteBuffer b =
      ByteBuffer.allocate(InetDiagRequest.MAX_SIZE).order(ByteOrder.nativeOrder());

  @Test
  void encodesHeaderAndReqV2() {
    SocketQuery q = SocketQuery.builder().states(TcpState.LISTEN, TcpState.SYN_RECV)
        .withInfo(true).build();

    int length = InetDiagRequest.encode(b, InetDiag.AF_INET6, q, 99);

    assertThat(length).isEqualTo(72);
    assertThat(b.getInt(0)).isEqualTo(72);
    assertThat(b.getShort(4)).isEqualTo((short) 20);
    assertThat(b.getShort(6)).isEqualTo((short) 0x301);
    assertThat(b.getInt(8)).isEqualTo(99);
    assertThat(b.get(16)).isEqualTo((byte) 10);
    assertThat(b.get(17)).isEqualTo((byte) 6);
    // INET_DIAG_INFO (bit 1), INET_DIAG_CONG (bit 3), INET_DIAG_SKMEMINFO (bit 6).
    assertThat(b.get(18)).isEqualTo((byte) 0b0100_1010);
    assertThat(b.getInt(20)).isEqualTo((1 << 10) | (1 << 3) | (1 << 12));
  }

  @Test
  void asksForKnownStatesOnlyAndNoInfoByDefault() {
    InetDiagRequest.encode(b, InetDiag.AF_INET, SocketQuery.all(), 1);

    assertThat(b.get(18)).isZero();
    assertThat(b.getInt(20)).isEqualTo(0x1ffe);
  }

  @Test
  void encodesAnEitherSidePortFilterAsBytecode() {
    int length = InetDiagRequest.encode(b, InetDiag.AF_INET, SocketQuery.builder().port(8080)
        .build(), 1);

    assertThat(length).isEqualTo(72 + 4 + 36);
    assertThat(b.getShort(72)).isEqualTo((short) 40);
    assertThat(b.getShort(74)).isEqualTo((short) 1);
    int[] expected = {
      2, 8, 20, 0, 0, 8080, // sport >= P, else to the dport test
      3, 8, 12, 0, 0, 8080, // sport <= P, else to the dport test
      1, 4, 20, // JMP over the dport test: accept
      4, 8, 20, 0, 0, 8080, // dport >= P, else reject (4 past the end)
      5, 8, 12, 0, 0, 8080, // dport <= P, else reject
    };
    int at = 76;
    for (int i = 0; i < expected.length; i += 3) {
      assertThat(new int[] {b.get(at) & 0xff, b.get(at + 1) & 0xff, b.getShort(at + 2) & 0xffff})
          .as("op at %d", at).containsExactly(expected[i], expected[i + 1], expected[i + 2]);
      at += 4;
    }
  }
}
