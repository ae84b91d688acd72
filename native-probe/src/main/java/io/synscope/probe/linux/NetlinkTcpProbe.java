package io.synscope.probe.linux;

import io.synscope.probe.DataSource;
import io.synscope.probe.MalformedDataException;
import io.synscope.probe.SocketQuery;
import io.synscope.probe.SocketViewVisitor;
import io.synscope.probe.SocketVisitor;
import io.synscope.probe.TcpProbe;
import io.synscope.probe.linux.jna.NetlinkSocket;
import java.nio.ByteBuffer;

/**
 * Reads TCP sockets over NETLINK_SOCK_DIAG (inet_diag, see sock_diag(7)), as {@code ss} does: one
 * SOCK_DIAG_BY_FAMILY dump request per address family, answered in datagrams of netlink messages
 * up to NLMSG_DONE.
 *
 * <p>The probe owns one netlink socket and one 32 KiB answer buffer, reused by every dump, so a
 * dump allocates only the records it hands to the visitor. Dumps are serialised: the probe is safe
 * to share between threads, one dump runs at a time.
 *
 * <p>The socket answers for the network namespace of the thread that opened it.
 */
public final class NetlinkTcpProbe implements TcpProbe {
  /**
   * The answer buffer's size. The kernel never sends a dump datagram larger than 32 KiB
   * (netlink_dump caps the skb at the largest recv buffer seen, at most 32 KiB), so none is cut.
   */
  static final int ANSWER_BUFFER_SIZE = 32 * 1024;

  /** More datagrams than a dump of a million sockets takes; only a broken kernel reaches it. */
  private static final int MAX_DRAIN_DATAGRAMS = 1 << 20;

  private static final String OPERATION_V4 = "SOCK_DIAG_BY_FAMILY dump of AF_INET TCP sockets";
  private static final String OPERATION_V6 = "SOCK_DIAG_BY_FAMILY dump of AF_INET6 TCP sockets";

  private final NetlinkSocket socket;
  private final InetDiagDecoder decoder = new InetDiagDecoder();
  private int sequence;
  private boolean closed;

  private NetlinkTcpProbe(NetlinkSocket socket) {
    this.socket = socket;
    // Start from a value unlikely to match a stale answer on a reused descriptor number.
    this.sequence = (int) (System.nanoTime() & 0x3fff_ffff);
  }

  /**
   * Opens a netlink sock_diag socket.
   *
   * @throws io.synscope.probe.NativeCallException when the socket cannot be created
   * @throws LinkageError when JNA or libc cannot be loaded
   */
  public static NetlinkTcpProbe open() {
    return new NetlinkTcpProbe(
        NetlinkSocket.open(
            Netlink.NETLINK_SOCK_DIAG,
            "NETLINK_SOCK_DIAG",
            InetDiagRequest.MAX_SIZE,
            ANSWER_BUFFER_SIZE));
  }

  /** True if netlink sock_diag works on this system (checked once). */
  public static boolean isAvailable() {
    return Availability.CAUSE == null;
  }

  /** Why netlink sock_diag cannot be used here, or null when it can. */
  public static Throwable unavailabilityCause() {
    return Availability.CAUSE;
  }

  @Override
  public DataSource source() {
    return DataSource.NETLINK;
  }

  @Override
  public synchronized void dump(SocketQuery query, SocketVisitor visitor) {
    if (closed) {
      throw new IllegalStateException("the netlink probe is closed");
    }
    decoder.start(query, visitor);
    dumpFamilies(query);
  }

  /** Streams the sockets as views of the answer buffer: nothing is allocated per socket. */
  @Override
  public synchronized void dumpViews(SocketQuery query, SocketViewVisitor visitor) {
    if (closed) {
      throw new IllegalStateException("the netlink probe is closed");
    }
    decoder.startViews(query, visitor);
    dumpFamilies(query);
  }

  private void dumpFamilies(SocketQuery query) {
    if (query.includesIpv4()) {
      dumpFamily(InetDiag.AF_INET, OPERATION_V4, query);
    }
    if (query.includesIpv6() && !decoder.stopped()) {
      dumpFamily(InetDiag.AF_INET6, OPERATION_V6, query);
    }
  }

  private void dumpFamily(int addressFamily, String operation, SocketQuery query) {
    int seq = ++sequence;
    int length = InetDiagRequest.encode(socket.requestBuffer(), addressFamily, query, seq);
    decoder.expect(seq, operation);
    socket.send(length);
    try {
      receiveDump(operation);
    } catch (RuntimeException | Error e) {
      drain(seq);
      throw e;
    }
  }

  private void receiveDump(String operation) {
    ByteBuffer answer = socket.answerBuffer();
    while (true) {
      int received = socket.receive();
      if (received > answer.capacity()) {
        throw new MalformedDataException(
            operation + ": a datagram of " + received + " bytes did not fit the "
                + answer.capacity() + "-byte buffer");
      }
      if (received == 0) {
        throw new MalformedDataException(
            operation + ": the kernel sent an empty datagram before NLMSG_DONE");
      }
      // Visiting stops early when asked, but the answer is read to its end so that the next
      // dump does not start in the middle of this one.
      if (decoder.decode(answer)) {
        return;
      }
    }
  }

  /**
   * Reads the rest of an abandoned dump (a visitor or the decoder threw) up to its NLMSG_DONE or
   * NLMSG_ERROR, without decoding it. The kernel refuses a new dump with EBUSY while one is still
   * running on the socket, and it only runs on as the answer is read. Bounded by the datagrams a
   * dump of every possible socket could take; a receive failure ends it.
   */
  private void drain(int seq) {
    ByteBuffer answer = socket.answerBuffer();
    try {
      for (int i = 0; i < MAX_DRAIN_DATAGRAMS; i++) {
        int received = socket.receive();
        if (received <= 0 || InetDiagDecoder.endsDump(answer, seq)) {
          return;
        }
      }
    } catch (RuntimeException e) {
      // the dump's original failure is the one to report
    }
  }

  /** Closes the netlink socket; further dumps throw IllegalStateException. Idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
    socket.close();
  }

  /** Checked on first use: JNA and libc load, the socket opens, a listener dump answers. */
  private static final class Availability {
    static final Throwable CAUSE = check();

    private static Throwable check() {
      try (NetlinkTcpProbe probe = open()) {
        probe.dump(SocketQuery.listeners(), s -> true);
        return null;
      } catch (RuntimeException | LinkageError e) {
        return e;
      }
    }
  }
}
