package io.synscope.agent.it;

import io.synscope.agent.testing.apps.AsyncFutureApp;
import io.synscope.agent.testing.apps.AsyncHandlerApp;
import io.synscope.agent.testing.apps.NonBlockingSocketChannelApp;
import io.synscope.agent.testing.apps.SocketAdaptorApp;
import io.synscope.agent.testing.apps.SocketApp;
import io.synscope.agent.testing.apps.SocketChannelApp;

/** Each JDK socket API, the app that uses it, and what the agent's spans should say about it. */
enum SocketApi {
  SOCKET(SocketApp.class, "socket", "server_socket", false, "java.net.UnknownHostException"),
  SOCKET_CHANNEL(
      SocketChannelApp.class,
      "socket_channel",
      "server_socket_channel",
      false,
      "java.nio.channels.UnresolvedAddressException"),
  NON_BLOCKING_SOCKET_CHANNEL(
      NonBlockingSocketChannelApp.class,
      "socket_channel",
      "server_socket_channel",
      true,
      "java.nio.channels.UnresolvedAddressException"),
  /**
   * {@code SocketChannel.socket()} and {@code ServerSocketChannel.socket()}: the channel's
   * blocking connect and accept inside, traced as the channel's. An unresolved address is the
   * exception: see {@link ConnectApisIT#assertAdaptorUnresolved}.
   */
  SOCKET_ADAPTOR(
      SocketAdaptorApp.class,
      "socket_channel",
      "server_socket_channel",
      false,
      "java.net.UnknownHostException"),
  ASYNC_FUTURE(
      AsyncFutureApp.class,
      "async_socket_channel",
      "async_server_socket_channel",
      false,
      "java.nio.channels.UnresolvedAddressException"),
  ASYNC_HANDLER(
      AsyncHandlerApp.class,
      "async_socket_channel",
      "async_server_socket_channel",
      false,
      "java.nio.channels.UnresolvedAddressException");

  final Class<?> app;
  final String connectApi;
  final String acceptApi;
  final boolean nonBlocking;
  /** The exception the app gets for an unresolved address, and the span's error.type. */
  final String unresolvedError;

  /**
   * Whether the JDK's connect blocks inside the kernel's connect(2) (a blocking socket without a
   * timeout). A refused connect then ends in tcp_disconnect(), which clears the socket's counters;
   * the adaptor and the timed and non-blocking connects poll a non-blocking socket instead.
   */
  boolean connectBlocksInKernel() {
    return this == SOCKET || this == SOCKET_CHANNEL;
  }

  SocketApi(
      Class<?> app,
      String connectApi,
      String acceptApi,
      boolean nonBlocking,
      String unresolvedError) {
    this.app = app;
    this.connectApi = connectApi;
    this.acceptApi = acceptApi;
    this.nonBlocking = nonBlocking;
    this.unresolvedError = unresolvedError;
  }
}
