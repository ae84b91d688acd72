package io.synscope.probe.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.synscope.probe.DataSource;
import io.synscope.probe.InetAddressText;
import io.synscope.probe.IpFamily;
import io.synscope.probe.MalformedDataException;
import io.synscope.probe.SocketQuery;
import io.synscope.probe.SocketTimer;
import io.synscope.probe.TcpSocket;
import io.synscope.probe.TcpState;
import io.synscope.probe.testing.Mutations;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The /proc/net/tcp[6] parser on files captured from a network namespace on x86-64 (so addresses
 * are little-endian words) holding: listeners with and without queued connections, established
 * pairs with unread bytes, a TIME_WAIT socket, a SYN_RECV request socket whose final ACK was
 * dropped (one SYN-ACK retransmitted), and a dual-stack listener with an IPv4-mapped connection.
 */
class ProcNetTcpParserTest {
  private static final String TCP = Fixtures.text("proc-net-tcp.txt");
  private static final String TCP6 = Fixtures.text("proc-net-tcp6.txt");
  private static final String HEADER = TCP.substring(0, TCP.indexOf('\n') + 1);

  @Test
  void parsesEveryIpv4LineInOrder() throws Exception {
    List<TcpSocket> all = parse(TCP, IpFamily.IPV4, SocketQuery.all());
    assertThat(all.stream().map(ProcNetTcpParserTest::summary).collect(Collectors.toList()))
        .containsExactly(
            "LISTEN 127.0.0.1:4002 0.0.0.0:0 0/-1 ino 12648",
            "LISTEN 127.0.0.1:4001 0.0.0.0:0 0/-1 ino 12645",
            "LISTEN 127.0.0.1:4000 0.0.0.0:0 2/-1 ino 12642",
            "LISTEN 127.0.0.2:5555 0.0.0.0:0 0/-1 ino 12658",
            "TIME_WAIT 127.0.0.1:50236 127.0.0.1:4002 0/0 ino 0",
            "ESTABLISHED 127.0.0.1:4001 127.0.0.1:51350 5/0 ino 12647",
            "ESTABLISHED 127.0.0.1:48482 127.0.0.1:4000 0/0 ino 12643",
            "ESTABLISHED 127.0.0.1:48486 127.0.0.1:4000 0/0 ino 12644",
            "ESTABLISHED 127.0.0.1:33798 127.0.0.1:6001 3/0 ino 12654",
            "ESTABLISHED 127.0.0.1:4000 127.0.0.1:48482 0/0 ino 0",
            "SYN_RECV 127.0.0.2:5555 127.0.0.1:59284 0/0 ino 0",
            "ESTABLISHED 127.0.0.1:59284 127.0.0.2:5555 0/0 ino 12659",
            "ESTABLISHED 127.0.0.1:51350 127.0.0.1:4001 0/0 ino 12646",
            "ESTABLISHED 127.0.0.1:4000 127.0.0.1:48486 0/0 ino 0");
  }

  @Test
  void aSocketPrintedTwiceAcrossTwoBuffersIsOneSocket() throws Exception {
    // The kernel resumes each buffer by counting sockets: a socket closed meanwhile in an earlier
    // bucket makes the next buffer start with the last one printed. Sockets without an inode
    // (TIME_WAIT) cannot be told apart this way and are kept as printed.
    String[] lines = TCP.split("\n");
    StringBuilder twice = new StringBuilder(TCP);
    twice.append(lines[6]).append('\n').append(lines[5]).append('\n');
    List<TcpSocket> all = parse(TCP, IpFamily.IPV4, SocketQuery.all());
    List<TcpSocket> withRepeats = parse(twice.toString(), IpFamily.IPV4, SocketQuery.all());
    assertThat(summary(all.get(5)))
        .isEqualTo("ESTABLISHED 127.0.0.1:4001 127.0.0.1:51350 5/0 ino 12647");
    assertThat(summary(all.get(4)))
        .isEqualTo("TIME_WAIT 127.0.0.1:50236 127.0.0.1:4002 0/0 ino 0");
    assertThat(withRepeats).hasSize(all.size() + 1);
    assertThat(withRepeats.subList(0, all.size())).isEqualTo(all);
    assertThat(withRepeats.get(all.size())).isEqualTo(all.get(4));
  }

