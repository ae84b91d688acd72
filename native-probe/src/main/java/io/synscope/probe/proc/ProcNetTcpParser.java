package io.synscope.probe.proc;

import io.synscope.probe.DataSource;
import io.synscope.probe.IpFamily;
import io.synscope.probe.MalformedDataException;
import io.synscope.probe.SocketQuery;
import io.synscope.probe.SocketTimer;
import io.synscope.probe.SocketVisitor;
import io.synscope.probe.TcpSocket;
import io.synscope.probe.TcpState;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Set;

/**
 * Parses the text of {@code /proc/net/tcp} and {@code /proc/net/tcp6}, as printed by {@code
 * get_tcp4_sock}, {@code get_openreq4} and {@code get_timewait4_sock} in {@code
 * net/ipv4/tcp_ipv4.c} (and their IPv6 twins in {@code net/ipv6/tcp_ipv6.c}).
 *
 * <p>Columns, by meaning: {@code sl}, {@code local_address}, {@code rem_address}, {@code st},
 * {@code tx_queue:rx_queue}, {@code tr:tm->when}, {@code retrnsmt}, {@code uid}, {@code timeout},
 * {@code inode}, then columns this parser does not use. Addresses are the kernel's {@code __be32}
 * words printed with {@code %08X} as the CPU reads them, so their bytes come out in the host's
 * byte order; ports are printed in host order.
 */
final class ProcNetTcpParser {
  /** {@code USER_HZ}: the timer column is in clock ticks ({@code jiffies_delta_to_clock_t}). */
  static final int USER_HZ = 100;

  /** Columns parsed: sl through inode. */
  private static final int PARSED_COLUMNS = 10;

  /**
   * Columns every line has: the shortest, of request and TIME_WAIT sockets, end with a reference
   * count and a pointer. Requiring them catches a line cut short inside the inode column.
   */
  private static final int MIN_COLUMNS = 12;
  private static final int MAX_QUOTED = 160;

  private final String fileName;
  private final IpFamily family;
  private final ByteOrder addressOrder;
  private final int addressHexDigits;
  private final int[] starts = new int[PARSED_COLUMNS];
  private final int[] ends = new int[PARSED_COLUMNS];
  private String line;
  private int lineNumber;

  /**
   * @param fileName the file's name for messages, e.g. {@code /proc/net/tcp}
   * @param family IPv4 for tcp, IPv6 for tcp6
   * @param addressOrder the byte order of the host that printed the file
   */
  ProcNetTcpParser(String fileName, IpFamily family, ByteOrder addressOrder) {
    this.fileName = fileName;
    this.family = family;
    this.addressOrder = addressOrder;
    this.addressHexDigits = family == IpFamily.IPV4 ? 8 : 32;
  }

  /**
   * Parses every line, handing the sockets that pass the query to the visitor.
   *
   * @return false if the visitor stopped the dump
   * @throws MalformedDataException naming the file, the line and what was wrong
   */
  boolean parse(BufferedReader reader, SocketQuery query, SocketVisitor visitor)
      throws IOException {
    lineNumber = 0;
    String header = reader.readLine();
    if (header == null) {
      throw new MalformedDataException(fileName + ": empty file, expected the header line");
    }
    lineNumber = 1;
    if (!header.trim().startsWith("sl ")) {
      line = header;
      throw malformed("expected the header line starting with 'sl'");
    }
    // The kernel prints this file a buffer at a time and finds its place again by counting
    // sockets, so a socket opened or closed meanwhile in an earlier hash bucket shifts the count
    // and the next buffer can start with a socket printed already. A socket with an inode is
    // one socket: the second sighting is left out.
    Set<Long> inodes = new HashSet<>();
    while ((line = reader.readLine()) != null) {
      lineNumber++;
      TcpSocket socket = parseLine(query);
      if (socket == null || (socket.inode() != 0 && !inodes.add(socket.inode()))) {
        continue;
      }
      if (!visitor.visit(socket)) {
        return false;
      }
    }
    return true;
  }

  /** The socket on the current line, or null when the query filters it out. */
  private TcpSocket parseLine(SocketQuery query) {
    split();
    int state = (int) hex(3, 0, 2, "state");
    TcpState tcpState = TcpState.fromKernel(state);
    if (tcpState == null) {
      throw malformed("unknown state 0x" + Integer.toHexString(state));
    }
    if (!query.matchesState(state)) {
      return null;
    }
    int localPort = port(1);
    int remotePort = port(2);
    if (!query.matchesPorts(localPort, remotePort)) {
      return null;
    }
    long inode = decimal(9, "inode");
    if (!query.matchesInode(inode)) {
      return null;
    }
    // sl is checked although unused, so that a line cut short at its start is not misread.
    checkSlot();
    InetAddress local = address(1);
    InetAddress remote = address(2);
    int colon = colonIn(4, "tx_queue:rx_queue");
    long txQueue = hex(4, 0, colon, "tx_queue");
    long rxQueue = hex(4, colon + 1, width(4), "rx_queue");
    colon = colonIn(5, "tr:tm->when");
    int timerCode = (int) hex(5, 0, colon, "timer");
    if (timerCode > 4) {
      throw malformed("unknown timer " + timerCode);
    }
    long whenTicks = hex(5, colon + 1, width(5), "tm->when");
    if (whenTicks > Long.MAX_VALUE / 1000) {
      throw malformed("tm->when of " + whenTicks + " clock ticks is out of range");
    }
    long retrnsmt = hex(6, 0, width(6), "retrnsmt");
    long uid = decimal(7, "uid");
    long probes = decimal(8, "timeout");
    SocketTimer timer = SocketTimer.fromKernel(timerCode);
    long retransmits = retransmits(timer, retrnsmt, probes);
    if (retransmits > Integer.MAX_VALUE) {
      throw malformed("retransmit count " + retransmits + " is out of range");
    }
    return new TcpSocket(
        family,
        tcpState,
        local,
        localPort,
        remote,
        remotePort,
        rxQueue,
        tcpState == TcpState.LISTEN ? -1 : txQueue,
        inode,
        uid,
        timer,
        (int) retransmits,
        timer == SocketTimer.NONE ? 0 : whenTicks * (1000 / USER_HZ),
        -1,
        null,
        null,
        null,
        DataSource.PROC);
  }

