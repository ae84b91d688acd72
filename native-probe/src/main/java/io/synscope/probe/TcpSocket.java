package io.synscope.probe;

import java.net.InetAddress;

/**
 * One TCP socket as the kernel reports it, from netlink ({@code struct inet_diag_msg}, {@code
 * linux/inet_diag.h}) or from {@code /proc/net/tcp[6]}.
 *
 * <p>For a {@link TcpState#LISTEN} socket, {@code recvQ} is the accept queue's current length and
 * {@code sendQ} its limit (the backlog given to listen(), capped by net.core.somaxconn); the kernel
 * counts the queue as full when its length exceeds the limit. For other sockets they are the bytes
 * not yet read by the application and not yet acknowledged by the peer.
 *
 * <p>{@code /proc/net/tcp} does not carry a listener's backlog (its {@code tx_queue} column is
 * {@code write_seq - snd_una}, always 0 for a listener), so a {@link DataSource#PROC} listener has
 * {@code sendQ} = -1, meaning unknown, and {@link #acceptQueueFull()} is then false.
 *
 * @param family IPv4 or IPv6 (an IPv4-mapped IPv6 address stays IPv6, as ss shows it)
 * @param state the state; NEW_SYN_RECV request sockets are SYN_RECV
 * @param localAddress local address
 * @param localPort local port
 * @param remoteAddress remote address (the wildcard address for a listener)
 * @param remotePort remote port (0 for a listener)
 * @param recvQ {@code idiag_rqueue}: accept queue length (LISTEN) or unread bytes
 * @param sendQ {@code idiag_wqueue}: backlog (LISTEN) or unacknowledged bytes; -1 when the
 *     source does not know it (a listener read from /proc)
 * @param inode socket inode, matching the {@code socket:[inode]} links in /proc/PID/fd (0 for
 *     request and TIME_WAIT sockets)
 * @param uid owner's user id
 * @param timer pending timer
 * @param retransmits {@code idiag_retrans}: for a request socket, SYN-ACKs retransmitted; else
 *     the retransmission count of the pending timer ({@code icsk_retransmits} or probes)
 * @param timerExpiresMillis milliseconds until the pending timer fires (0 if none)
 * @param cookie the kernel's socket cookie ({@code idiag_cookie}), -1 when the source has none
 * @param tcpInfo {@code struct tcp_info} (INET_DIAG_INFO) when asked for and available, else null
 * @param memory socket memory (INET_DIAG_SKMEMINFO) when asked for and available, else null
 * @param congestion congestion control algorithm (INET_DIAG_CONG) when asked for, else null
 * @param source where this record came from; PROC records carry no tcpInfo, memory, congestion
 */
public record TcpSocket(
    IpFamily family,
    TcpState state,
    InetAddress localAddress,
    int localPort,
    InetAddress remoteAddress,
    int remotePort,
    long recvQ,
    long sendQ,
    long inode,
    long uid,
    SocketTimer timer,
    int retransmits,
    long timerExpiresMillis,
    long cookie,
    TcpInfo tcpInfo,
    SocketMemory memory,
    String congestion,
    DataSource source) {

  /** True for a listening socket, whose queues are the accept queue's length and limit. */
  public boolean isListener() {
    return state == TcpState.LISTEN;
  }

  /**
   * For a listener: the accept queue is full, in the kernel's sense ({@code sk_acceptq_is_full}:
   * length greater than the backlog), so new SYNs and final ACKs are being dropped. False when
   * the backlog is unknown ({@code sendQ} = -1).
   */
  public boolean acceptQueueFull() {
    return isListener() && sendQ >= 0 && recvQ > sendQ;
  }
}
