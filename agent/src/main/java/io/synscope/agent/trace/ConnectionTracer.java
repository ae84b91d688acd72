package io.synscope.agent.trace;

import static io.synscope.agent.trace.TcpSemantics.*;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.synscope.agent.AgentLog;
import io.synscope.agent.bootstrap.SocketEvents;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Turns the socket events of the instrumented JDK into {@code tcp.connect} and {@code tcp.accept}
 * spans. Runs on the application's threads: no blocking, no throwing; an internal failure turns
 * the affected kind of span off with one warning.
 */
public final class ConnectionTracer implements SocketEvents {
  private static final int MAX_PENDING_CONNECTS = 65_536;

  private final Tracer tracer;
  private final ApplicationContexts parents;
  private final NanoClock clock = new NanoClock();
  private final ChannelTable<PendingConnect> pendingConnects =
      new ChannelTable<>(MAX_PENDING_CONNECTS);
  private final ChannelTable<Long> pendingAccepts = new ChannelTable<>(MAX_PENDING_CONNECTS);
  private volatile boolean connectOn;
  private volatile boolean acceptOn;

  public ConnectionTracer(
      Tracer tracer, ApplicationContexts parents, boolean traceConnect, boolean traceAccept) {
    this.tracer = tracer;
    this.parents = parents;
    this.connectOn = traceConnect;
    this.acceptOn = traceAccept;
  }

  @Override
  public void socketConnect(Socket socket, SocketAddress remote, long startNanos, Throwable thrown) {
    long endNanos = System.nanoTime();
    if (!connectOn || !(remote instanceof InetSocketAddress)) {
      return;
    }
    try {
      InetAddress local = null;
      int localPort = -1;
      if (thrown == null) {
        local = socket.getLocalAddress();
        localPort = socket.getLocalPort();
      }
      connectSpan(
          API_SOCKET,
          false,
          parents.current(),
          (InetSocketAddress) remote,
          local,
          localPort,
          startNanos,
          endNanos,
          thrown);
    } catch (Throwable t) {
      connectFailed(t);
    }
  }

  @Override
  public void channelConnect(
      SocketChannel channel,
      SocketAddress remote,
      int fd,
      long startNanos,
      boolean connected,
      Throwable thrown) {
    long endNanos = System.nanoTime();
    if (!connectOn || !(remote instanceof InetSocketAddress)) {
      return; // Unix-domain channels are left alone
    }
    try {
      InetSocketAddress isa = (InetSocketAddress) remote;
      Context parent = parents.current();
      if (thrown == null && !connected) {
        pendingConnects.put(channel, new PendingConnect(startNanos, isa, parent));
        return;
      }
      // A channel in non-blocking mode whose connect ended at once (refused, unresolved, done)
      endChannelConnect(
          API_SOCKET_CHANNEL,
          channel,
          !channel.isBlocking(),
          parent,
          isa,
          startNanos,
          endNanos,
          thrown);
    } catch (Throwable t) {
      connectFailed(t);
    }
  }

  @Override
  public void channelFinishConnect(
      SocketChannel channel, int fd, boolean connected, Throwable thrown) {
    if (!connected && thrown == null) {
      return; // still in progress
    }
    long endNanos = System.nanoTime();
    try {
      PendingConnect p = pendingConnects.remove(channel);
      if (p == null || !connectOn) {
        return;
      }
      endChannelConnect(
          API_SOCKET_CHANNEL,
          channel,
          true,
          p.parent(),
          p.remote(),
          p.startNanos(),
          endNanos,
          thrown);
    } catch (Throwable t) {
      connectFailed(t);
    }
  }

  private void endChannelConnect(
      String api,
      NetworkChannel channel,
      boolean nonBlocking,
      Context parent,
      InetSocketAddress remote,
      long startNanos,
      long endNanos,
      Throwable thrown)
      throws java.io.IOException {
    InetAddress local = null;
    int localPort = -1;
    if (thrown == null && channel.getLocalAddress() instanceof InetSocketAddress) {
      InetSocketAddress l = (InetSocketAddress) channel.getLocalAddress();
      local = l.getAddress();
      localPort = l.getPort();
    }
    connectSpan(
        api,
        nonBlocking,
        parent,
        remote,
        local,
        localPort,
        startNanos,
        endNanos,
        thrown);
  }

