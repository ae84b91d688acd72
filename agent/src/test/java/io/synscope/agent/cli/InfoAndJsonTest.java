package io.synscope.agent.cli;

import static io.synscope.probe.testing.SocketRecords.socket;
import static io.synscope.probe.testing.SocketRecords.withInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.synscope.agent.testing.Json;
import io.synscope.probe.DataSource;
import io.synscope.probe.IpFamily;
import io.synscope.probe.SocketMemory;
import io.synscope.probe.SocketTimer;
import io.synscope.probe.TcpInfo;
import io.synscope.probe.TcpInfoField;
import io.synscope.probe.TcpSocket;
import io.synscope.probe.TcpState;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InfoAndJsonTest {

  /** A struct tcp_info of a 104-byte kernel (up to tcpi_total_retrans), in native byte order. */
  private static TcpInfo shortTcpInfo() {
    ByteBuffer b = ByteBuffer.allocate(104).order(ByteOrder.nativeOrder());
    b.put(TcpInfoField.STATE.offset(), (byte) 1);
    b.put(TcpInfoField.OPTIONS.offset(), (byte) 3); // TCPI_OPT_TIMESTAMPS | TCPI_OPT_SACK
    b.putInt(TcpInfoField.RTO.offset(), 204_000);
    b.putInt(TcpInfoField.SND_MSS.offset(), 32768);
    b.putInt(TcpInfoField.RCV_MSS.offset(), 536);
    b.putInt(TcpInfoField.UNACKED.offset(), 1);
    b.putInt(TcpInfoField.LAST_DATA_SENT.offset(), 4);
    b.putInt(TcpInfoField.PMTU.offset(), 65535);
    b.putInt(TcpInfoField.RCV_SSTHRESH.offset(), 65495);
    b.putInt(TcpInfoField.RTT.offset(), 29);
    b.putInt(TcpInfoField.RTTVAR.offset(), 16);
    b.putInt(TcpInfoField.SND_SSTHRESH.offset(), 0x7fffffff);
    b.putInt(TcpInfoField.SND_CWND.offset(), 10);
    b.putInt(TcpInfoField.ADVMSS.offset(), 65483);
    b.putInt(TcpInfoField.REORDERING.offset(), 3);
    b.putInt(TcpInfoField.RCV_SPACE.offset(), 65495);
    b.putInt(TcpInfoField.TOTAL_RETRANS.offset(), 2);
    return TcpInfo.decode(b, 104);
  }

  private static TcpSocket established() {
    return socket(IpFamily.IPV4, TcpState.ESTABLISHED, "127.0.0.1", 35476, "127.0.0.1", 43759,
        0, 5, 7412);
  }

  @Test
  void infoLineFollowsSsOrderNamesAndUnitsAndLeavesOutZerosAndAbsentFields() {
    TcpSocket s =
        withInfo(established(), SocketTimer.RETRANSMIT, 200, 1, shortTcpInfo(),
            new SocketMemory(0, 131072, 0, 16384, 0, 0, 0, 0, 0), "bbr");
    assertThat(InfoLine.of(s))
        .isEqualTo(
            "skmem:(r0,rb131072,t0,tb16384,f0,w0,o0,bl0,d0) timer:(on,200ms,1) ts sack bbr"
                + " rto:204 rtt:0.029/0.016 mss:32768 pmtu:65535 rcvmss:536 advmss:65483"
                + " cwnd:10 lastsnd:4 unacked:1 retrans:0/2 rcv_space:65495"
                + " rcv_ssthresh:65495");
  }

  @Test
  void timerTextsAreSsOnes() {
    // print_ms_timer of iproute2's misc/ss.c, quirks included
    assertThat(InfoLine.millisText(0)).isEqualTo("");
    assertThat(InfoLine.millisText(999)).isEqualTo("999ms");
    assertThat(InfoLine.millisText(1250)).isEqualTo("1.250ms");
    assertThat(InfoLine.millisText(1005)).isEqualTo("1.005ms");
    assertThat(InfoLine.millisText(27_900)).isEqualTo("27sec");
    assertThat(InfoLine.millisText(59_000)).isEqualTo("59sec");
    assertThat(InfoLine.millisText(65_500)).isEqualTo("1min5sec");
    assertThat(InfoLine.millisText(725_000)).isEqualTo("12min");
    assertThat(InfoLine.microsAsMillis(204_000)).isEqualTo("204");
    assertThat(InfoLine.microsAsMillis(1)).isEqualTo("0.001");
  }

  @Test
  void socketJsonHasTheSnakeCaseFieldsAndNullForAnUnknownPid() {
    assertThat(SocketJson.of(new OwnedSocket(established(), null, null), false).toString())
        .isEqualTo(
            "{\"state\":\"ESTABLISHED\",\"family\":\"ipv4\",\"local_address\":\"127.0.0.1\","
                + "\"local_port\":35476,\"remote_address\":\"127.0.0.1\",\"remote_port\":43759,"
                + "\"recv_q\":0,\"send_q\":5,\"inode\":7412,\"uid\":1000,\"pid\":null,"
                + "\"timer\":\"off\",\"timer_expires_ms\":0,\"retransmits\":0,"
                + "\"source\":\"netlink\"}");
  }

  @Test
  void socketJsonWithInfoHasEveryTcpInfoFieldTheKernelSentByItsKernelName() {
    TcpSocket s =
        withInfo(established(), SocketTimer.NONE, 0, 0, shortTcpInfo(),
            new SocketMemory(1, 2, 3, 4, 5, 6, 7, 8, -1), "cubic");
    Map<String, Object> o =
        Json.object(SocketJson.of(new OwnedSocket(s, 9L, "x"), true).toString());
    assertThat(o.get("pid")).isEqualTo(9L);
    assertThat(o.get("congestion")).isEqualTo("cubic");
    // d = -1: the kernel did not send the drops counter, so it is null rather than a number
    @SuppressWarnings("unchecked")
    Map<String, Object> skmem = (Map<String, Object>) o.get("skmem");
    assertThat(skmem)
        .containsExactly(
            entry("r", 1L), entry("rb", 2L), entry("t", 3L), entry("tb", 4L), entry("f", 5L),
            entry("w", 6L), entry("o", 7L), entry("bl", 8L), entry("d", null));
    assertThat(SocketJson.memory(new SocketMemory(1, 2, 3, 4, 5, 6, 7, 8, -1)).toString())
        .isEqualTo(
            "{\"r\":1,\"rb\":2,\"t\":3,\"tb\":4,\"f\":5,\"w\":6,\"o\":7,\"bl\":8,"
                + "\"d\":null}");
    @SuppressWarnings("unchecked")
    Map<String, Object> info = (Map<String, Object>) o.get("tcp_info");
    List<String> expectedKeys = new ArrayList<>();
    for (TcpInfoField f : TcpInfoField.values()) {
      if (f.offset() + f.width() <= 104) {
        expectedKeys.add(f.key());
      }
    }
    assertThat(expectedKeys).hasSize(30).endsWith("total_retrans");
    assertThat(info.keySet()).containsExactlyElementsOf(expectedKeys);
    assertThat(info).containsEntry("rto", 204_000L).containsEntry("snd_ssthresh", 0x7fffffffL)
        .containsEntry("total_retrans", 2L).containsEntry("probes", 0L);
  }

  @Test
  void sixtyFourBitTcpInfoFieldsAreUnsigned() {
    ByteBuffer b = ByteBuffer.allocate(120).order(ByteOrder.nativeOrder());
    b.putLong(TcpInfoField.PACING_RATE.offset(), 1234);
    b.putLong(TcpInfoField.MAX_PACING_RATE.offset(), -1L); // ~0ULL: no limit
    String json = SocketJson.tcpInfo(TcpInfo.decode(b, 120)).toString();
    assertThat(json).endsWith(",\"pacing_rate\":1234,\"max_pacing_rate\":18446744073709551615}");
    assertThat(Json.object(json).get("max_pacing_rate"))
        .isEqualTo(new java.math.BigInteger("18446744073709551615"));
  }

  @Test
  void procRecordsWithInfoHaveNullInfoNotZeros() {
    TcpSocket base = established();
    TcpSocket proc =
        new TcpSocket(base.family(), base.state(), base.localAddress(), base.localPort(),
            base.remoteAddress(), base.remotePort(), base.recvQ(), base.sendQ(), base.inode(),
            base.uid(), base.timer(), 0, 0, -1, null, null, null, DataSource.PROC);
    assertThat(SocketJson.of(new OwnedSocket(proc, null, null), true).toString())
        .endsWith("\"source\":\"proc\",\"tcp_info\":null,\"congestion\":null,\"skmem\":null}");
    assertThat(InfoLine.of(proc)).isEqualTo("(no tcp_info: read from /proc/net/tcp)");
  }
}
