package io.synscope.probe;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.OptionalLong;

/**
 * A decoded {@code struct tcp_info}, from netlink (INET_DIAG_INFO) or from getsockopt(TCP_INFO).
 *
 * <p>Decoded by the length the kernel reported (see {@link TcpInfoField}): a field the kernel did
 * not send is absent, never zero. The accessors for fields that every kernel since 4.10 has
 * return plain values and throw if a (very old or truncated) struct lacks them; the others return
 * {@link OptionalLong}.
 */
public final class TcpInfo {
  private static final TcpInfoField[] FIELDS = TcpInfoField.values();

  /** The bytes this class knows how to read; a longer struct's tail is not kept. */
  private static final int KNOWN_LENGTH = knownLength();

  /** The kernel's bytes, fields read from them on demand: a dump decodes many, reads few. */
  private final ByteBuffer raw;

  private final int length;

  private TcpInfo(byte[] raw, int length) {
    this.raw = ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder());
    this.length = length;
  }

  /**
   * Decodes the struct at the buffer's position, {@code length} bytes long, in native byte order.
   * The buffer's position is not changed.
   *
   * @throws IllegalArgumentException if {@code length} is negative or runs past the buffer's limit
   */
  public static TcpInfo decode(ByteBuffer buffer, int length) {
    int base = buffer.position();
    if (length < 0 || length > buffer.limit() - base) {
      throw new IllegalArgumentException(
          "tcp_info of " + length + " bytes at offset " + base + " runs past the buffer's "
              + buffer.limit() + " bytes");
    }
    byte[] raw = new byte[Math.min(length, KNOWN_LENGTH)];
    buffer.get(base, raw);
    return new TcpInfo(raw, length);
  }

  private static int knownLength() {
    int n = 0;
    for (TcpInfoField f : TcpInfoField.values()) {
      n = Math.max(n, f.offset() + f.width());
    }
    return n;
  }

  private long value(TcpInfoField f) {
    return f.readFrom(raw, 0);
  }


  /** The struct's length as the kernel reported it, in bytes. */
  public int length() {
    return length;
  }

  /** True if the kernel's struct contains the field. */
  public boolean has(TcpInfoField field) {
    return field.presentIn(length);
  }

  /** The field's value, or empty when the kernel's struct is too short to hold it. */
  public OptionalLong find(TcpInfoField field) {
    return has(field) ? OptionalLong.of(value(field)) : OptionalLong.empty();
  }

  /**
   * The field's value.
   *
   * @throws IllegalStateException naming the field and the struct's length when it is absent
   */
  public long get(TcpInfoField field) {
    if (!has(field)) {
      throw new IllegalStateException(
          "tcp_info of " + length + " bytes has no field " + field.key());
    }
    return value(field);
  }

  /** The kernel's state number (see {@link TcpState#fromKernel}). */
  public int state() {
    return (int) get(TcpInfoField.STATE);
  }

  /** Retransmissions of the pending timer; while connecting, SYNs retransmitted so far. */
  public int retransmits() {
    return (int) get(TcpInfoField.RETRANSMITS);
  }

  /** Retransmission timeout, microseconds. */
  public long rtoMicros() {
    return get(TcpInfoField.RTO);
  }

  /** Smoothed round trip time, microseconds. */
  public long rttMicros() {
    return get(TcpInfoField.RTT);
  }

  /** Round trip time variation, microseconds. */
  public long rttVarMicros() {
    return get(TcpInfoField.RTTVAR);
  }

  /** Milliseconds since data was last sent. */
  public long lastDataSentMillis() {
    return get(TcpInfoField.LAST_DATA_SENT);
  }

  /** Milliseconds since data was last received. */
  public long lastDataRecvMillis() {
    return get(TcpInfoField.LAST_DATA_RECV);
  }

  /** Milliseconds since an ACK was last received; kept in jiffies by the kernel. */
  public long lastAckRecvMillis() {
    return get(TcpInfoField.LAST_ACK_RECV);
  }

  /** Congestion window, segments. */
  public long sndCwnd() {
    return get(TcpInfoField.SND_CWND);
  }

  /** Segments retransmitted over the connection's life (SYN-ACK retransmits included). */
  public long totalRetrans() {
    return get(TcpInfoField.TOTAL_RETRANS);
  }

  /** Bytes acknowledged by the peer. */
  public long bytesAcked() {
    return get(TcpInfoField.BYTES_ACKED);
  }

  /** Bytes received. */
  public long bytesReceived() {
    return get(TcpInfoField.BYTES_RECEIVED);
  }

  /** Segments sent. */
  public long segsOut() {
    return get(TcpInfoField.SEGS_OUT);
  }

  /** Segments received. */
  public long segsIn() {
    return get(TcpInfoField.SEGS_IN);
  }

  /** Minimum round trip time seen, microseconds. */
  public long minRttMicros() {
    return get(TcpInfoField.MIN_RTT);
  }

  /** Most recent delivery rate, bytes per second. */
  public long deliveryRate() {
    return get(TcpInfoField.DELIVERY_RATE);
  }

  /** RTO timeouts over the connection's life, SYN timeouts included (kernel 6.7+). */
  public OptionalLong totalRto() {
    return find(TcpInfoField.TOTAL_RTO);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("TcpInfo{length=").append(length);
    for (TcpInfoField f : FIELDS) {
      if (has(f)) {
        sb.append(", ").append(f.key()).append('=').append(value(f));
      }
    }
    return sb.append('}').toString();
  }
}
