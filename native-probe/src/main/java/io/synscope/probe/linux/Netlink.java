package io.synscope.probe.linux;

/**
 * The netlink message header and its constants, from {@code include/uapi/linux/netlink.h}.
 *
 * <pre>
 * struct nlmsghdr {
 *   __u32 nlmsg_len;    // offset 0: length of the message, header included
 *   __u16 nlmsg_type;   // offset 4: message content (NLMSG_* or the family's type)
 *   __u16 nlmsg_flags;  // offset 6: NLM_F_* flags
 *   __u32 nlmsg_seq;    // offset 8: sequence number, echoed by the kernel
 *   __u32 nlmsg_pid;    // offset 12: sending port id
 * };
 * </pre>
 *
 * All fields are in host byte order.
 */
final class Netlink {
  private Netlink() {}

  /** sizeof(struct nlmsghdr). */
  static final int HEADER_SIZE = 16;

  static final int LEN_OFFSET = 0;
  static final int TYPE_OFFSET = 4;
  static final int FLAGS_OFFSET = 6;
  static final int SEQ_OFFSET = 8;
  static final int PID_OFFSET = 12;

  /** NLMSG_NOOP: nothing, to be ignored. */
  static final int NLMSG_NOOP = 1;
  /** NLMSG_ERROR: payload {@code struct nlmsgerr {int error; struct nlmsghdr msg;}}. */
  static final int NLMSG_ERROR = 2;
  /** NLMSG_DONE: end of a multi-part dump; payload an int, 0 or a negative errno. */
  static final int NLMSG_DONE = 3;

  /** NLM_F_REQUEST: a request. */
  static final int NLM_F_REQUEST = 0x01;
  /** NLM_F_ROOT | NLM_F_MATCH: a dump of the whole table. */
  static final int NLM_F_DUMP = 0x100 | 0x200;

  /** NETLINK_SOCK_DIAG (formerly NETLINK_INET_DIAG): the socket monitoring protocol. */
  static final int NETLINK_SOCK_DIAG = 4;

  /** NLMSG_ALIGN: messages start on 4-byte boundaries. */
  static int align(int length) {
    return (length + 3) & ~3;
  }
}
