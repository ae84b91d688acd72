package io.synscope.probe.linux;

import io.synscope.probe.MalformedDataException;
import io.synscope.probe.NativeCallException;
import io.synscope.probe.SocketQuery;
import io.synscope.probe.linux.jna.NetlinkSocket;
import java.nio.ByteBuffer;

/**
 * The same SOCK_DIAG_BY_FAMILY dumps as {@link NetlinkTcpProbe}, with the same request, socket
 * and buffer size, but the answer is only received and its messages counted, not decoded: what
 * is left of a dump's cost when the Java decoding is taken away (the kernel's work, the copies
 * to user space and the recv calls). A benchmark's floor, not a probe.
 */
public final class RecvOnlyDump implements AutoCloseable {
  private final NetlinkSocket socket =
      NetlinkSocket.open(
          Netlink.NETLINK_SOCK_DIAG,
          "NETLINK_SOCK_DIAG",
          InetDiagRequest.MAX_SIZE,
          NetlinkTcpProbe.ANSWER_BUFFER_SIZE);
  private int sequence = (int) (System.nanoTime() & 0x3fff_ffff);
  private long datagrams;
  private long bytes;

  /** Dumps both families and returns the number of socket messages the kernel sent. */
  public int dump(SocketQuery query) {
    datagrams = 0;
    bytes = 0;
    return dumpFamily(InetDiag.AF_INET, query) + dumpFamily(InetDiag.AF_INET6, query);
  }

  /** Datagrams (recv calls) of the last dump. */
  public long lastDatagrams() {
    return datagrams;
  }

  /** Bytes received by the last dump. */
  public long lastBytes() {
    return bytes;
  }

  private int dumpFamily(int family, SocketQuery query) {
    int seq = ++sequence;
    socket.send(InetDiagRequest.encode(socket.requestBuffer(), family, query, seq));
    ByteBuffer b = socket.answerBuffer();
    int sockets = 0;
    while (true) {
      int received = socket.receive();
      if (received <= 0 || received > b.capacity()) {
        throw new MalformedDataException("recv returned " + received + " bytes");
      }
      datagrams++;
      bytes += received;
      int pos = 0;
      while (pos + Netlink.HEADER_SIZE <= received) {
        int length = b.getInt(pos + Netlink.LEN_OFFSET);
        int type = b.getShort(pos + Netlink.TYPE_OFFSET) & 0xffff;
        if (length < Netlink.HEADER_SIZE) {
          throw new MalformedDataException("nlmsg_len " + length + " at offset " + pos);
        }
        if (b.getInt(pos + Netlink.SEQ_OFFSET) == seq) {
          if (type == InetDiag.SOCK_DIAG_BY_FAMILY) {
            sockets++;
          } else if (type == Netlink.NLMSG_DONE) {
            return sockets;
          } else if (type == Netlink.NLMSG_ERROR) {
            int errno = -b.getInt(pos + Netlink.HEADER_SIZE);
            throw new NativeCallException("SOCK_DIAG_BY_FAMILY dump", errno, "NLMSG_ERROR");
          }
        }
        pos += Netlink.align(length);
      }
    }
  }

  @Override
  public void close() {
    socket.close();
  }
}
