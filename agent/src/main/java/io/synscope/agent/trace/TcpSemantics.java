package io.synscope.agent.trace;

import io.opentelemetry.api.common.AttributeKey;

/**
 * Span names and attribute keys, in one place. Standard attributes follow the OpenTelemetry
 * semantic conventions (network.*, server.*, error.type); attributes of synscope's own live under
 * {@code tcp.*}.
 */
public final class TcpSemantics {
  private TcpSemantics() {}

  /** CLIENT span: from the application's connect call to the connection established or failed. */
  public static final String SPAN_CONNECT = "tcp.connect";

  /** SERVER span: the time an established connection waited until the application accepted it. */
  public static final String SPAN_ACCEPT = "tcp.accept";

  public static final AttributeKey<String> NETWORK_TRANSPORT =
      AttributeKey.stringKey("network.transport");
  public static final AttributeKey<String> NETWORK_TYPE = AttributeKey.stringKey("network.type");
  public static final AttributeKey<String> NETWORK_PEER_ADDRESS =
      AttributeKey.stringKey("network.peer.address");
  public static final AttributeKey<Long> NETWORK_PEER_PORT =
      AttributeKey.longKey("network.peer.port");
  public static final AttributeKey<String> NETWORK_LOCAL_ADDRESS =
      AttributeKey.stringKey("network.local.address");
  public static final AttributeKey<Long> NETWORK_LOCAL_PORT =
      AttributeKey.longKey("network.local.port");
  public static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  public static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  /** Which JDK API made the connection: socket, socket_channel, server_socket, ... */
  public static final AttributeKey<String> TCP_API = AttributeKey.stringKey("tcp.api");

  /** True for a non-blocking connect, whose span ends when finishConnect completes it. */
  public static final AttributeKey<Boolean> TCP_CONNECT_NONBLOCKING =
      AttributeKey.booleanKey("tcp.connect.nonblocking");

  /** Smoothed round trip time of the connection when the span ended, microseconds (tcp_info). */
  public static final AttributeKey<Long> TCP_RTT_US = AttributeKey.longKey("tcp.rtt_us");

  /**
   * Handshake retransmissions: on tcp.connect the SYNs the client retransmitted, on tcp.accept the
   * SYN-ACKs the server retransmitted (tcp_info total_retrans of the socket).
   */
  public static final AttributeKey<Long> TCP_SYN_RETRANSMITS =
      AttributeKey.longKey("tcp.syn_retransmits");

  /** The socket's TCP state, by the kernel's name, when the span ended. */
  public static final AttributeKey<String> TCP_STATE = AttributeKey.stringKey("tcp.state");

  /**
   * How long the accepted connection waited in the accept queue: from the handshake's completion
   * (tcp_info last_data_sent, in jiffies, which the kernel sets then) to accept returning.
   */
  public static final AttributeKey<Long> TCP_ACCEPT_QUEUE_WAIT_MS =
      AttributeKey.longKey("tcp.accept.queue_wait_ms");

  /**
   * Bytes the client had sent before the application accepted the connection (its FIN, when it
   * had closed, counts as one).
   */
  public static final AttributeKey<Long> TCP_ACCEPT_BYTES_RECEIVED =
      AttributeKey.longKey("tcp.accept.bytes_received");

  /**
   * The listener's backlog: how many finished connections its accept queue holds, listen()'s
   * backlog capped by net.core.somaxconn (ss Send-Q).
   */
  public static final AttributeKey<Long> TCP_LISTEN_BACKLOG =
      AttributeKey.longKey("tcp.listen.backlog");

  /**
   * Connections in the listener's accept queue (ss Recv-Q): on tcp.accept those still waiting
   * after this one was taken, on tcp.listen.overflow at the end of the interval.
   */
  public static final AttributeKey<Long> TCP_LISTEN_QUEUE_DEPTH =
      AttributeKey.longKey("tcp.listen.queue_depth");

  /** CLIENT or SERVER span covering a connection from established to the application's close. */
  public static final String SPAN_CONNECTION = "tcp.connection";

  public static final AttributeKey<Long> TCP_BYTES_ACKED = AttributeKey.longKey("tcp.bytes_acked");
  public static final AttributeKey<Long> TCP_BYTES_RECEIVED =
      AttributeKey.longKey("tcp.bytes_received");
  public static final AttributeKey<Long> TCP_TOTAL_RETRANSMITS =
      AttributeKey.longKey("tcp.total_retransmits");

