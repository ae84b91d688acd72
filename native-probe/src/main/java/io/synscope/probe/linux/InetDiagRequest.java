package io.synscope.probe.linux;

import io.synscope.probe.SocketQuery;
import java.nio.ByteBuffer;

/**
 * Encodes a SOCK_DIAG_BY_FAMILY dump request: {@code struct nlmsghdr}, {@code struct
 * inet_diag_req_v2} and, when the query filters ports, an {@code INET_DIAG_REQ_BYTECODE} filter so
 * that the kernel itself skips the other sockets (layouts in {@link Netlink} and {@link InetDiag}).
 */
public final class InetDiagRequest {
  /** Header, req_v2 and the largest filter: attribute header, 16 + 16 + 36 bytes of ops. */
  public static final int MAX_SIZE = Netlink.HEADER_SIZE + InetDiag.REQ_V2_SIZE + 4 + 68;

  /**
   * The states the probe asks for: TCP_ESTABLISHED (1) to TCP_NEW_SYN_RECV (12). Later kernels'
   * pseudo-states (TCP_BOUND_INACTIVE, 13: bound, neither listening nor connected) are no TCP
   * connection and are not asked for, as {@code ss} does not ask for them.
   */
  static final int KNOWN_STATES = 0x1ffe;

  /** INET_DIAG_REQ_BYTECODE (inet_diag.h): the request's filter attribute. */
  private static final int INET_DIAG_REQ_BYTECODE = 1;
  /** INET_DIAG_BC_JMP: always takes the "no" branch. */
  private static final int BC_JMP = 1;
  /** INET_DIAG_BC_S_GE / S_LE / D_GE / D_LE: source or destination port compared. */
  private static final int BC_S_GE = 2;
  private static final int BC_S_LE = 3;
  private static final int BC_D_GE = 4;
  private static final int BC_D_LE = 5;

  private InetDiagRequest() {}

  /**
   * Writes the request for one address family from index 0 of {@code buffer} (native byte order,
   * at least {@link #MAX_SIZE} bytes).
   *
   * @param addressFamily AF_INET (2) or AF_INET6 (10)
   * @return the request's length in bytes
   */
  public static int encode(ByteBuffer buffer, int addressFamily, SocketQuery query, int sequence) {
    for (int i = 0; i < MAX_SIZE; i++) {
      buffer.put(i, (byte) 0);
    }
    int req = Netlink.HEADER_SIZE;
    buffer.put(req + InetDiag.REQ_FAMILY, (byte) addressFamily);
    buffer.put(req + InetDiag.REQ_PROTOCOL, (byte) InetDiag.IPPROTO_TCP);
    if (query.withInfo()) {
      buffer.put(
          req + InetDiag.REQ_EXT,
          (byte)
              (InetDiag.extBit(InetDiag.INET_DIAG_INFO)
                  | InetDiag.extBit(InetDiag.INET_DIAG_CONG)
                  | InetDiag.extBit(InetDiag.INET_DIAG_SKMEMINFO)));
    }
    buffer.putInt(req + InetDiag.REQ_STATES, query.stateMask() & KNOWN_STATES);
    int length = req + InetDiag.REQ_V2_SIZE;
    length = appendPortFilter(buffer, length, query);

    buffer.putInt(Netlink.LEN_OFFSET, length);
    buffer.putShort(Netlink.TYPE_OFFSET, (short) InetDiag.SOCK_DIAG_BY_FAMILY);
    buffer.putShort(Netlink.FLAGS_OFFSET, (short) (Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP));
    buffer.putInt(Netlink.SEQ_OFFSET, sequence);
    buffer.putInt(Netlink.PID_OFFSET, 0);
    return length;
  }

  /**
   * Appends the port filter as inet_diag bytecode (see inet_diag_bc_run in
   * net/ipv4/inet_diag.c): each op is {@code {u8 code, u8 yes, u16 no}}, jumping {@code yes} bytes
   * when its condition holds and {@code no} bytes when not; a socket is accepted when the program
   * runs exactly to its end and rejected when a jump lands 4 bytes past it. A port comparison is
   * followed by an op whose {@code no} field holds the port. Equality is written as {@code >=} and
   * {@code <=}, which every kernel's filter auditor accepts.
   */
  private static int appendPortFilter(ByteBuffer b, int at, SocketQuery query) {
    boolean local = query.localPort() >= 0;
    boolean remote = query.remotePort() >= 0;
    boolean any = query.anyPort() >= 0;
    if (!local && !remote && !any) {
      return at;
    }
    int start = at + 4;
    int end = start + (local ? 16 : 0) + (remote ? 16 : 0) + (any ? 36 : 0);
    int pc = start;
    if (local) {
      pc = op(b, pc, BC_S_GE, end - pc + 4, query.localPort());
      pc = op(b, pc, BC_S_LE, end - pc + 4, query.localPort());
    }
    if (remote) {
      pc = op(b, pc, BC_D_GE, end - pc + 4, query.remotePort());
      pc = op(b, pc, BC_D_LE, end - pc + 4, query.remotePort());
    }
    if (any) {
      // sport == P falls through to a JMP over the dport test; sport != P goes to the dport test.
      int p = query.anyPort();
      pc = op(b, pc, BC_S_GE, 20, p);
      pc = op(b, pc, BC_S_LE, 12, p);
      b.put(pc, (byte) BC_JMP).put(pc + 1, (byte) 4).putShort(pc + 2, (short) 20);
      pc += 4;
      pc = op(b, pc, BC_D_GE, end - pc + 4, p);
      pc = op(b, pc, BC_D_LE, end - pc + 4, p);
    }
    b.putShort(at, (short) (end - at));
    b.putShort(at + 2, (short) INET_DIAG_REQ_BYTECODE);
    return end;
  }

  /**
   * Writes a port comparison that goes on to the next op when it holds and jumps {@code no} bytes
   * when not, and its port op; returns the offset after them.
   */
  private static int op(ByteBuffer b, int pc, int code, int no, int port) {
    b.put(pc, (byte) code).put(pc + 1, (byte) 8).putShort(pc + 2, (short) no);
    b.put(pc + 4, (byte) 0).put(pc + 5, (byte) 0).putShort(pc + 6, (short) port);
    return pc + 8;
  }
}