  /**
   * The count netlink reports as {@code idiag_retrans} for the same socket ({@code
   * inet_sk_diag_fill}): retransmissions for the retransmit timer, probes sent for the keep-alive
   * and zero-window probe timers ({@code icsk_probes_out}, the {@code timeout} column), 0 without
   * a timer.
   */
  private static long retransmits(SocketTimer timer, long retrnsmt, long probes) {
    switch (timer) {
      case KEEPALIVE:
      case PROBE:
        return probes;
      case NONE:
        return 0;
      default:
        return retrnsmt;
    }
  }

  /** Finds the space-separated columns of the current line that are parsed. */
  private void split() {
    int n = line.length();
    int i = 0;
    for (int col = 0; col < MIN_COLUMNS; col++) {
      while (i < n && line.charAt(i) == ' ') {
        i++;
      }
      if (i == n) {
        throw malformed("expected at least " + MIN_COLUMNS + " columns, found " + col);
      }
      int start = i;
      while (i < n && line.charAt(i) != ' ') {
        i++;
      }
      if (col < PARSED_COLUMNS) {
        starts[col] = start;
        ends[col] = i;
      }
    }
  }

  private int width(int col) {
    return ends[col] - starts[col];
  }

  private void checkSlot() {
    int w = width(0);
    if (w < 2 || line.charAt(ends[0] - 1) != ':') {
      throw malformed("slot column 'sl' is not a number followed by ':'");
    }
    for (int i = starts[0]; i < ends[0] - 1; i++) {
      if (!isDigit(line.charAt(i))) {
        throw malformed("slot column 'sl' is not a number followed by ':'");
      }
    }
  }

  private int colonIn(int col, String what) {
    int at = line.indexOf(':', starts[col]);
    if (at < 0 || at >= ends[col]) {
      throw malformed(what + " has no ':'");
    }
    return at - starts[col];
  }

  /** The column's {@code ADDR:PORT} port. */
  private int port(int col) {
    int expected = addressHexDigits + 1 + 4;
    String what = col == 1 ? "local_address" : "rem_address";
    if (width(col) != expected || line.charAt(starts[col] + addressHexDigits) != ':') {
      throw malformed(what + " is not " + addressHexDigits + " hex digits, ':' and 4 hex digits");
    }
    return (int) hex(col, addressHexDigits + 1, expected, what + " port");
  }

  private InetAddress address(int col) {
    byte[] bytes = new byte[addressHexDigits / 2];
    String what = col == 1 ? "local_address" : "rem_address";
    for (int word = 0; word < bytes.length / 4; word++) {
      long v = hex(col, word * 8, word * 8 + 8, what);
      for (int b = 0; b < 4; b++) {
        int shift = addressOrder == ByteOrder.LITTLE_ENDIAN ? 8 * b : 8 * (3 - b);
        bytes[word * 4 + b] = (byte) (v >>> shift);
      }
    }
    return family.address(bytes, -1);
  }

  /** Hex digits at [from, to) of the column; 1 to 16 digits. */
  private long hex(int col, int from, int to, String what) {
    int start = starts[col] + from;
    int end = starts[col] + to;
    if (end <= start || end - start > 16 || to > width(col)) {
      throw malformed(what + " is not 1 to 16 hex digits");
    }
    long v = 0;
    for (int i = start; i < end; i++) {
      int d = hexDigit(line.charAt(i));
      if (d < 0) {
        throw malformed(
            what + " has a character that is not a hex digit: '" + line.charAt(i) + "'");
      }
      v = (v << 4) | d;
    }
    if (v < 0) {
      throw malformed(what + " does not fit a signed 64-bit value");
    }
    return v;
  }

  /** A non-negative decimal column of 1 to 18 digits. */
  private long decimal(int col, String what) {
    int w = width(col);
    if (w > 18) {
      throw malformed(what + " has more than 18 digits");
    }
    long v = 0;
    for (int i = starts[col]; i < ends[col]; i++) {
      char c = line.charAt(i);
      if (!isDigit(c)) {
        throw malformed(what + " is not a decimal number: '" + column(col) + "'");
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    return -1;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private String column(int col) {
    return line.substring(starts[col], ends[col]);
  }

  private MalformedDataException malformed(String problem) {
    String quoted = line.length() > MAX_QUOTED ? line.substring(0, MAX_QUOTED) + "..." : line;
    return new MalformedDataException(
        fileName + " line " + lineNumber + ": " + problem + " in '" + quoted + "'");
  }
}
