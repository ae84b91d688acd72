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

  /** Values of {@link #TCP_API}. */
  public static final String API_SOCKET = "socket";

  public static final String API_SOCKET_CHANNEL = "socket_channel";
  public static final String API_SERVER_SOCKET = "server_socket";
  public static final String API_SERVER_SOCKET_CHANNEL = "server_socket_channel";
  public static final String API_ASYNC_SOCKET_CHANNEL = "async_socket_channel";
  public static final String API_ASYNC_SERVER_SOCKET_CHANNEL = "async_server_socket_channel";
}