  private void connectSpan(
      String api,
      boolean nonBlocking,
      Context parent,
      InetSocketAddress remote,
      InetAddress local,
      int localPort,
      long startNanos,
      long endNanos,
      Throwable thrown) {
    SpanBuilder b =
        tracer
            .spanBuilder(SPAN_CONNECT)
            .setSpanKind(SpanKind.CLIENT)
            .setParent(parent)
            .setStartTimestamp(clock.epochNanos(startNanos), TimeUnit.NANOSECONDS)
            .setAttribute(NETWORK_TRANSPORT, "tcp")
            .setAttribute(TCP_API, api)
            .setAttribute(SERVER_ADDRESS, serverAddress(remote))
            .setAttribute(SERVER_PORT, (long) remote.getPort());
    if (nonBlocking) {
      b.setAttribute(TCP_CONNECT_NONBLOCKING, true);
    }
    InetAddress peer = remote.getAddress(); // null when unresolved
    if (peer != null) {
      b.setAttribute(NETWORK_TYPE, IpAddresses.networkType(peer))
          .setAttribute(NETWORK_PEER_ADDRESS, IpAddresses.toText(peer))
          .setAttribute(NETWORK_PEER_PORT, (long) remote.getPort());
    }
    if (local != null) {
      b.setAttribute(NETWORK_LOCAL_ADDRESS, IpAddresses.toText(local))
          .setAttribute(NETWORK_LOCAL_PORT, (long) localPort);
    }
    Span span = b.startSpan();
    if (thrown != null) {
      span.setAttribute(ERROR_TYPE, ErrorTypes.of(thrown));
      span.recordException(thrown);
      if (thrown.getMessage() == null) {
        span.setStatus(StatusCode.ERROR);
      } else {
        span.setStatus(StatusCode.ERROR, thrown.getMessage());
      }
    }
    span.end(clock.epochNanos(endNanos), TimeUnit.NANOSECONDS);
  }

  @Override
  public void serverSocketAccept(
      ServerSocket server, Socket accepted, long startNanos, Throwable thrown) {
    long endNanos = System.nanoTime();
    if (!acceptOn || thrown != null || accepted == null) {
      return; // a failed accept (closed listener, timeout) is not a connection
    }
    try {
      InetAddress peer = accepted.getInetAddress();
      if (peer == null) {
        return;
      }
      acceptSpan(
          API_SERVER_SOCKET,
          peer,
          accepted.getPort(),
          accepted.getLocalAddress(),
          accepted.getLocalPort(),
          startNanos,
          endNanos);
    } catch (Throwable t) {
      acceptFailed(t);
    }
  }

  @Override
  public void channelAccept(
      ServerSocketChannel server, SocketChannel accepted, long startNanos, Throwable thrown) {
    long endNanos = System.nanoTime();
    if (!acceptOn || thrown != null || accepted == null) {
      return; // nothing was pending (non-blocking), or the accept failed
    }
    try {
      SocketAddress r = accepted.getRemoteAddress();
      SocketAddress l = accepted.getLocalAddress();
      if (!(r instanceof InetSocketAddress) || !(l instanceof InetSocketAddress)) {
        return; // Unix-domain
      }
      InetSocketAddress ri = (InetSocketAddress) r;
      InetSocketAddress li = (InetSocketAddress) l;
      acceptSpan(
          API_SERVER_SOCKET_CHANNEL,
          ri.getAddress(),
          ri.getPort(),
          li.getAddress(),
          li.getPort(),
          startNanos,
          endNanos);
    } catch (Throwable t) {
      acceptFailed(t);
    }
  }

  @Override
  public Object asyncConnectStart(AsynchronousSocketChannel channel, SocketAddress remote) {
    if (!connectOn || !(remote instanceof InetSocketAddress)) {
      return null;
    }
    try {
      return new PendingConnect(System.nanoTime(), (InetSocketAddress) remote, parents.current());
    } catch (Throwable t) {
      connectFailed(t);
      return null;
    }
  }

  @Override
  public void asyncConnectReturned(
      AsynchronousSocketChannel channel, Object token, Object future, Throwable thrown) {
    long endNanos = System.nanoTime();
    try {
      PendingConnect p = (PendingConnect) token;
      if (thrown != null) {
        endAsyncConnect(channel, p, endNanos, thrown);
      } else if (future instanceof Future) {
        Future<?> f = (Future<?>) future;
        if (f.isDone()) {
          endAsyncConnect(channel, p, endNanos, failureOf(f));
        } else {
          pendingConnects.put(channel, p);
          // The event thread may have finished the connect between isDone and put, found
          // nothing to end, and gone: whoever removes the entry ends the span.
          if (f.isDone() && pendingConnects.remove(channel) != null) {
            endAsyncConnect(channel, p, System.nanoTime(), failureOf(f));
          }
        }
      }
      // else: a completion handler was given, and its wrapper reports the outcome
    } catch (Throwable t) {
      connectFailed(t);
    }
  }

