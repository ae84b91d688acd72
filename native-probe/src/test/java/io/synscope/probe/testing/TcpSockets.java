package io.synscope.probe.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Creates real TCP sockets in chosen states on one address (loopback, or any address of a network
 * namespace the calling thread is in), and closes them all on {@link #close()}. The methods return
 * once the caller's side is in place; the peer's state change can lag by a softirq, so tests await
 * the expected state (e.g. with {@link Ss}).
 */
public final class TcpSockets implements AutoCloseable {
  private final InetAddress address;
  private final ProtocolFamily family;
  private final Deque<Channel> opened = new ArrayDeque<>();

  /** Sockets of the address's own family: AF_INET for an IPv4 address, AF_INET6 for IPv6. */
  public TcpSockets(InetAddress address) {
    this(address, address instanceof Inet4Address
        ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
  }

  /**
   * Sockets of the given family; {@code INET6} with an IPv4 address gives dual-stack IPv6 sockets
   * with IPv4-mapped addresses, as Java creates by default.
   */
  public TcpSockets(InetAddress address, ProtocolFamily family) {
    this.address = address;
    this.family = family;
  }

  /**
   * Sockets on loopback of one kind: {@code 127.0.0.1} (IPv4), {@code ::1} (IPv6), or {@code
   * mapped}: dual-stack IPv6 sockets with IPv4-mapped addresses, Java's default.
   */
  /**
   * The descriptor of an NIO channel ({@code sun.nio.ch.SocketChannelImpl.fdVal}), for the calls
   * a process makes on its own sockets.
   */
  public static int fd(SocketChannel channel) throws ReflectiveOperationException {
    Field f = channel.getClass().getDeclaredField("fdVal");
    f.setAccessible(true);
    return f.getInt(channel);
  }

  public static TcpSockets onLoopback(String kind) throws UnknownHostException {
    return kind.equals("mapped")
        ? new TcpSockets(InetAddress.getByName("127.0.0.1"), StandardProtocolFamily.INET6)
        : new TcpSockets(InetAddress.getByName(kind));
  }

  /** A connection's two ends: the connecting client and the accepted server socket. */
  public record Connection(SocketChannel client, SocketChannel server) {
    public int clientPort() {
      return client.socket().getLocalPort();
    }

    public int serverPort() {
      return server.socket().getLocalPort();
    }

    /** Sends {@code bytes} bytes from the client, which the server leaves unread (its recv-q). */
    public void clientSends(int bytes) {
      try {
        ByteBuffer data = ByteBuffer.allocate(bytes);
        while (data.hasRemaining()) {
          client.write(data);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** A listener on an ephemeral port with this backlog. */
  public ServerSocketChannel listen(int backlog) {
    // The kernel may hand out a port on which TIME_WAIT sockets of an earlier test linger (for
    // 60 s); those would show up in this test's port-filtered views, so such a port is passed over.
    try {
      for (int attempt = 0; ; attempt++) {
        ServerSocketChannel s = ServerSocketChannel.open(family);
        s.bind(new InetSocketAddress(address, 0), backlog);
        int port = s.socket().getLocalPort();
        if (attempt >= MAX_LISTEN_ATTEMPTS
            || Ss.onPort(port).size() == 1) {
          return track(s);
        }
        s.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final int MAX_LISTEN_ATTEMPTS = 20;

  /**
   * Connects {@code count} clients that the listener never accepts: the clients are ESTABLISHED
   * and the server sides wait in the accept queue, without an inode until accepted. Accept queues
   * are first in, first out, so call this after any {@link #established} on the same listener.
   */
  public void queueUnaccepted(ServerSocketChannel listener, int count) {
    for (int i = 0; i < count; i++) {
      connect(listener.socket().getLocalPort());
    }
  }

  /** A blocking connect to the port; the kernel queues the connection on the listener. */
  public SocketChannel connect(int port) {
    try {
      SocketChannel c = track(SocketChannel.open(family));
      c.connect(new InetSocketAddress(address, port));
      return c;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A non-blocking connect: the SYN is sent and the call returns. Where nothing answers (a full
   * accept queue, dropped SYNs) the socket stays in SYN_SENT, retransmitting its SYN.
   */
  public SocketChannel startConnect(int port) {
    try {
      SocketChannel c = track(SocketChannel.open(family));
      c.configureBlocking(false);
      c.connect(new InetSocketAddress(address, port));
      return c;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Both ends ESTABLISHED: connect and accept. */
  public Connection established(ServerSocketChannel listener) {
    SocketChannel client = connect(listener.socket().getLocalPort());
    try {
      return new Connection(client, track(listener.accept()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The server shuts its output: client CLOSE_WAIT, server FIN_WAIT2 (both still open). */
  public Connection closeWaitAndFinWait2(ServerSocketChannel listener) {
    Connection c = established(listener);
    try {
      c.server().shutdownOutput();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return c;
  }

  /**
   * The client closes first, then the server: the client's side ends in TIME_WAIT (a timewait
   * socket without inode, owned by the kernel for 60 s). Returns the client's local port.
   */
  public int timeWait(ServerSocketChannel listener) {
    Connection c = established(listener);
    int port = c.clientPort();
    try {
      c.client().close();
      // Wait for the client's FIN (read returns -1) so that the server closes second.
      c.server().read(ByteBuffer.allocate(1));
      c.server().close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return port;
  }

  private <T extends Channel> T track(T channel) {
    opened.push(channel);
    return channel;
  }

  /** Closes every socket created here, newest first. */
  @Override
  public void close() {
    while (!opened.isEmpty()) {
      try {
        opened.pop().close();
      } catch (IOException e) {
        // Closing is best effort: a socket that fails to close is released with the process.
      }
    }
  }
}
