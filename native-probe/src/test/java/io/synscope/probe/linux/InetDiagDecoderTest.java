package io.synscope.probe.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.synscope.probe.DataSource;
import io.synscope.probe.InetAddressText;
import io.synscope.probe.IpFamily;
import io.synscope.probe.MalformedDataException;
import io.synscope.probe.NativeCallException;
import io.synscope.probe.SocketMemory;
import io.synscope.probe.SocketQuery;
import io.synscope.probe.SocketTimer;
import io.synscope.probe.TcpInfoField;
import io.synscope.probe.TcpSocket;
import io.synscope.probe.TcpState;
import io.synscope.probe.testing.Mutations;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InetDiagDecoderTest {
  private static final int SEQ = 77;
  private static final String OPERATION = "SOCK_DIAG_BY_FAMILY dump of AF_INET TCP sockets";

  private final List<TcpSocket> seen = new ArrayList<>();

  private boolean decode(SocketQuery query, ByteBuffer buffer) {
    InetDiagDecoder decoder = new InetDiagDecoder();
    decoder.start(query, s -> seen.add(s));
    decoder.expect(SEQ, OPERATION);
    return decoder.decode(buffer);
  }

  private boolean decode(ByteBuffer buffer) {
    return decode(SocketQuery.all(), buffer);
  }

  @Test
  void decodesAnIpv4SocketFieldByField() {
    DiagMessages.Socket s = new DiagMessages.Socket();
    s.state = 8;
    s.timer = 2;
    s.retrans = 3;
    s.sport = 54321;
    s.dport = 443;
    s.src = new byte[] {10, 1, 2, (byte) 200};
    s.dst = new byte[] {(byte) 192, (byte) 168, 0, 1};
    s.cookie = 0xfedc_ba98_7654_3210L;
    s.expires = 7199;
    s.rqueue = 1;
    s.wqueue = 70000;
    s.uid = 65534;
    s.inode = 0xf000_0001;

    boolean done = decode(new DiagMessages().socket(SEQ, s).done(SEQ, 0).buffer());

    assertThat(done).isTrue();
    assertThat(seen).hasSize(1);
    TcpSocket t = seen.get(0);
    assertThat(t.family()).isEqualTo(IpFamily.IPV4);
    assertThat(t.state()).isEqualTo(TcpState.CLOSE_WAIT);
    assertThat(t.localAddress()).isInstanceOf(Inet4Address.class);
    assertThat(t.localAddress().getHostAddress()).isEqualTo("10.1.2.200");
    assertThat(t.localPort()).isEqualTo(54321);
    assertThat(t.remoteAddress().getHostAddress()).isEqualTo("192.168.0.1");
    assertThat(t.remotePort()).isEqualTo(443);
    assertThat(t.recvQ()).isEqualTo(1);
    assertThat(t.sendQ()).isEqualTo(70000);
    assertThat(t.inode()).isEqualTo(0xf000_0001L);
    assertThat(t.uid()).isEqualTo(65534);
    assertThat(t.timer()).isEqualTo(SocketTimer.KEEPALIVE);
    assertThat(t.retransmits()).isEqualTo(3);
    assertThat(t.timerExpiresMillis()).isEqualTo(7199);
    assertThat(t.cookie()).isEqualTo(0xfedc_ba98_7654_3210L);
    assertThat(t.tcpInfo()).isNull();
    assertThat(t.memory()).isNull();
    assertThat(t.congestion()).isNull();
    assertThat(t.source()).isEqualTo(DataSource.NETLINK);
  }

  @Test
  void decodesAnIpv6SocketAndKeepsAMappedAddressIpv6() {
    DiagMessages.Socket s = new DiagMessages.Socket();
    s.family = InetDiag.AF_INET6;
    s.state = TcpState.KERNEL_NEW_SYN_RECV;
    s.timer = 1;
    s.retrans = 2;
    s.src = bytes16("20010db8000000000000000000000001");
    s.dst = bytes16("00000000000000000000ffff7f000001");

    decode(new DiagMessages().socket(SEQ, s).done(SEQ, 0).buffer());

    TcpSocket t = seen.get(0);
    assertThat(t.family()).isEqualTo(IpFamily.IPV6);
    assertThat(t.state()).isEqualTo(TcpState.SYN_RECV);
    assertThat(t.timer()).isEqualTo(SocketTimer.RETRANSMIT);
    assertThat(t.retransmits()).isEqualTo(2);
    assertThat(t.localAddress()).isInstanceOf(Inet6Address.class);
    assertThat(InetAddressText.format(t.localAddress())).isEqualTo("2001:db8::1");
    assertThat(t.remoteAddress()).isInstanceOf(Inet6Address.class);
    assertThat(InetAddressText.format(t.remoteAddress())).isEqualTo("::ffff:127.0.0.1");
  }

  @Test
  void decodesAShortTcpInfoOfAnOlderKernel() {
    ByteBuffer info = DiagMessages.le(104);
    info.put(0, (byte) 1).put(2, (byte) 5);
    info.putInt(TcpInfoField.RTO.offset(), 204000);
    info.putInt(TcpInfoField.RTT.offset(), 1500);
    info.putInt(TcpInfoField.TOTAL_RETRANS.offset(), 9);
    DiagMessages.Socket s = new DiagMessages.Socket().attribute(InetDiag.INET_DIAG_INFO, info.array());

    decode(new DiagMessages().socket(SEQ, s).buffer());

    var tcpInfo = seen.get(0).tcpInfo();
    assertThat(tcpInfo.length()).isEqualTo(104);
    assertThat(tcpInfo.state()).isEqualTo(1);
    assertThat(tcpInfo.retransmits()).isEqualTo(5);
    assertThat(tcpInfo.rtoMicros()).isEqualTo(204000);
    assertThat(tcpInfo.rttMicros()).isEqualTo(1500);
    assertThat(tcpInfo.totalRetrans()).isEqualTo(9);
    assertThat(tcpInfo.has(TcpInfoField.PACING_RATE)).isFalse();
    assertThat(tcpInfo.find(TcpInfoField.BYTES_ACKED)).isEmpty();
  }

  @Test
  void decodesALongerTcpInfoThanKnownAndTheAttributesAfterIt() {
    ByteBuffer info = DiagMessages.le(300);
    info.putInt(TcpInfoField.SND_CWND.offset(), 10);
    info.putInt(TcpInfoField.RECEIVED_CE.offset(), 3);
    info.putInt(296, 0xdeadbeef);
    ByteBuffer mem = DiagMessages.le(36);
    for (int i = 0; i < 9; i++) {
      mem.putInt(i * 4, 100 + i);
    }
    DiagMessages.Socket s =
        new DiagMessages.Socket()
            .attribute(InetDiag.INET_DIAG_INFO, info.array())
            .attribute(99, new byte[] {1, 2, 3})
            .attribute(InetDiag.INET_DIAG_SKMEMINFO, mem.array())
            .attribute(InetDiag.INET_DIAG_CONG, "cubic\0".getBytes(StandardCharsets.US_ASCII));

    decode(new DiagMessages().socket(SEQ, s).socket(SEQ, s).buffer());

    TcpSocket t = seen.get(0);
    assertThat(t.tcpInfo().length()).isEqualTo(300);
    assertThat(t.tcpInfo().sndCwnd()).isEqualTo(10);
    assertThat(t.tcpInfo().get(TcpInfoField.RECEIVED_CE)).isEqualTo(3);
    assertThat(t.memory()).isEqualTo(new SocketMemory(100, 101, 102, 103, 104, 105, 106, 107, 108));
    assertThat(t.congestion()).isEqualTo("cubic");
    assertThat(seen.get(1).congestion()).isSameAs(t.congestion());
  }

  @Test
  void socketMemoryOfAnOlderKernelHasNoDrops() {
    DiagMessages.Socket s =
        new DiagMessages.Socket().attribute(InetDiag.INET_DIAG_SKMEMINFO, new byte[32]);

    decode(new DiagMessages().socket(SEQ, s).buffer());

    assertThat(seen.get(0).memory()).isEqualTo(new SocketMemory(0, 0, 0, 0, 0, 0, 0, 0, -1));
  }

  @Test
  void doneWithZeroEndsTheDumpAndMoreBuffersAreNotDone() {
    assertThat(decode(new DiagMessages().socket(SEQ, new DiagMessages.Socket()).buffer()))
        .isFalse();
    assertThat(decode(new DiagMessages().done(SEQ, 0).buffer())).isTrue();
  }

  @Test
  void doneCarryingANegativeErrnoIsANativeError() {
    assertThatThrownBy(() -> decode(new DiagMessages().done(SEQ, -2).buffer()))
        .isInstanceOf(NativeCallException.class)
        .hasMessage(OPERATION + " failed with error 2: ENOENT: No such file or directory")
        .satisfies(e -> assertThat(((NativeCallException) e).errno()).isEqualTo(2))
        .satisfies(e -> assertThat(((NativeCallException) e).operation()).isEqualTo(OPERATION));
  }

  @Test
  void anErrorMessageIsANativeError() {
    assertThatThrownBy(() -> decode(new DiagMessages().error(SEQ, -1).buffer()))
        .isInstanceOf(NativeCallException.class)
        .hasMessage(OPERATION + " failed with error 1: EPERM: Operation not permitted");
  }

  @Test
  void messagesOfAnotherSequenceAreSkipped() {
    ByteBuffer b =
        new DiagMessages()
            .socket(SEQ - 1, new DiagMessages.Socket())
            .error(SEQ - 1, -1)
            .done(SEQ - 1, -2)
            .socket(SEQ, new DiagMessages.Socket())
            .done(SEQ, 0)
            .buffer();

    assertThat(decode(b)).isTrue();
    assertThat(seen).hasSize(1);
  }

  @Test
  void unknownMessageTypesAreSkipped() {
    ByteBuffer b =
        new DiagMessages().message(Netlink.NLMSG_NOOP, SEQ, new byte[0])
            .message(0x55, SEQ, new byte[13])
            .socket(SEQ, new DiagMessages.Socket())
            .buffer();

    decode(b);

    assertThat(seen).hasSize(1);
  }

  @Test
  void aTruncatedHeaderIsMalformed() {
    ByteBuffer b = new DiagMessages().socket(SEQ, new DiagMessages.Socket()).raw(new byte[10])
        .buffer();

    assertThatThrownBy(() -> decode(b))
        .isInstanceOf(MalformedDataException.class)
        .hasMessage("inet_diag answer: truncated nlmsghdr: 10 bytes left, 16 needed"
            + " (at byte offset 88)");
  }

  @Test
  void aLengthShorterThanTheHeaderIsMalformed() {
    ByteBuffer b = new DiagMessages().message(15, InetDiag.SOCK_DIAG_BY_FAMILY, SEQ, new byte[8])
        .buffer();

    assertThatThrownBy(() -> decode(b))
        .isInstanceOf(MalformedDataException.class)
        .hasMessage("inet_diag answer: nlmsg_len 15 is less than the 16-byte nlmsghdr"
            + " (at byte offset 0)");
  }

  @Test
  void aLengthLargerThanTheBufferIsMalformed() {
    ByteBuffer b = new DiagMessages().done(SEQ, 0)
        .message(1000, InetDiag.SOCK_DIAG_BY_FAMILY, SEQ, new byte[72]).buffer();
    ByteBuffer afterDone = b.position(20);

    assertThatThrownBy(() -> decode(afterDone))
        .isInstanceOf(MalformedDataException.class)
        .hasMessage("inet_diag answer: nlmsg_len 1000 runs past the 88 bytes left in the buffer"
            + " (at byte offset 20)");
  }

  @Test
  void aTruncatedInetDiagMsgIsMalformed() {
    byte[] shortMsg = new byte[40];
    ByteBuffer b = new DiagMessages().message(InetDiag.SOCK_DIAG_BY_FAMILY, SEQ, shortMsg)
        .buffer();

    assertThatThrownBy(() -> decode(b))
        .isInstanceOf(MalformedDataException.class)
        .hasMessage("inet_diag answer: SOCK_DIAG_BY_FAMILY message of 56 bytes is shorter than"
            + " nlmsghdr + inet_diag_msg (88 bytes) (at byte offset 0)");
  }

  @Test
  void anAttributeOverrunningItsMessageIsMalformed() {
    DiagMessages.Socket s =
        new DiagMessages.Socket().attribute(200, InetDiag.INET_DIAG_INFO, new byte[100]);

    assertThatThrownBy(() -> decode(new DiagMessages().socket(SEQ, s).buffer()))
        .isInstanceOf(MalformedDataException.class)
        .hasMessage("inet_diag answer: rtattr type 2 of rta_len 200 runs past its message,"
            + " which ends at offset 192 (at byte offset 88)");
  }

  @Test
  void aZeroLengthAttributeIsMalformedNotAnEndlessLoop() {
    DiagMessages.Socket s = new DiagMessages.Socket().attribute(0, 7, new byte[4]);

    assertThatThrownBy(() -> decode(new DiagMessages().socket(SEQ, s).buffer()))
        .isInstanceOf(MalformedDataException.class)
        .hasMessage("inet_diag answer: rtattr type 7 has rta_len 0, less than its 4-byte header"
            + " (at byte offset 88)");
  }

  @Test
  void aShortSocketMemoryAttributeIsMalformed() {
    DiagMessages.Socket s =
        new DiagMessages.Socket().attribute(InetDiag.INET_DIAG_SKMEMINFO, new byte[28]);

    assertThatThrownBy(() -> decode(new DiagMessages().socket(SEQ, s).buffer()))
        .isInstanceOf(MalformedDataException.class)
        .hasMessageContaining("INET_DIAG_SKMEMINFO of 28 bytes")
        .hasMessageEndingWith("(at byte offset 88)");
  }

  @Test
  void portInodeAndStateFiltersSkipSocketsWithoutLookingAtTheirAttributes() {
    DiagMessages.Socket wanted = new DiagMessages.Socket();
    wanted.sport = 8080;
    wanted.dport = 50001;
    wanted.inode = 11;
    DiagMessages.Socket otherPort = new DiagMessages.Socket();
    otherPort.sport = 8081;
    otherPort.dport = 9999;
    otherPort.inode = 11;
    // A broken attribute proves the filtered-out socket is never decoded past its header.
    otherPort.attribute(0, 2, new byte[0]);
    DiagMessages.Socket otherInode = new DiagMessages.Socket();
    otherInode.sport = 8080;
    otherInode.inode = 12;
    DiagMessages.Socket otherState = new DiagMessages.Socket();
    otherState.sport = 8080;
    otherState.inode = 11;
    otherState.state = TcpState.TIME_WAIT.kernelCode();
    ByteBuffer b =
        new DiagMessages()
            .socket(SEQ, otherPort)
            .socket(SEQ, wanted)
            .socket(SEQ, otherInode)
            .socket(SEQ, otherState)
            .done(SEQ, 0)
            .buffer();
    SocketQuery query =
        SocketQuery.builder().states(TcpState.ESTABLISHED).port(8080)
            .inodes(new long[] {11}).build();

    decode(query, b);

    assertThat(seen).extracting(TcpSocket::remotePort).containsExactly(50001);
  }

  @Test
  void aVisitorThatStopsSeesNoMoreSocketsButTheDumpIsReadToItsEnd() {
    InetDiagDecoder decoder = new InetDiagDecoder();
    decoder.start(SocketQuery.all(), s -> seen.add(s) && false);
    decoder.expect(SEQ, OPERATION);
    ByteBuffer b = new DiagMessages().socket(SEQ, new DiagMessages.Socket())
        .socket(SEQ, new DiagMessages.Socket()).done(SEQ, 0).buffer();

    assertThat(decoder.decode(b)).isTrue();
    assertThat(decoder.stopped()).isTrue();
    assertThat(seen).hasSize(1);
  }

  @Test
  void randomAndMutatedInputAlwaysTerminatesWithOnlyTheProbesExceptions() {
    long seed = System.nanoTime();
    System.out.println("fuzz seed " + seed);
    Random random = new Random(seed);
    DiagMessages.Socket full = new DiagMessages.Socket()
        .attribute(InetDiag.INET_DIAG_INFO, new byte[248])
        .attribute(InetDiag.INET_DIAG_SKMEMINFO, new byte[36])
        .attribute(InetDiag.INET_DIAG_CONG, "bbr\0".getBytes(StandardCharsets.US_ASCII));
    byte[] valid = new DiagMessages().socket(SEQ, full).socket(SEQ, new DiagMessages.Socket())
        .done(SEQ, 0).bytes();
    int outcomes = 0;
    for (int i = 0; i < 40_000; i++) {
      byte[] input;
      if (i % 2 == 0) {
        input = new byte[random.nextInt(400)];
        random.nextBytes(input);
        if (input.length >= 12 && random.nextBoolean()) {
          // Give random messages a chance to get past the sequence check.
          ByteBuffer.wrap(input).order(ByteOrder.nativeOrder()).putInt(8, SEQ);
        }
      } else {
        input = Mutations.mutate(valid, random);
      }
      ByteBuffer b = ByteBuffer.wrap(input).order(ByteOrder.nativeOrder());
      try {
        decode(b);
      } catch (MalformedDataException | NativeCallException e) {
        outcomes++;
      } catch (RuntimeException e) {
        throw new AssertionError("seed " + seed + ", input " + i + ": " + e, e);
      }
      seen.clear();
    }
    assertThat(outcomes).as("seed %d", seed).isGreaterThan(0);
  }

  private static byte[] bytes16(String hex) {
    byte[] a = new byte[16];
    for (int i = 0; i < 16; i++) {
      a[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    return a;
  }
}
