package io.synscope.probe.linux;

/**
 * The inet_diag request and answer layouts, from {@code include/uapi/linux/inet_diag.h} and
 * {@code include/uapi/linux/sock_diag.h}. Multi-byte fields are in host byte order except the
 * ports and addresses of {@code struct inet_diag_sockid}, which are in network byte order.
 *
 * <pre>
 * struct inet_diag_sockid {
 *   __be16 idiag_sport;      // offset 0
 *   __be16 idiag_dport;      // offset 2
 *   __be32 idiag_src[4];     // offset 4: IPv4 in the first word, IPv6 in all four
 *   __be32 idiag_dst[4];     // offset 20
 *   __u32  idiag_if;         // offset 36: bound interface index
 *   __u32  idiag_cookie[2];  // offset 40: socket cookie, low word first
 * };                         // 48 bytes
 *
 * struct inet_diag_req_v2 {
 *   __u8  sdiag_family;      // offset 0: AF_INET or AF_INET6
 *   __u8  sdiag_protocol;    // offset 1: IPPROTO_TCP
 *   __u8  idiag_ext;         // offset 2: bit (INET_DIAG_x - 1) asks for attribute x
 *   __u8  pad;               // offset 3
 *   __u32 idiag_states;      // offset 4: bit (1 << state) selects a state
 *   struct inet_diag_sockid id;  // offset 8
 * };                         // 56 bytes
 *
 * struct inet_diag_msg {
 *   __u8  idiag_family;      // offset 0
 *   __u8  idiag_state;       // offset 1
 *   __u8  idiag_timer;       // offset 2
 *   __u8  idiag_retrans;     // offset 3
 *   struct inet_diag_sockid id;  // offset 4
 *   __u32 idiag_expires;     // offset 52: milliseconds until the timer fires
 *   __u32 idiag_rqueue;      // offset 56
 *   __u32 idiag_wqueue;      // offset 60
 *   __u32 idiag_uid;         // offset 64
 *   __u32 idiag_inode;       // offset 68
 * };                         // 72 bytes, followed by rtattr attributes
 *
 * struct rtattr { unsigned short rta_len; unsigned short rta_type; };  // then the payload
 * </pre>
 */
final class InetDiag {
  private InetDiag() {}

  /** SOCK_DIAG_BY_FAMILY (sock_diag.h): request and answer message type. */
  static final int SOCK_DIAG_BY_FAMILY = 20;

  /** IPPROTO_TCP (linux/in.h). */
  static final int IPPROTO_TCP = 6;
  /** AF_INET (linux/socket.h). */
  static final int AF_INET = 2;
  /** AF_INET6 (linux/socket.h). */
  static final int AF_INET6 = 10;

  /** sizeof(struct inet_diag_req_v2). */
  static final int REQ_V2_SIZE = 56;
  /** sizeof(struct inet_diag_msg). */
  static final int MSG_SIZE = 72;

  static final int REQ_FAMILY = 0;
  static final int REQ_PROTOCOL = 1;
  static final int REQ_EXT = 2;
  static final int REQ_STATES = 4;
  static final int REQ_ID = 8;

  static final int MSG_FAMILY = 0;
  static final int MSG_STATE = 1;
  static final int MSG_TIMER = 2;
  static final int MSG_RETRANS = 3;
  static final int MSG_SPORT = 4;
  static final int MSG_DPORT = 6;
  static final int MSG_SRC = 8;
  static final int MSG_DST = 24;
  static final int MSG_IF = 40;
  static final int MSG_COOKIE = 44;
  static final int MSG_EXPIRES = 52;
  static final int MSG_RQUEUE = 56;
  static final int MSG_WQUEUE = 60;
  static final int MSG_UID = 64;
  static final int MSG_INODE = 68;

  /** sizeof(struct rtattr). */
  static final int RTA_HEADER_SIZE = 4;

  /** INET_DIAG_INFO: struct tcp_info (linux/tcp.h). */
  static final int INET_DIAG_INFO = 2;
  /** INET_DIAG_CONG: the congestion control algorithm's name, NUL-terminated. */
  static final int INET_DIAG_CONG = 4;
  /** INET_DIAG_SKMEMINFO: __u32[SK_MEMINFO_VARS] (sock_diag.h). */
  static final int INET_DIAG_SKMEMINFO = 7;

  /** SK_MEMINFO_BACKLOG + 1: the entries every kernel since 3.x sends. */
  static final int SKMEMINFO_REQUIRED = 8;
  /** SK_MEMINFO_DROPS: added in 4.x, absent from older kernels' answers. */
  static final int SKMEMINFO_DROPS = 8;

  /** The idiag_ext bit that asks for attribute {@code type}. */
  static int extBit(int type) {
    return 1 << (type - 1);
  }
}