  /** Who closed first: "local" (this side, left in TIME_WAIT) or "peer" (we were in CLOSE_WAIT). */
  public static final AttributeKey<String> TCP_CLOSED_FIRST =
      AttributeKey.stringKey("tcp.closed_first");

  /** The state the close leaves this side's socket in: TIME_WAIT for the side that closed first. */
  public static final AttributeKey<String> TCP_STATE_LEFT = AttributeKey.stringKey("tcp.state_left");

  /** Values of {@link #TCP_API}. */
  public static final String API_SOCKET = "socket";

  public static final String API_SOCKET_CHANNEL = "socket_channel";
  public static final String API_SERVER_SOCKET = "server_socket";
  public static final String API_SERVER_SOCKET_CHANNEL = "server_socket_channel";
  public static final String API_ASYNC_SOCKET_CHANNEL = "async_socket_channel";
  public static final String API_ASYNC_SERVER_SOCKET_CHANNEL = "async_server_socket_channel";

  // ---- Listener poller: accept-queue overflow (io.synscope.agent.listen) ----

  /**
   * INTERNAL span covering one poll interval of the listener poller in which a listener of the
   * process had a full accept queue, or the network namespace's overflow counters grew.
   */
  public static final String SPAN_LISTEN_OVERFLOW = "tcp.listen.overflow";

  /** Request sockets (SYN_RECV) of handshakes under way on the listener. */
  public static final AttributeKey<Long> LISTEN_OVERFLOW_SYN_RECV =
      AttributeKey.longKey("tcp.listen.syn_recv");

  /** True when the kernel counted the accept queue as full (length greater than the backlog). */
  public static final AttributeKey<Boolean> LISTEN_OVERFLOW_QUEUE_FULL =
      AttributeKey.booleanKey("tcp.listen.queue_full");

  /** Listening sockets behind one address and port (more than one with SO_REUSEPORT). */
  public static final AttributeKey<Long> LISTEN_OVERFLOW_SOCKETS =
      AttributeKey.longKey("tcp.listen.sockets");

  /**
   * How many listeners of the process got a span for the same interval: each carries the same
   * namespace-wide counter deltas; 0 on the span without a listener.
   */
  public static final AttributeKey<Long> LISTEN_OVERFLOW_LISTENERS =
      AttributeKey.longKey("tcp.listen.overflow.listeners");

  /** Growth of TcpExt ListenOverflows over the interval (whole network namespace). */
  public static final AttributeKey<Long> STACK_LISTEN_OVERFLOWS =
      AttributeKey.longKey("tcp.stack.listen_overflows");

  /** Growth of TcpExt ListenDrops over the interval (whole network namespace). */
  public static final AttributeKey<Long> STACK_LISTEN_DROPS =
      AttributeKey.longKey("tcp.stack.listen_drops");

  /** Growth of TcpExt TCPReqQFullDrop over the interval (whole network namespace). */
  public static final AttributeKey<Long> STACK_REQ_Q_FULL_DROP =
      AttributeKey.longKey("tcp.stack.req_q_full_drop");

  /** Growth of TcpExt TCPReqQFullDoCookies over the interval (whole network namespace). */
  public static final AttributeKey<Long> STACK_REQ_Q_FULL_DO_COOKIES =
      AttributeKey.longKey("tcp.stack.req_q_full_do_cookies");

  /** Growth of TcpExt SyncookiesSent over the interval (whole network namespace). */
  public static final AttributeKey<Long> STACK_SYNCOOKIES_SENT =
      AttributeKey.longKey("tcp.stack.syncookies_sent");

  /** net.core.somaxconn: the cap on listen()'s backlog. */
  public static final AttributeKey<Long> SYSCTL_SOMAXCONN =
      AttributeKey.longKey("tcp.sysctl.somaxconn");

  /** net.ipv4.tcp_max_syn_backlog: the SYN queue's limit. */
  public static final AttributeKey<Long> SYSCTL_MAX_SYN_BACKLOG =
      AttributeKey.longKey("tcp.sysctl.max_syn_backlog");

  /** net.ipv4.tcp_syncookies: 0 off, 1 when the SYN queue overflows, 2 always. */
  public static final AttributeKey<Long> SYSCTL_SYNCOOKIES =
      AttributeKey.longKey("tcp.sysctl.syncookies");

  /** net.ipv4.tcp_abort_on_overflow: 1 resets connections that a full accept queue drops. */
  public static final AttributeKey<Long> SYSCTL_ABORT_ON_OVERFLOW =
      AttributeKey.longKey("tcp.sysctl.abort_on_overflow");

  // ---- end of listener poller names ----
}
