package io.synscope.agent.cli;

import io.synscope.probe.DataSource;
import io.synscope.probe.SocketMemory;
import io.synscope.probe.SocketTimer;
import io.synscope.probe.TcpInfo;
import io.synscope.probe.TcpInfoField;
import io.synscope.probe.TcpSocket;
import java.math.BigDecimal;
import java.util.OptionalLong;

/**
 * The details {@code ss -t -i -m -o} prints on a socket's second line, in ss's order and with its
 * names and units (tcp_show_info in iproute2's misc/ss.c): skmem, timer, TCPI_OPT_* options,
 * congestion algorithm, then tcp_info fields, most of them only when not zero. Fields a kernel's
 * tcp_info lacks are left out. Rates that ss derives (send, pacing) are not computed.
 */
final class InfoLine {
  /** tcpi_options bits, include/uapi/linux/tcp.h. */
  private static final int TCPI_OPT_TIMESTAMPS = 1;

  private static final int TCPI_OPT_SACK = 2;
  private static final int TCPI_OPT_ECN = 8;
  private static final int TCPI_OPT_ECN_SEEN = 16;
  private static final int TCPI_OPT_SYN_DATA = 32;

  /** ss leaves out an RTO of the initial 3 s (TCP_TIMEOUT_INIT). */
  private static final long RTO_INITIAL_MICROS = 3_000_000;

  /** ss leaves out ssthresh at TCP_INFINITE_SSTHRESH and above 0xffff. */
  private static final long SSTHRESH_SHOWN_BELOW = 0xffff;

  /** ss leaves out reordering at its default, net.ipv4.tcp_reordering = 3. */
  private static final long REORDERING_DEFAULT = 3;

  private InfoLine() {}

  static String of(TcpSocket s) {
    StringBuilder sb = new StringBuilder();
    SocketMemory m = s.memory();
    if (m != null) {
      sb.append("skmem:(r").append(m.rmemAlloc())
          .append(",rb").append(m.rcvBuf())
          .append(",t").append(m.wmemAlloc())
          .append(",tb").append(m.sndBuf())
          .append(",f").append(m.fwdAlloc())
          .append(",w").append(m.wmemQueued())
          .append(",o").append(m.optMem())
          .append(",bl").append(m.backlog());
      if (m.drops() >= 0) {
        sb.append(",d").append(m.drops());
      }
      sb.append(')');
    }
    if (s.timer() != SocketTimer.NONE) {
      word(sb, "timer:(" + s.timer().ssName() + "," + millisText(s.timerExpiresMillis()) + ","
          + s.retransmits() + ")");
    }
    TcpInfo info = s.tcpInfo();
    if (info != null) {
      long options = info.find(TcpInfoField.OPTIONS).orElse(0);
      flagWord(sb, options, TCPI_OPT_TIMESTAMPS, "ts");
      flagWord(sb, options, TCPI_OPT_SACK, "sack");
      flagWord(sb, options, TCPI_OPT_ECN, "ecn");
      flagWord(sb, options, TCPI_OPT_ECN_SEEN, "ecnseen");
      flagWord(sb, options, TCPI_OPT_SYN_DATA, "fastopen");
    }
    if (s.congestion() != null) {
      word(sb, s.congestion());
    }
    if (info != null) {
      appendInfo(sb, info, s.isListener());
    }
    if (sb.length() == 0) {
      sb.append(
          s.source() == DataSource.PROC
              ? "(no tcp_info: read from /proc/net/tcp)"
              : "(no tcp_info for this socket)");
    }
    return sb.toString();
  }

