package io.synscope.agent.cli;

import io.synscope.probe.DataSource;
import io.synscope.probe.IpFamily;
import io.synscope.probe.SocketMemory;
import io.synscope.probe.TcpInfo;
import io.synscope.probe.TcpInfoField;
import io.synscope.probe.TcpSocket;
import java.util.Locale;

/** A socket as one JSON object with snake_case fields; absent kernel data is null, never 0. */
final class SocketJson {
  private SocketJson() {}

  static JsonObject of(OwnedSocket owned, boolean withInfo) {
    TcpSocket s = owned.socket();
    JsonObject o =
        new JsonObject()
            .put("state", s.state().name())
            .put("family", family(s.family()))
            .put("local_address", AddressFormat.plain(s.family(), s.localAddress()))
            .put("local_port", s.localPort())
            .put("remote_address", AddressFormat.plain(s.family(), s.remoteAddress()))
            .put("remote_port", s.remotePort())
            .put("recv_q", s.recvQ())
            .put("send_q", s.sendQ())
            .put("inode", s.inode())
            .put("uid", s.uid())
            .put("pid", owned.pid())
            .put("timer", s.timer().ssName())
            .put("timer_expires_ms", s.timerExpiresMillis())
            .put("retransmits", s.retransmits())
            .put("source", source(s.source()));
    if (withInfo) {
      o.put("tcp_info", s.tcpInfo() == null ? null : tcpInfo(s.tcpInfo()));
      o.put("congestion", s.congestion());
      o.put("skmem", s.memory() == null ? null : memory(s.memory()));
    }
    return o;
  }

  static String family(IpFamily family) {
    return family.name().toLowerCase(Locale.ROOT);
  }

  static String source(DataSource source) {
    return source.name().toLowerCase(Locale.ROOT);
  }

  /**
   * Every field the kernel's struct holds, by the kernel's name without {@code tcpi_}; the __u64
   * fields unsigned (tcpi_max_pacing_rate is ~0 when unlimited).
   */
  static JsonObject tcpInfo(TcpInfo info) {
    JsonObject o = new JsonObject();
    for (TcpInfoField f : TcpInfoField.values()) {
      if (info.has(f)) {
        if (f.width() == Long.BYTES) {
          o.putUnsigned(f.key(), info.get(f));
        } else {
          o.put(f.key(), info.get(f));
        }
      }
    }
    return o;
  }

  /** Named as ss -m prints them in skmem:(...). */
  static JsonObject memory(SocketMemory m) {
    JsonObject o =
        new JsonObject()
            .put("r", m.rmemAlloc())
            .put("rb", m.rcvBuf())
            .put("t", m.wmemAlloc())
            .put("tb", m.sndBuf())
            .put("f", m.fwdAlloc())
            .put("w", m.wmemQueued())
            .put("o", m.optMem())
            .put("bl", m.backlog());
    return m.drops() >= 0 ? o.put("d", m.drops()) : o.putNull("d");
  }
}
