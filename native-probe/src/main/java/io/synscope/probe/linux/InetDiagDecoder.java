package io.synscope.probe.linux;

import io.synscope.probe.DataSource;
import io.synscope.probe.IpFamily;
import io.synscope.probe.MalformedDataException;
import io.synscope.probe.NativeCallException;
import io.synscope.probe.SocketMemory;
import io.synscope.probe.SocketQuery;
import io.synscope.probe.SocketTimer;
import io.synscope.probe.SocketView;
import io.synscope.probe.SocketViewVisitor;
import io.synscope.probe.SocketVisitor;
import io.synscope.probe.TcpInfo;
import io.synscope.probe.TcpInfoField;
import io.synscope.probe.TcpSocket;
import io.synscope.probe.TcpState;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Decodes the kernel's answer to a SOCK_DIAG_BY_FAMILY dump: a buffer of netlink messages, each
 * {@code struct nlmsghdr} + {@code struct inet_diag_msg} + rtattr attributes (layouts in {@link
 * Netlink} and {@link InetDiag}). Pure: it reads bytes and calls the visitor, no system calls.
 *
 * <p>A socket's state, ports and inode are read straight from the buffer and checked against the
 * query first; only a socket that passes is materialised (its addresses, attributes and record),
 * so sockets the query filters out cost no allocation. Their attributes are not examined either.
 *
 * <p>Every length is checked before it is used: a message or attribute that runs past its
 * container gives a {@link MalformedDataException} naming the problem and its byte offset in the
 * buffer. An error the kernel reports (NLMSG_ERROR, or NLMSG_DONE carrying a negative errno) gives
 * a {@link NativeCallException}. Messages of other types, of another sequence number (left over
 * from an earlier, abandoned dump), and unknown attributes are skipped.
 *
 * <p>IPv6 addresses stay {@link Inet6Address}es even when IPv4-mapped ({@code ::ffff:a.b.c.d}),
 * which {@link InetAddress#getByAddress(byte[])} would turn into IPv4 addresses: the socket is an
 * IPv6 socket, as {@code ss} shows it; {@link io.synscope.probe.InetAddressText} prints them as
 * {@code ss} does. A link-local IPv6 address carries the socket's interface index as its scope.
 *
 * <p>One decoder serves one dump at a time; not thread-safe.
 */
public final class InetDiagDecoder {
  private static final int MSG_START = Netlink.HEADER_SIZE;
  private static final int ATTRS_START = MSG_START + Netlink.align(InetDiag.MSG_SIZE);

  private SocketQuery query;
  private SocketViewVisitor visitor;
  private boolean stopped;
  private final InPlaceView view = new InPlaceView();
  private int sequence;
  private String operation = "SOCK_DIAG_BY_FAMILY dump";
  private byte[] lastCongestionBytes = new byte[0];

  private static final int ADDRESS_CACHE = 8;
  private final byte[][] cachedBytes = new byte[ADDRESS_CACHE][];
  private final int[] cachedScopes = new int[ADDRESS_CACHE];
  private final InetAddress[] cachedAddresses = new InetAddress[ADDRESS_CACHE];
  private int nextCacheSlot;
  private String lastCongestion;

  /** Starts a dump: sockets that pass {@code query} go to {@code visitor} as records. */
  public void start(SocketQuery query, SocketVisitor visitor) {
    startViews(query, v -> visitor.visit(v.toSocket()));
  }

  /** Starts a dump: sockets that pass {@code query} go to {@code visitor} as views in place. */
  public void startViews(SocketQuery query, SocketViewVisitor visitor) {
    this.query = query;
    this.visitor = visitor;
    this.stopped = false;
  }

  /**
   * Expects the answer to the request with this sequence number.
   *
   * @param operation the request, named in the exception when the kernel reports an error
   */
  public void expect(int sequence, String operation) {
    this.sequence = sequence;
    this.operation = operation;
  }

  /** True once the visitor asked to stop; the rest of the answer is read but not visited. */
  public boolean stopped() {
    return stopped;
  }

  /**
   * Decodes the messages in {@code [position, limit)} of the buffer (native byte order), advancing
   * its position to the limit.
   *
   * @return true when the buffer ended the dump (NLMSG_DONE of the expected sequence)
   * @throws MalformedDataException when a length is inconsistent
   * @throws NativeCallException when the kernel reports an error
   */
  public boolean decode(ByteBuffer buffer) {
    if (buffer.order() != ByteOrder.nativeOrder()) {
      throw new IllegalArgumentException("netlink messages are in native byte order");
    }
    int limit = buffer.limit();
    int pos = buffer.position();
    try {
      while (pos < limit) {
        int remaining = limit - pos;
        if (remaining < Netlink.HEADER_SIZE) {
          throw malformed(
              "truncated nlmsghdr: " + remaining + " bytes left, 16 needed", pos);
        }
        int length = buffer.getInt(pos + Netlink.LEN_OFFSET);
        if (length < Netlink.HEADER_SIZE) {
          throw malformed(
              "nlmsg_len " + Integer.toUnsignedString(length)
                  + " is less than the 16-byte nlmsghdr",
              pos);
        }
        if (length > remaining) {
          throw malformed(
              "nlmsg_len " + length + " runs past the " + remaining + " bytes left in the buffer",
              pos);
        }
        int type = buffer.getShort(pos + Netlink.TYPE_OFFSET) & 0xffff;
        if (buffer.getInt(pos + Netlink.SEQ_OFFSET) == sequence) {
          if (type == InetDiag.SOCK_DIAG_BY_FAMILY) {
            if (!stopped) {
              socket(buffer, pos, length);
            }
          } else if (type == Netlink.NLMSG_DONE) {
            checkDone(buffer, pos, length);
            return true;
          } else if (type == Netlink.NLMSG_ERROR) {
            checkError(buffer, pos, length);
          }
        }
        pos += Math.min(Netlink.align(length), limit - pos);
      }
      return false;
    } finally {
      buffer.position(limit);
    }
  }

  /**
   * True if the datagram in the buffer (position 0 to limit) holds the end (NLMSG_DONE or
   * NLMSG_ERROR) of dump {@code seq}. Never throws: a message with an impossible length ends the
   * walk through this datagram.
   */
  static boolean endsDump(ByteBuffer b, int seq) {
    int limit = b.limit();
    int pos = 0;
    while (limit - pos >= Netlink.HEADER_SIZE) {
      int length = b.getInt(pos + Netlink.LEN_OFFSET);
      if (length < Netlink.HEADER_SIZE || length > limit - pos) {
        return false;
      }
      int type = b.getShort(pos + Netlink.TYPE_OFFSET) & 0xffff;
      if (b.getInt(pos + Netlink.SEQ_OFFSET) == seq
          && (type == Netlink.NLMSG_DONE || type == Netlink.NLMSG_ERROR)) {
        return true;
      }
      pos += Netlink.align(length);
    }
    return false;
  }

  private void checkDone(ByteBuffer b, int pos, int length) {
    // A dump's NLMSG_DONE carries an int: 0, or a negative errno when the dump failed part-way
    // or no handler answered (-ENOENT). Older kernels may send the bare header.
    if (length >= MSG_START + 4) {
      int error = b.getInt(pos + MSG_START);
      if (error < 0) {
        throw kernelError(error);
      }
    }
  }

  private void checkError(ByteBuffer b, int pos, int length) {
    if (length < MSG_START + 4) {
      throw malformed(
          "NLMSG_ERROR of " + length + " bytes has no room for struct nlmsgerr's error", pos);
    }
    int error = b.getInt(pos + MSG_START);
    if (error != 0) {
      throw kernelError(error);
    }
    // error 0 is an acknowledgement, which a dump does not ask for: nothing to report.
  }

  private NativeCallException kernelError(int error) {
    int errno = error == Integer.MIN_VALUE ? Integer.MAX_VALUE : Math.abs(error);
    return new NativeCallException(operation, errno, Errno.describe(errno));
  }

  private void socket(ByteBuffer b, int pos, int length) {
    if (length < MSG_START + InetDiag.MSG_SIZE) {
      throw malformed(
          "SOCK_DIAG_BY_FAMILY message of " + length
              + " bytes is shorter than nlmsghdr + inet_diag_msg (88 bytes)",
          pos);
    }
    int m = pos + MSG_START;
    int kernelState = b.get(m + InetDiag.MSG_STATE) & 0xff;
    if (!query.matchesState(kernelState)) {
      return;
    }
    TcpState state = TcpState.fromKernel(kernelState);
    if (state == null) {
      // A pseudo-state newer than this code (TCP_BOUND_INACTIVE): not asked for, not a connection.
      return;
    }
    int localPort = port(b, m + InetDiag.MSG_SPORT);
    int remotePort = port(b, m + InetDiag.MSG_DPORT);
    if (!query.matchesPorts(localPort, remotePort)) {
      return;
    }
    long inode = u32(b, m + InetDiag.MSG_INODE);
    if (!query.matchesInode(inode)) {
      return;
    }
    int af = b.get(m + InetDiag.MSG_FAMILY) & 0xff;
    IpFamily family;
    if (af == InetDiag.AF_INET) {
      family = IpFamily.IPV4;
    } else if (af == InetDiag.AF_INET6) {
      family = IpFamily.IPV6;
    } else {
      throw malformed("inet_diag_msg has unknown idiag_family " + af, m);
    }
    InPlaceView v = view;
    v.buf = b;
    v.m = m;
    v.family = family;
    v.state = state;
    v.localPort = localPort;
    v.remotePort = remotePort;
    v.inode = inode;
    v.infoAt = -1;
    v.infoLength = 0;
    v.memoryAt = -1;
    v.memoryLength = 0;
    v.congestionAt = -1;
    v.congestionLength = 0;
    int end = pos + length;
    int a = pos + ATTRS_START;
    while (a < end) {
      if (end - a < InetDiag.RTA_HEADER_SIZE) {
        throw malformed(
            "truncated rtattr: " + (end - a) + " bytes left in the message, 4 needed", a);
      }
      int attrLength = b.getShort(a) & 0xffff;
      int attrType = b.getShort(a + 2) & 0xffff;
      if (attrLength < InetDiag.RTA_HEADER_SIZE) {
        throw malformed(
            "rtattr type " + attrType + " has rta_len " + attrLength
                + ", less than its 4-byte header",
            a);
      }
      if (attrLength > end - a) {
        throw malformed(
            "rtattr type " + attrType + " of rta_len " + attrLength
                + " runs past its message, which ends at offset " + end,
            a);
      }
      int payload = a + InetDiag.RTA_HEADER_SIZE;
      int payloadLength = attrLength - InetDiag.RTA_HEADER_SIZE;
      switch (attrType) {
        case InetDiag.INET_DIAG_INFO:
          v.infoAt = payload;
          v.infoLength = payloadLength;
          break;
        case InetDiag.INET_DIAG_SKMEMINFO:
          if (payloadLength < InetDiag.SKMEMINFO_REQUIRED * 4) {
            throw malformed(
                "INET_DIAG_SKMEMINFO of " + payloadLength + " bytes holds fewer than the "
                    + InetDiag.SKMEMINFO_REQUIRED + " u32 counters every kernel sends",
                a);
          }
          v.memoryAt = payload;
          v.memoryLength = payloadLength;
          break;
        case InetDiag.INET_DIAG_CONG:
          v.congestionAt = payload;
          v.congestionLength = payloadLength;
          break;
        default:
          break;
      }
      a += Math.min(Netlink.align(attrLength), end - a);
    }
    if (!visitor.visit(v)) {
      stopped = true;
    }
  }

  /**
   * The socket of the message being decoded, read from the buffer when asked. One instance,
   * pointed at each message in turn.
   */
  private final class InPlaceView implements SocketView {
    ByteBuffer buf;
    int m;
    IpFamily family;
    TcpState state;
    int localPort;
    int remotePort;
    long inode;
    int infoAt;
    int infoLength;
    int memoryAt;
    int memoryLength;
    int congestionAt;
    int congestionLength;

    @Override
    public IpFamily family() {
      return family;
    }

    @Override
    public TcpState state() {
      return state;
    }

    @Override
    public InetAddress localAddress() {
      return address(buf, m + InetDiag.MSG_SRC, family, buf.getInt(m + InetDiag.MSG_IF));
    }

    @Override
    public int localPort() {
      return localPort;
    }

    @Override
    public InetAddress remoteAddress() {
      return address(buf, m + InetDiag.MSG_DST, family, buf.getInt(m + InetDiag.MSG_IF));
    }

    @Override
    public int remotePort() {
      return remotePort;
    }

    @Override
    public long recvQ() {
      return u32(buf, m + InetDiag.MSG_RQUEUE);
    }

    @Override
    public long sendQ() {
      return u32(buf, m + InetDiag.MSG_WQUEUE);
    }

    @Override
    public long inode() {
      return inode;
    }

    @Override
    public long uid() {
      return u32(buf, m + InetDiag.MSG_UID);
    }

    @Override
    public SocketTimer timer() {
      return SocketTimer.fromKernel(buf.get(m + InetDiag.MSG_TIMER) & 0xff);
    }

    @Override
    public int retransmits() {
      return buf.get(m + InetDiag.MSG_RETRANS) & 0xff;
    }

    @Override
    public long timerExpiresMillis() {
      return u32(buf, m + InetDiag.MSG_EXPIRES);
    }

    @Override
    public long cookie() {
      return u32(buf, m + InetDiag.MSG_COOKIE) | (u32(buf, m + InetDiag.MSG_COOKIE + 4) << 32);
    }

    @Override
    public DataSource source() {
      return DataSource.NETLINK;
    }

    @Override
    public boolean hasTcpInfo() {
      return infoAt >= 0;
    }

    @Override
    public boolean hasTcpInfo(TcpInfoField field) {
      return infoAt >= 0 && field.presentIn(infoLength);
    }

    @Override
    public long tcpInfo(TcpInfoField field) {
      if (!hasTcpInfo(field)) {
        throw new IllegalStateException(
            "tcp_info of " + (infoAt < 0 ? "no" : Integer.toString(infoLength))
                + " bytes has no field " + field.key());
      }
      return field.readFrom(buf, infoAt);
    }

    @Override
    public TcpSocket toSocket() {
      return new TcpSocket(
          family,
          state,
          localAddress(),
          localPort,
          remoteAddress(),
          remotePort,
          recvQ(),
          sendQ(),
          inode,
          uid(),
          timer(),
          retransmits(),
          timerExpiresMillis(),
          cookie(),
          infoAt < 0 ? null : InetDiagDecoder.tcpInfo(buf, infoAt, infoLength),
          memoryAt < 0 ? null : memory(buf, memoryAt, memoryLength),
          congestionAt < 0 ? null : congestion(buf, congestionAt, congestionLength),
          DataSource.NETLINK);
    }
  }

  private static TcpInfo tcpInfo(ByteBuffer b, int payload, int payloadLength) {
    int saved = b.position();
    b.position(payload);
    try {
      return TcpInfo.decode(b, payloadLength);
    } finally {
      b.position(saved);
    }
  }

  /** Socket memory counters; the payload's length was checked when the message was read. */
  private static SocketMemory memory(ByteBuffer b, int payload, int payloadLength) {
    long drops =
        payloadLength >= (InetDiag.SKMEMINFO_DROPS + 1) * 4
            ? u32(b, payload + InetDiag.SKMEMINFO_DROPS * 4)
            : -1;
    return new SocketMemory(
        u32(b, payload),
        u32(b, payload + 4),
        u32(b, payload + 8),
        u32(b, payload + 12),
        u32(b, payload + 16),
        u32(b, payload + 20),
        u32(b, payload + 24),
        u32(b, payload + 28),
        drops);
  }

  /** The NUL-terminated name; the previous name is reused when the bytes are the same. */
  private String congestion(ByteBuffer b, int payload, int payloadLength) {
    int n = 0;
    while (n < payloadLength && b.get(payload + n) != 0) {
      n++;
    }
    byte[] last = lastCongestionBytes;
    if (lastCongestion != null && last.length == n) {
      boolean same = true;
      for (int i = 0; i < n && same; i++) {
        same = b.get(payload + i) == last[i];
      }
      if (same) {
        return lastCongestion;
      }
    }
    byte[] bytes = new byte[n];
    for (int i = 0; i < n; i++) {
      bytes[i] = b.get(payload + i);
    }
    lastCongestionBytes = bytes;
    lastCongestion = new String(bytes, StandardCharsets.US_ASCII);
    return lastCongestion;
  }

  /**
   * The address at {@code at}. A dump repeats a few addresses thousands of times (the host's own,
   * loopback), so recent ones are kept: InetAddress is immutable and can be shared.
   */
  private InetAddress address(ByteBuffer b, int at, IpFamily family, int ifIndex) {
    int size = family == IpFamily.IPV4 ? 4 : 16;
    boolean linkLocal =
        family == IpFamily.IPV6 && b.get(at) == (byte) 0xfe && (b.get(at + 1) & 0xc0) == 0x80;
    int scope = linkLocal && ifIndex > 0 ? ifIndex : -1;
    for (int i = 0; i < ADDRESS_CACHE; i++) {
      byte[] k = cachedBytes[i];
      if (k != null && k.length == size && cachedScopes[i] == scope && sameBytes(b, at, k)) {
        return cachedAddresses[i];
      }
    }
    byte[] a = new byte[size];
    b.get(at, a);
    InetAddress address = family.address(a, scope);
    int slot = nextCacheSlot;
    nextCacheSlot = (slot + 1) % ADDRESS_CACHE;
    cachedBytes[slot] = a;
    cachedScopes[slot] = scope;
    cachedAddresses[slot] = address;
    return address;
  }

  private static boolean sameBytes(ByteBuffer b, int at, byte[] k) {
    for (int i = 0; i < k.length; i++) {
      if (b.get(at + i) != k[i]) {
        return false;
      }
    }
    return true;
  }

  /** A big-endian (__be16) port. */
  private static int port(ByteBuffer b, int at) {
    return ((b.get(at) & 0xff) << 8) | (b.get(at + 1) & 0xff);
  }

  private static long u32(ByteBuffer b, int at) {
    return b.getInt(at) & 0xffff_ffffL;
  }

  private static MalformedDataException malformed(String problem, int offset) {
    return new MalformedDataException(
        "inet_diag answer: " + problem + " (at byte offset " + offset + ")");
  }
}