  @Override
  public void asyncConnectCompleted(
      AsynchronousSocketChannel channel, Object token, Throwable thrown) {
    long endNanos = System.nanoTime();
    try {
      endAsyncConnect(channel, (PendingConnect) token, endNanos, thrown);
    } catch (Throwable t) {
      connectFailed(t);
    }
  }

  @Override
  public void asyncFinishConnect(
      AsynchronousSocketChannel channel, Object future, long endNanos) {
    try {
      PendingConnect p = pendingConnects.remove(channel);
      if (p != null && future instanceof Future && ((Future<?>) future).isDone()) {
        endAsyncConnect(channel, p, endNanos, failureOf((Future<?>) future));
      }
    } catch (Throwable t) {
      connectFailed(t);
    }
  }

  private void endAsyncConnect(
      AsynchronousSocketChannel channel, PendingConnect p, long endNanos, Throwable thrown)
      throws java.io.IOException {
    if (!connectOn) {
      return;
    }
    endChannelConnect(
        API_ASYNC_SOCKET_CHANNEL,
        channel,
        false,
        p.parent(),
        p.remote(),
        p.startNanos(),
        endNanos,
        thrown);
  }

  /** The exception a completed future holds, or null; never blocks, since it is done. */
  private static Throwable failureOf(Future<?> done) {
    try {
      done.get();
      return null;
    } catch (ExecutionException e) {
      return e.getCause() != null ? e.getCause() : e;
    } catch (CancellationException e) {
      return e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  @Override
  public void asyncAcceptStart(AsynchronousServerSocketChannel server, long startNanos) {
    if (acceptOn) {
      pendingAccepts.put(server, startNanos);
    }
  }

  @Override
  public void asyncAccepted(
      AsynchronousServerSocketChannel server,
      AsynchronousSocketChannel accepted,
      Throwable thrown) {
    long endNanos = System.nanoTime();
    Long startNanos = pendingAccepts.remove(server);
    if (!acceptOn || thrown != null || accepted == null || startNanos == null) {
      return;
    }
    try {
      SocketAddress r = accepted.getRemoteAddress();
      SocketAddress l = accepted.getLocalAddress();
      if (r instanceof InetSocketAddress && l instanceof InetSocketAddress) {
        InetSocketAddress ri = (InetSocketAddress) r;
        InetSocketAddress li = (InetSocketAddress) l;
        acceptSpan(
            API_ASYNC_SERVER_SOCKET_CHANNEL,
            ri.getAddress(),
            ri.getPort(),
            li.getAddress(),
            li.getPort(),
            startNanos,
            endNanos);
      }
    } catch (Throwable t) {
      acceptFailed(t);
    }
  }

  private void acceptSpan(
      String api,
      InetAddress peer,
      int peerPort,
      InetAddress local,
      int localPort,
      long startNanos,
      long endNanos) {
    tracer
        .spanBuilder(SPAN_ACCEPT)
        .setSpanKind(SpanKind.SERVER)
        .setParent(parents.current())
        .setStartTimestamp(clock.epochNanos(startNanos), TimeUnit.NANOSECONDS)
        .setAttribute(NETWORK_TRANSPORT, "tcp")
        .setAttribute(TCP_API, api)
        .setAttribute(NETWORK_TYPE, IpAddresses.networkType(peer))
        .setAttribute(NETWORK_PEER_ADDRESS, IpAddresses.toText(peer))
        .setAttribute(NETWORK_PEER_PORT, (long) peerPort)
        .setAttribute(NETWORK_LOCAL_ADDRESS, IpAddresses.toText(local))
        .setAttribute(NETWORK_LOCAL_PORT, (long) localPort)
        .startSpan()
        .end(clock.epochNanos(endNanos), TimeUnit.NANOSECONDS);
  }

  /** The host name the application asked for, or the address in canonical form for a literal. */
  private static String serverAddress(InetSocketAddress remote) {
    String host = remote.getHostString();
    InetAddress a = remote.getAddress();
    if (a != null && host.equals(a.getHostAddress())) {
      return IpAddresses.toText(a);
    }
    return host;
  }

  private void connectFailed(Throwable t) {
    connectOn = false;
    AgentLog.warnOnce("tracer:connect", "tcp.connect spans switched off after an internal error: " + t);
  }

  private void acceptFailed(Throwable t) {
    acceptOn = false;
    AgentLog.warnOnce("tracer:accept", "tcp.accept spans switched off after an internal error: " + t);
  }
}
