package io.synscope.probe.proc;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * A listener with {@link #QUEUED} connected clients it never accepts, and an accepted pair whose
 * server side holds {@link #UNREAD} unread bytes, on loopback; closes them all.
 */
final class LoopbackSockets implements AutoCloseable {
  static final int BACKLOG = 7;
  static final int QUEUED = 2;
  static final int UNREAD = 11;

  final ServerSocketChannel listener;
  final ServerSocketChannel pairListener;
  final SocketChannel pairClient;
  final SocketChannel pairServer;
  private final List<AutoCloseable> all = new ArrayList<>();

  /**
   * @param family the sockets' family; null for the JDK's default, which on a dual-stack host is
   *     an IPv6 socket carrying IPv4-mapped addresses
   */
  LoopbackSockets(ProtocolFamily family, InetAddress loopback) throws IOException {
    listener = track(open(family));
    listener.bind(new InetSocketAddress(loopback, 0), BACKLOG);
    for (int i = 0; i < QUEUED; i++) {
      SocketChannel c = track(family == null ? SocketChannel.open() : SocketChannel.open(family));
      c.connect(listener.getLocalAddress());
    }
    pairListener = track(open(family));
    pairListener.bind(new InetSocketAddress(loopback, 0), BACKLOG);
    pairClient =
        track(family == null ? SocketChannel.open() : SocketChannel.open(family));
    pairClient.connect(pairListener.getLocalAddress());
    pairServer = track(pairListener.accept());
    pairClient.write(ByteBuffer.wrap(new byte[UNREAD]));
  }

  private static ServerSocketChannel open(ProtocolFamily family) throws IOException {
    return family == null ? ServerSocketChannel.open() : ServerSocketChannel.open(family);
  }

  static LoopbackSockets ipv4() throws IOException {
    return new LoopbackSockets(StandardProtocolFamily.INET, InetAddress.getByName("127.0.0.1"));
  }

  static LoopbackSockets ipv6() throws IOException {
    return new LoopbackSockets(StandardProtocolFamily.INET6, InetAddress.getByName("::1"));
  }

  static LoopbackSockets jdkDefault() throws IOException {
    return new LoopbackSockets(null, InetAddress.getByName("127.0.0.1"));
  }

  int listenerPort() throws IOException {
    return ((InetSocketAddress) listener.getLocalAddress()).getPort();
  }

  int pairPort() throws IOException {
    return ((InetSocketAddress) pairListener.getLocalAddress()).getPort();
  }

  private <T extends AutoCloseable> T track(T c) {
    all.add(c);
    return c;
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable c : all) {
      c.close();
    }
  }
}