  private static void appendInfo(StringBuilder sb, TcpInfo i, boolean listener) {
    OptionalLong rto = i.find(TcpInfoField.RTO);
    if (rto.isPresent() && rto.getAsLong() != 0 && rto.getAsLong() != RTO_INITIAL_MICROS) {
      word(sb, "rto:" + microsAsMillis(rto.getAsLong()));
    }
    nonZero(sb, i, TcpInfoField.BACKOFF, "backoff:");
    OptionalLong rtt = i.find(TcpInfoField.RTT);
    if (rtt.isPresent() && rtt.getAsLong() != 0) {
      word(sb, "rtt:" + microsAsMillis(rtt.getAsLong()) + "/"
          + microsAsMillis(i.find(TcpInfoField.RTTVAR).orElse(0)));
    }
    nonZeroMillis(sb, i, TcpInfoField.ATO, "ato:");
    nonZero(sb, i, TcpInfoField.SND_MSS, "mss:");
    nonZero(sb, i, TcpInfoField.PMTU, "pmtu:");
    nonZero(sb, i, TcpInfoField.RCV_MSS, "rcvmss:");
    nonZero(sb, i, TcpInfoField.ADVMSS, "advmss:");
    nonZero(sb, i, TcpInfoField.SND_CWND, "cwnd:");
    OptionalLong ssthresh = i.find(TcpInfoField.SND_SSTHRESH);
    if (ssthresh.isPresent() && ssthresh.getAsLong() != 0
        && ssthresh.getAsLong() < SSTHRESH_SHOWN_BELOW) {
      word(sb, "ssthresh:" + ssthresh.getAsLong());
    }
    nonZero(sb, i, TcpInfoField.BYTES_SENT, "bytes_sent:");
    nonZero(sb, i, TcpInfoField.BYTES_RETRANS, "bytes_retrans:");
    nonZero(sb, i, TcpInfoField.BYTES_ACKED, "bytes_acked:");
    nonZero(sb, i, TcpInfoField.BYTES_RECEIVED, "bytes_received:");
    nonZero(sb, i, TcpInfoField.SEGS_OUT, "segs_out:");
    nonZero(sb, i, TcpInfoField.SEGS_IN, "segs_in:");
    nonZero(sb, i, TcpInfoField.DATA_SEGS_OUT, "data_segs_out:");
    nonZero(sb, i, TcpInfoField.DATA_SEGS_IN, "data_segs_in:");
    nonZero(sb, i, TcpInfoField.LAST_DATA_SENT, "lastsnd:");
    nonZero(sb, i, TcpInfoField.LAST_DATA_RECV, "lastrcv:");
    nonZero(sb, i, TcpInfoField.LAST_ACK_RECV, "lastack:");
    OptionalLong deliveryRate = i.find(TcpInfoField.DELIVERY_RATE);
    if (deliveryRate.isPresent() && deliveryRate.getAsLong() != 0) {
      word(sb, "delivery_rate " + deliveryRate.getAsLong() + "bps");
    }
    nonZero(sb, i, TcpInfoField.DELIVERED, "delivered:");
    nonZero(sb, i, TcpInfoField.DELIVERED_CE, "delivered_ce:");
    OptionalLong busy = i.find(TcpInfoField.BUSY_TIME);
    if (busy.isPresent() && busy.getAsLong() != 0) {
      word(sb, "busy:" + busy.getAsLong() / 1000 + "ms");
    }
    nonZero(sb, i, TcpInfoField.UNACKED, "unacked:");
    long retrans = i.find(TcpInfoField.RETRANS).orElse(0);
    long totalRetrans = i.find(TcpInfoField.TOTAL_RETRANS).orElse(0);
    if (retrans != 0 || totalRetrans != 0) {
      word(sb, "retrans:" + retrans + "/" + totalRetrans);
    }
    nonZero(sb, i, TcpInfoField.LOST, "lost:");
    if (!listener) {
      // For a listener the kernel puts the backlog in tcpi_sacked (tcp_get_info); ss hides it.
      nonZero(sb, i, TcpInfoField.SACKED, "sacked:");
    }
    nonZero(sb, i, TcpInfoField.DSACK_DUPS, "dsack_dups:");
    nonZero(sb, i, TcpInfoField.FACKETS, "fackets:");
    OptionalLong reordering = i.find(TcpInfoField.REORDERING);
    if (reordering.isPresent() && reordering.getAsLong() != REORDERING_DEFAULT) {
      word(sb, "reordering:" + reordering.getAsLong());
    }
    nonZero(sb, i, TcpInfoField.REORD_SEEN, "reord_seen:");
    OptionalLong rcvRtt = i.find(TcpInfoField.RCV_RTT);
    if (rcvRtt.isPresent() && rcvRtt.getAsLong() != 0) {
      word(sb, "rcv_rtt:" + microsAsMillis(rcvRtt.getAsLong()));
    }
    nonZero(sb, i, TcpInfoField.RCV_SPACE, "rcv_space:");
    nonZero(sb, i, TcpInfoField.RCV_SSTHRESH, "rcv_ssthresh:");
    nonZero(sb, i, TcpInfoField.NOTSENT_BYTES, "notsent:");
    OptionalLong minRtt = i.find(TcpInfoField.MIN_RTT);
    if (minRtt.isPresent() && minRtt.getAsLong() != 0 && minRtt.getAsLong() != 0xffffffffL) {
      word(sb, "minrtt:" + microsAsMillis(minRtt.getAsLong()));
    }
    nonZero(sb, i, TcpInfoField.SND_WND, "snd_wnd:");
    nonZero(sb, i, TcpInfoField.RCV_WND, "rcv_wnd:");
    nonZero(sb, i, TcpInfoField.REHASH, "rehash:");
  }

  private static void nonZero(StringBuilder sb, TcpInfo info, TcpInfoField field, String label) {
    OptionalLong v = info.find(field);
    if (v.isPresent() && v.getAsLong() != 0) {
      word(sb, label + v.getAsLong());
    }
  }

  private static void nonZeroMillis(
      StringBuilder sb, TcpInfo info, TcpInfoField field, String label) {
    OptionalLong v = info.find(field);
    if (v.isPresent() && v.getAsLong() != 0) {
      word(sb, label + microsAsMillis(v.getAsLong()));
    }
  }

  private static void flagWord(StringBuilder sb, long options, int bit, String name) {
    if ((options & bit) != 0) {
      word(sb, name);
    }
  }

  private static void word(StringBuilder sb, String word) {
    if (sb.length() > 0) {
      sb.append(' ');
    }
    sb.append(word);
  }

  /** Microseconds as milliseconds the way ss's %g shows them: 29 µs is 0.029, 204000 is 204. */
  static String microsAsMillis(long micros) {
    return BigDecimal.valueOf(micros, 3).stripTrailingZeros().toPlainString();
  }

  /**
   * A timer's remaining time as ss -o prints it (print_ms_timer in misc/ss.c): 200ms, 1.250ms
   * (seconds and milliseconds), 27sec, 1min5sec, 12min; an expired timer as nothing.
   */
  static String millisText(long timeoutMillis) {
    long secs = timeoutMillis / 1000;
    long minutes = secs / 60;
    secs %= 60;
    long millis = timeoutMillis % 1000;
    StringBuilder sb = new StringBuilder();
    if (minutes != 0) {
      millis = 0;
      sb.append(minutes).append("min");
      if (minutes > 9) {
        secs = 0;
      }
    }
    if (secs != 0) {
      if (secs > 9) {
        millis = 0;
      }
      sb.append(secs).append(millis != 0 ? "." : "sec");
    }
    if (millis != 0) {
      sb.append(String.format(java.util.Locale.ROOT, "%03dms", millis));
    }
    return sb.toString();
  }
}