  @Test
  void listenerRecordHasAcceptQueueLengthAndUnknownBacklog() throws Exception {
    TcpSocket listener = parse(TCP, IpFamily.IPV4, SocketQuery.all()).get(2);
    assertThat(listener)
        .isEqualTo(
            new TcpSocket(
                IpFamily.IPV4,
                TcpState.LISTEN,
                InetAddress.getByName("127.0.0.1"),
                4000,
                InetAddress.getByName("0.0.0.0"),
                0,
                2,
                -1,
                12642,
                0,
                SocketTimer.NONE,
                0,
                0,
                -1,
                null,
                null,
                null,
                DataSource.PROC));
    assertThat(listener.acceptQueueFull()).isFalse();
  }

  @Test
  void timeWaitLineHasItsTimerInMillis() throws Exception {
    TcpSocket tw = parse(TCP, IpFamily.IPV4, SocketQuery.all()).get(4);
    assertThat(tw.timer()).isEqualTo(SocketTimer.TIME_WAIT);
    // 0x16CF = 5839 ticks of USER_HZ (100/s)
    assertThat(tw.timerExpiresMillis()).isEqualTo(58_390);
    assertThat(tw.retransmits()).isZero();
    assertThat(tw.uid()).isZero();
  }

  @Test
  void requestSocketShowsItsSynAckRetransmit() throws Exception {
    TcpSocket req = parse(TCP, IpFamily.IPV4, SocketQuery.all()).get(10);
    assertThat(req.state()).isEqualTo(TcpState.SYN_RECV);
    assertThat(req.timer()).isEqualTo(SocketTimer.RETRANSMIT);
    assertThat(req.timerExpiresMillis()).isEqualTo(1_400);
    assertThat(req.retransmits()).isEqualTo(1);
  }

