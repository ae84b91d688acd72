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
   * (the last ACK the kernel received, tcp_info last_ack_recv, in jiffies) to accept returning.
   */
  public static final AttributeKey<Long> TCP_ACCEPT_QUEUE_WAIT_MS =
      AttributeKey.longKey("tcp.accept.queue_wait_ms");

  /**
   * Bytes the client had sent before the application accepted the connection. When above zero,
   * the queue wait is measured from the last of those packets and is a lower bound.
   */
  public static final AttributeKey<Long> TCP_ACCEPT_BYTES_RECEIVED =
      AttributeKey.longKey("tcp.accept.bytes_received");

  /** The listener's backlog: how many finished connections its accept queue holds. */
  public static final AttributeKey<Long> TCP_LISTEN_BACKLOG =
      AttributeKey.longKey("tcp.listen.backlog");

  /** Connections still waiting in the listener's accept queue after this one was accepted. */
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
}
