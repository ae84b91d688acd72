package io.synscope.probe;

/**
 * The fields of {@code struct tcp_info} ({@code include/uapi/linux/tcp.h}) by name, offset and
 * width. The kernel only ever appends to the struct and reports its length, so a field is present
 * exactly when {@code offset + width <= length}: older kernels give a prefix, newer kernels more
 * bytes than listed here, which are ignored. The bit fields at offsets 6 and 7 (window scales,
 * app-limited, fastopen) are not decoded.
 *
 * <p>{@link #key()} is the kernel's name without {@code tcpi_}; units are the kernel's.
 */
public enum TcpInfoField {
  /** TCP state number (include/net/tcp_states.h). */
  STATE(0, 1),
  /** Congestion avoidance state (TCP_CA_Open = 0, Disorder, CWR, Recovery, Loss). */
  CA_STATE(1, 1),
  /** Retransmissions of the pending timer: for a connecting socket, SYNs retransmitted so far. */
  RETRANSMITS(2, 1),
  /** Zero window or keep-alive probes sent unanswered. */
  PROBES(3, 1),
  /** Exponential backoff of the retransmission timer. */
  BACKOFF(4, 1),
  /** TCPI_OPT_* bits negotiated (timestamps, sack, wscale, ecn, ...). */
  OPTIONS(5, 1),
  /** Retransmission timeout, microseconds. */
  RTO(8, 4),
  /** Delayed ACK timeout, microseconds. */
  ATO(12, 4),
  /** Send maximum segment size, bytes. */
  SND_MSS(16, 4),
  /** Receive maximum segment size estimate, bytes. */
  RCV_MSS(20, 4),
  /** Segments sent and not yet acknowledged. */
  UNACKED(24, 4),
  /** Segments selectively acknowledged. */
  SACKED(28, 4),
  /** Segments considered lost. */
  LOST(32, 4),
  /** Segments retransmitted and not yet acknowledged. */
  RETRANS(36, 4),
  /** Forward acknowledged segments (unused since 4.x). */
  FACKETS(40, 4),
  /** Milliseconds since data was last sent. */
  LAST_DATA_SENT(44, 4),
  /** Not remembered by the kernel, always 0. */
  LAST_ACK_SENT(48, 4),
  /** Milliseconds since data was last received. */
  LAST_DATA_RECV(52, 4),
  /** Milliseconds since an ACK was last received (kept in jiffies). */
  LAST_ACK_RECV(56, 4),
  /** Path MTU, bytes. */
  PMTU(60, 4),
  /** Receive slow start threshold, bytes. */
  RCV_SSTHRESH(64, 4),
  /** Smoothed round trip time, microseconds. */
  RTT(68, 4),
  /** Round trip time variation, microseconds. */
  RTTVAR(72, 4),
  /** Send slow start threshold, segments. */
  SND_SSTHRESH(76, 4),
  /** Congestion window, segments. */
  SND_CWND(80, 4),
  /** Advertised maximum segment size, bytes. */
  ADVMSS(84, 4),
  /** Reordering metric, segments. */
  REORDERING(88, 4),
  /** Receiver-side round trip time estimate, microseconds. */
  RCV_RTT(92, 4),
  /** Receive buffer space auto-tuning target, bytes. */
  RCV_SPACE(96, 4),
  /** Segments retransmitted over the connection's life; on an accepted socket it includes the SYN-ACK retransmits of its handshake. */
  TOTAL_RETRANS(100, 4),
  /** Pacing rate, bytes per second. */
  PACING_RATE(104, 8),
  /** Maximum pacing rate, bytes per second. */
  MAX_PACING_RATE(112, 8),
  /** Bytes acknowledged by the peer (RFC 4898 tcpEStatsAppHCThruOctetsAcked). */
  BYTES_ACKED(120, 8),
  /** Bytes received (RFC 4898 tcpEStatsAppHCThruOctetsReceived). */
  BYTES_RECEIVED(128, 8),
  /** Segments sent (RFC 4898 tcpEStatsPerfSegsOut). */
  SEGS_OUT(136, 4),
  /** Segments received (RFC 4898 tcpEStatsPerfSegsIn). */
  SEGS_IN(140, 4),
  /** Bytes in the send queue not yet sent. */
  NOTSENT_BYTES(144, 4),
  /** Minimum round trip time seen, microseconds. */
  MIN_RTT(148, 4),
  /** Data segments received (RFC 4898 tcpEStatsDataSegsIn). */
  DATA_SEGS_IN(152, 4),
  /** Data segments sent (RFC 4898 tcpEStatsDataSegsOut). */
  DATA_SEGS_OUT(156, 4),
  /** Most recent delivery rate, bytes per second. */
  DELIVERY_RATE(160, 8),
  /** Time busy sending data, microseconds. */
  BUSY_TIME(168, 8),
  /** Time limited by the receive window, microseconds. */
  RWND_LIMITED(176, 8),
  /** Time limited by the send buffer, microseconds. */
  SNDBUF_LIMITED(184, 8),
  /** Segments delivered, retransmissions included. */
  DELIVERED(192, 4),
  /** Segments delivered with ECN CE marks. */
  DELIVERED_CE(196, 4),
  /** Bytes sent, retransmissions included (RFC 4898 tcpEStatsPerfHCDataOctetsOut). */
  BYTES_SENT(200, 8),
  /** Bytes retransmitted (RFC 4898 tcpEStatsPerfOctetsRetrans). */
  BYTES_RETRANS(208, 8),
  /** Duplicate segments reported by DSACK. */
  DSACK_DUPS(216, 4),
  /** Reordering events seen. */
  REORD_SEEN(220, 4),
  /** Out-of-order packets received. */
  RCV_OOOPACK(224, 4),
  /** Peer's advertised receive window, bytes. */
  SND_WND(228, 4),
  /** Local receive window, bytes (kernel 6.7+). */
  RCV_WND(232, 4),
  /** PLB or timeout triggered rehash attempts (kernel 6.7+). */
  REHASH(236, 4),
  /** RTO timeouts, SYN retransmit timeouts included (kernel 6.7+). */
  TOTAL_RTO(240, 2),
  /** RTO recovery episodes (kernel 6.7+). */
  TOTAL_RTO_RECOVERIES(242, 2),
  /** Time spent in RTO recoveries, milliseconds (kernel 6.7+). */
  TOTAL_RTO_TIME(244, 4),
  /** CE marks received (kernel 6.18+). */
  RECEIVED_CE(248, 4);

  private final int offset;
  private final int width;
  private final String key;

  TcpInfoField(int offset, int width) {
    this.offset = offset;
    this.width = width;
    this.key = name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Byte offset in the struct. */
  public int offset() {
    return offset;
  }

  /** Width in bytes: 1, 2, 4 or 8. */
  public int width() {
    return width;
  }

  /** The kernel's field name without the {@code tcpi_} prefix, e.g. {@code total_retrans}. */
  public String key() {
    return key;
  }

  /** True if a struct of {@code length} bytes contains this field. */
  public boolean presentIn(int length) {
    return offset + width <= length;
  }

  /**
   * Reads this field, unsigned (64-bit fields as the kernel's bits), of the struct that starts at
   * {@code structStart} in a buffer of native byte order.
   */
  public long readFrom(java.nio.ByteBuffer nativeOrder, int structStart) {
    int at = structStart + offset;
    switch (width) {
      case 1:
        return nativeOrder.get(at) & 0xffL;
      case 2:
        return nativeOrder.getShort(at) & 0xffffL;
      case 4:
        return nativeOrder.getInt(at) & 0xffffffffL;
      default:
        return nativeOrder.getLong(at);
    }
  }
}