  @Test
  void parsesIpv6IncludingWildcardAndMappedAddresses() throws Exception {
    List<TcpSocket> all = parse(TCP6, IpFamily.IPV6, SocketQuery.all());
    assertThat(all.stream().map(ProcNetTcpParserTest::summary).collect(Collectors.toList()))
        .containsExactly(
            "LISTEN [::]:6001 [::]:0 0/-1 ino 12653",
            "LISTEN [::1]:6000 [::]:0 1/-1 ino 12651",
            "ESTABLISHED [::1]:6001 [::1]:54812 0/0 ino 12657",
            "ESTABLISHED [::1]:54812 [::1]:6001 0/0 ino 12656",
            "ESTABLISHED [::1]:6000 [::1]:37142 0/0 ino 0",
            "ESTABLISHED [::1]:37142 [::1]:6000 0/0 ino 12652",
            "ESTABLISHED [::ffff:127.0.0.1]:6001 [::ffff:127.0.0.1]:33798 0/0 ino 12655");
    TcpSocket mapped = all.get(6);
    assertThat(mapped.family()).isEqualTo(IpFamily.IPV6);
    assertThat(mapped.localAddress()).isInstanceOf(Inet6Address.class);
    assertThat(mapped.localAddress().getAddress())
        .containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1);
  }

  @Test
  void bigEndianHostsPrintTheAddressBytesInOrder() throws Exception {
    String line = "   0: 7F000001:0FA0 00000000:0000 0A 00000000:00000000 00:00000000 00000000"
        + "     0        0 1 1 0000000000000000 100 0 0 10 0\n";
    TcpSocket t = parse(HEADER + line, IpFamily.IPV4, SocketQuery.all(), ByteOrder.BIG_ENDIAN)
        .get(0);
    assertThat(t.localAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
  }

  @Test
  void filtersByStatePortAndInodeBeforeBuildingRecords() throws Exception {
    SocketQuery listeners = SocketQuery.listeners();
    assertThat(parse(TCP, IpFamily.IPV4, listeners)).extracting(TcpSocket::inode)
        .containsExactly(12648L, 12645L, 12642L, 12658L);
    SocketQuery synRecv = SocketQuery.builder().states(TcpState.SYN_RECV).build();
    assertThat(parse(TCP, IpFamily.IPV4, synRecv)).extracting(TcpSocket::remotePort)
        .containsExactly(59284);
    SocketQuery local4000 = SocketQuery.builder().localPort(4000).build();
    assertThat(parse(TCP, IpFamily.IPV4, local4000)).extracting(TcpSocket::remotePort)
        .containsExactly(0, 48482, 48486);
    SocketQuery remote4000 = SocketQuery.builder().remotePort(4000).build();
    assertThat(parse(TCP, IpFamily.IPV4, remote4000)).extracting(TcpSocket::localPort)
        .containsExactly(48482, 48486);
    SocketQuery inodes = SocketQuery.builder().inodes(new long[] {12659, 12647, 999}).build();
    assertThat(parse(TCP, IpFamily.IPV4, inodes)).extracting(TcpSocket::localPort)
        .containsExactly(4001, 59284);
  }

  @Test
  void aFilteredOutMalformedLineIsStillCaughtByItsState() {
    String bad = TCP.replace(" 06 00000000:00000000 03:", " 0Z 00000000:00000000 03:");
    assertThatThrownBy(() -> parse(bad, IpFamily.IPV4, SocketQuery.listeners()))
        .isInstanceOf(MalformedDataException.class)
        .hasMessageContaining("/proc/net/tcp line 6: state has a character that is not a hex"
            + " digit: 'Z'");
  }

  @Test
  void visitorCanStopTheDump() throws Exception {
    ProcNetTcpParser parser = new ProcNetTcpParser("tcp", IpFamily.IPV4, ByteOrder.LITTLE_ENDIAN);
    List<TcpSocket> seen = new ArrayList<>();
    boolean finished =
        parser.parse(reader(TCP), SocketQuery.all(), s -> seen.add(s) && seen.size() < 3);
    assertThat(finished).isFalse();
    assertThat(seen).hasSize(3);
  }

  @Test
  void headerOnlyFileHasNoSockets() throws Exception {
    assertThat(parse(HEADER, IpFamily.IPV4, SocketQuery.all())).isEmpty();
  }

  @Test
  void emptyFileIsMalformed() {
    assertThatThrownBy(() -> parse("", IpFamily.IPV4, SocketQuery.all()))
        .isInstanceOf(MalformedDataException.class)
        .hasMessage("/proc/net/tcp: empty file, expected the header line");
  }

  @Test
  void missingHeaderIsMalformed() {
    String noHeader = TCP.substring(HEADER.length());
    assertThatThrownBy(() -> parse(noHeader, IpFamily.IPV4, SocketQuery.all()))
        .isInstanceOf(MalformedDataException.class)
        .hasMessageStartingWith("/proc/net/tcp line 1: expected the header line starting with"
            + " 'sl'");
  }

  @Test
  void truncatedLinesAreMalformedWithFileAndLine() {
    String[] lines = TCP.split("\n");
    String line3 = lines[3];
    // every cut up to the start of the 12th column, the pointer
    int pointer = line3.indexOf(" 12642 3 ") + " 12642 3 ".length();
    for (int cut = 0; cut <= pointer; cut++) {
      String text = lines[0] + "\n" + lines[1] + "\n" + lines[2] + "\n" + line3.substring(0, cut)
          + "\n";
      assertThatThrownBy(() -> parse(text, IpFamily.IPV4, SocketQuery.all()))
          .as("line cut at %d", cut)
          .isInstanceOf(MalformedDataException.class)
          .hasMessageStartingWith("/proc/net/tcp line 4: ");
    }
  }

  @Test
  void nonHexAddressIsMalformed() {
    String bad = TCP.replace("0100007F:0FA1 00000000:0000", "0100G07F:0FA1 00000000:0000");
    assertThatThrownBy(() -> parse(bad, IpFamily.IPV4, SocketQuery.all()))
        .isInstanceOf(MalformedDataException.class)
        .hasMessageStartingWith("/proc/net/tcp line 3: local_address has a character that is"
            + " not a hex digit: 'G' in '   1: 0100G07F:0FA1");
  }

  @Test
  void ipv4AddressInTheIpv6FileIsMalformed() {
    assertThatThrownBy(() -> parse(TCP, IpFamily.IPV6, SocketQuery.all()))
        .isInstanceOf(MalformedDataException.class)
        .hasMessageContaining("line 2: local_address is not 32 hex digits, ':' and 4 hex digits");
  }

  @Test
  void unknownStateAndTimerAreMalformed() {
    String state = TCP.replace(" 0A 00000000:00000002 ", " 0D 00000000:00000002 ");
    assertThatThrownBy(() -> parse(state, IpFamily.IPV4, SocketQuery.all()))
        .isInstanceOf(MalformedDataException.class)
        .hasMessageContaining("line 4: unknown state 0xd");
    String timer = TCP.replace(" 03:000016CF ", " 05:000016CF ");
    assertThatThrownBy(() -> parse(timer, IpFamily.IPV4, SocketQuery.all()))
        .isInstanceOf(MalformedDataException.class)
        .hasMessageContaining("line 6: unknown timer 5");
  }

  @Test
  void nonDecimalInodeIsMalformed() {
    String bad = TCP.replace(" 12642 3 ", " 12x42 3 ");
    assertThatThrownBy(() -> parse(bad, IpFamily.IPV4, SocketQuery.all()))
        .isInstanceOf(MalformedDataException.class)
        .hasMessageContaining("line 4: inode is not a decimal number: '12x42'");
  }

  @Test
  void blankLineIsMalformed() {
    String bad = HEADER + "\n" + TCP.substring(HEADER.length());
    assertThatThrownBy(() -> parse(bad, IpFamily.IPV4, SocketQuery.all()))
        .isInstanceOf(MalformedDataException.class)
        .hasMessageContaining("line 2: expected at least 12 columns, found 0");
  }

  @Test
  void mutatedFilesOnlyEverFailAsMalformed() {
    Random random = new Random(20240611L);
    String source = TCP + TCP6.substring(TCP6.indexOf('\n') + 1);
    int parsed = 0;
    int malformed = 0;
    for (int i = 0; i < 20_000; i++) {
      String text = Mutations.mutate(source, random);
      IpFamily family = random.nextBoolean() ? IpFamily.IPV4 : IpFamily.IPV6;
      try {
        parse(text, family, SocketQuery.all());
        parsed++;
      } catch (MalformedDataException e) {
        assertThat(e.getMessage()).startsWith("/proc/net/tcp");
        malformed++;
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
    assertThat(parsed + malformed).isEqualTo(20_000);
    assertThat(malformed).isGreaterThan(0);
  }

  @Test
  void randomBytesOnlyEverFailAsMalformed() {
    Random random = new Random(7L);
    for (int i = 0; i < 5_000; i++) {
      String text = HEADER + Mutations.randomBytes(random, random.nextInt(300));
      try {
        parse(text, IpFamily.IPV4, SocketQuery.all());
      } catch (MalformedDataException e) {
        assertThat(e.getMessage()).startsWith("/proc/net/tcp line");
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
  }

  static List<TcpSocket> parse(String text, IpFamily family, SocketQuery query)
      throws IOException {
    return parse(text, family, query, ByteOrder.LITTLE_ENDIAN);
  }

  static List<TcpSocket> parse(String text, IpFamily family, SocketQuery query, ByteOrder order)
      throws IOException {
    String name = family == IpFamily.IPV4 ? "/proc/net/tcp" : "/proc/net/tcp6";
    List<TcpSocket> out = new ArrayList<>();
    new ProcNetTcpParser(name, family, order).parse(reader(text), query, out::add);
    return out;
  }

  private static BufferedReader reader(String text) {
    return new BufferedReader(new StringReader(text));
  }

  private static String summary(TcpSocket t) {
    return t.state() + " " + endpoint(t.localAddress(), t.localPort()) + " "
        + endpoint(t.remoteAddress(), t.remotePort()) + " " + t.recvQ() + "/" + t.sendQ()
        + " ino " + t.inode();
  }

  /** {@code a.b.c.d:port}, or {@code [v6]:port} as ss prints an IPv6 endpoint. */
  private static String endpoint(InetAddress address, int port) {
    String text = InetAddressText.format(address);
    return (address instanceof Inet6Address ? "[" + text + "]" : text) + ":" + port;
  }
}
