package io.synscope.agent.trace;

import static io.synscope.agent.trace.TcpSemantics.*;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.synscope.agent.AgentLog;
import io.synscope.agent.bootstrap.SocketEvents;
import io.synscope.agent.kernel.KernelFacts;
import io.synscope.agent.kernel.SocketDescriptors;
import io.synscope.agent.metrics.TcpMetrics;
import io.synscope.probe.TcpInfo;
import java.io.FileDescriptor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Turns the socket events of the instrumented JDK into spans: {@code tcp.connect}, {@code
 * tcp.accept}, and at each traced connection's close its lifetime. Runs on the application's
 * threads: no blocking, no throwing; an internal failure turns the affected kind of span off with
 * one warning.
 */
public final class ConnectionTracer implements SocketEvents {
  private static final int MAX_PENDING = 65_536;

  private final ApplicationContexts parents;
  private final KernelFacts kernel;
  private final SocketDescriptors descriptors;
  private final ConnectSpans connects;
  private final AcceptSpans accepts;
  private final ConnectionLifetimes lifetimes;
  private final FailedConnects failed;
  private final JdkLocalAddresses jdkLocalAddresses = new JdkLocalAddresses();
  private final ChannelTable<PendingConnect> pendingConnects =
      new ChannelTable<>("non-blocking connects in progress", MAX_PENDING);
  private final ChannelTable<Long> pendingAccepts =
      new ChannelTable<>("asynchronous accepts in progress", MAX_PENDING);
  /**
   * What the kernel said of an asynchronous channel the JDK closed after its connect failed, for a
   * completion handler that runs on another thread than the close.
   */
  private final ChannelTable<TcpInfo> asyncLastWords =
      new ChannelTable<>("failed asynchronous connects awaiting their handler", MAX_PENDING);
  private volatile boolean connectOn;
  private volatile boolean acceptOn;

  /**
   * @param metricsRead whether {@code metrics} go anywhere: when they don't and {@code
   *     connectionSpans} is off, connections are not followed to their close at all
   * @param threshold which connects and accepts get a span
   * @param connectionSpans also make a {@code tcp.connection} span per traced connection
   */
  public ConnectionTracer(
      Tracer tracer,
      ApplicationContexts parents,
      KernelFacts kernel,
      TcpMetrics metrics,
      boolean metricsRead,
      boolean traceConnect,
      boolean traceAccept,
      SpanThreshold threshold,
      boolean connectionSpans) {
    NanoClock clock = NanoClock.system();
    this.parents = parents;
    this.kernel = kernel;
    this.descriptors = kernel.descriptors();
    this.connects =
        new ConnectSpans(
            tracer, clock, metrics, kernel.synRetransmitsBeforeGivingUp(), threshold);
    this.accepts = new AcceptSpans(tracer, clock, metrics, threshold);
    this.lifetimes =
        new ConnectionLifetimes(
            tracer, clock, kernel, metrics, metricsRead || connectionSpans, connectionSpans);
    this.failed = new FailedConnects(kernel);
    this.connectOn = traceConnect;
    this.acceptOn = traceAccept;
  }

  // ---- connect ----

  @Override
  public void connectStarting() {
    if (connectOn) {
      failed.starting();
    }
  }

  @Override
  public void socketConnect(Socket socket, SocketAddress remote, long startNanos, Throwable thrown) {
    long endNanos = System.nanoTime();
    TcpInfo lastWord = failed.take();
    if (!connectOn || !(remote instanceof InetSocketAddress)) {
      return;
    }
    try {
      InetSocketAddress isa = (InetSocketAddress) remote;
      Context parent = parents.current();
      if (thrown != null) {
        connects.end(API_SOCKET, false, parent, isa, null, startNanos, endNanos, thrown, lastWord);
        return;
      }
      Object owner = descriptors == null ? null : descriptors.ownerOf(socket);
      int fd = owner == null ? -1 : descriptors.ofOwner(owner);
      InetSocketAddress local = localAddress(socket, fd, startNanos);
      TcpInfo info = kernel.tcpInfo(fd);
      SpanContext span =
          connects.end(API_SOCKET, false, parent, isa, local, startNanos, endNanos, null, info);
      opened(owner, fd, true, endNanos, span, isa, local);
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
    TcpInfo lastWord = failed.take();
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
      // is still a non-blocking connect.
      endChannelConnect(
          API_SOCKET_CHANNEL, channel, fd, !channel.isBlocking(), parent, isa, startNanos,
          endNanos, thrown, lastWord);
    } catch (Throwable t) {
      connectFailed(t);
    }
  }

  @Override
  public void channelFinishConnect(
      SocketChannel channel, int fd, boolean connected, Throwable thrown) {
    TcpInfo lastWord = failed.take();
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
          API_SOCKET_CHANNEL, channel, fd, true, p.parent(), p.remote(), p.startNanos(), endNanos,
          thrown, lastWord);
    } catch (Throwable t) {
      connectFailed(t);
    }
  }

  private void endChannelConnect(
      String api,
      NetworkChannel channel,
      int fd,
      boolean nonBlocking,
      Context parent,
      InetSocketAddress remote,
      long startNanos,
      long endNanos,
      Throwable thrown,
      TcpInfo lastWord)
      throws IOException {
    if (thrown != null) {
      connects.end(api, nonBlocking, parent, remote, null, startNanos, endNanos, thrown, lastWord);
      return;
    }
    InetSocketAddress local;
    try {
      local = (InetSocketAddress) channel.getLocalAddress();
    } catch (ClosedChannelException e) {
      // Connected, and closed already by another of the application's threads. The connection
      // was made; its descriptor may be another socket's by now: no kernel data.
      connects.end(api, nonBlocking, parent, remote, null, startNanos, endNanos, null, null);
      return;
    }
    TcpInfo info = kernel.tcpInfo(fd);
    SpanContext span =
        connects.end(api, nonBlocking, parent, remote, local, startNanos, endNanos, null, info);
    opened(channel, fd, true, endNanos, span, remote, local);
  }

  // An asynchronous connect's outcome reaches the agent on up to three threads (the caller's,
  // the event thread's, a handler's). Its entry is in pendingConnects from the start, and of
  // those that see the outcome only the one that removes the entry ends the span: a success in
  // setConnected, before the future is completed or the handler called, so while the channel is
  // surely open; a failure where it is known.

  @Override
  public Object asyncConnectStart(AsynchronousSocketChannel channel, SocketAddress remote) {
    if (!connectOn || !(remote instanceof InetSocketAddress)) {
      return null;
    }
    try {
      PendingConnect p =
          new PendingConnect(System.nanoTime(), (InetSocketAddress) remote, parents.current());
      // Not kept when a connect is pending already: this one will throw
      // ConnectionPendingException, and the pending one's entry must stay.
      pendingConnects.putIfAbsent(channel, p);
      return p;
    } catch (Throwable t) {
      connectFailed(t);
      return null;
    }
  }

  @Override
  public void asyncConnectReturned(
      AsynchronousSocketChannel channel, Object token, Object future, Throwable thrown) {
    long endNanos = System.nanoTime();
    TcpInfo lastWord = failed.take();
    try {
      PendingConnect p = (PendingConnect) token;
      if (thrown != null) {
        // Refused before it began (already connected, pending, unresolved): nobody else ends it.
        pendingConnects.remove(channel, p);
        endAsyncConnect(channel, p, endNanos, thrown, lastWord);
      } else if (future instanceof Future
          && ((Future<?>) future).isDone()
          && pendingConnects.remove(channel, p)) {
        // Failed at once (a success ended in setConnected).
        endAsyncConnect(channel, p, endNanos, failureOf((Future<?>) future), lastWord);
      }
      // else pending, or a completion handler reports a failure
    } catch (Throwable t) {
      connectFailed(t);
    }
  }

  @Override
  public void asyncConnectCompleted(
      AsynchronousSocketChannel channel, Object token, Throwable thrown) {
    long endNanos = System.nanoTime();
    // A handler invoked directly runs inside finishConnect (or connect), after the JDK closed a
    // failed channel on this thread: what the kernel said then is here.
    TcpInfo lastWord = failed.take();
    try {
      PendingConnect p = (PendingConnect) token;
      if (pendingConnects.remove(channel, p)) {
        endAsyncConnect(channel, p, endNanos, thrown, lastWord);
      }
    } catch (Throwable t) {
      connectFailed(t);
    }
  }

  @Override
  public void asyncConnected(AsynchronousSocketChannel channel, long endNanos) {
    try {
      PendingConnect p = pendingConnects.remove(channel);
      if (p != null) {
        endAsyncConnect(channel, p, endNanos, null, null);
      }
    } catch (Throwable t) {
      connectFailed(t);
    }
  }

  @Override
  public void asyncFinishConnect(
      AsynchronousSocketChannel channel, Object future, long endNanos) {
    TcpInfo lastWord = failed.take();
    try {
      // A failure through a future (a handler's is reported by its wrapper).
      if (future instanceof Future && ((Future<?>) future).isDone()) {
        PendingConnect p = pendingConnects.remove(channel);
        if (p != null) {
          endAsyncConnect(channel, p, endNanos, failureOf((Future<?>) future), lastWord);
        }
      }
    } catch (Throwable t) {
      connectFailed(t);
    }
  }

  private void endAsyncConnect(
      AsynchronousSocketChannel channel,
      PendingConnect p,
      long endNanos,
      Throwable thrown,
      TcpInfo lastWord)
      throws IOException {
    TcpInfo closedWith = asyncLastWords.remove(channel);
    if (!connectOn) {
      return;
    }
    if (lastWord == null) {
      lastWord = closedWith;
    }
    int fd = thrown == null && descriptors != null ? descriptors.ofOwner(channel) : -1;
    endChannelConnect(
        API_ASYNC_SOCKET_CHANNEL, channel, fd, false, p.parent(), p.remote(), p.startNanos(),
        endNanos, thrown, lastWord);
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

  // ---- accept ----

  @Override
  public void serverSocketAccept(
      ServerSocket server, Socket accepted, long startNanos, long endNanos, Throwable thrown) {
    if (!acceptOn || thrown != null || accepted == null) {
      return; // a failed accept (closed listener, timeout) is not a connection
    }
    try {
      SocketAddress peer = accepted.getRemoteSocketAddress();
      if (!(peer instanceof InetSocketAddress)) {
        return;
      }
      Object owner = descriptors == null ? null : descriptors.ownerOf(accepted);
      int fd = owner == null ? -1 : descriptors.ofOwner(owner);
      int listenerFd = descriptors == null ? -1 : descriptors.of(server);
      accepted(
          API_SERVER_SOCKET,
          owner,
          (InetSocketAddress) peer,
          acceptedLocalAddress(server, accepted, fd, startNanos),
          fd,
          listenerFd,
          startNanos,
          endNanos);
    } catch (Throwable t) {
      acceptFailed(t);
    }
  }

  @Override
  public void channelAccept(
      ServerSocketChannel server,
      SocketChannel accepted,
      long startNanos,
      long endNanos,
      Throwable thrown) {
    if (!acceptOn || thrown != null || accepted == null) {
      return; // nothing was pending (non-blocking), or the accept failed
    }
    try {
      acceptedChannel(API_SERVER_SOCKET_CHANNEL, server, accepted, startNanos, endNanos);
    } catch (Throwable t) {
      acceptFailed(t);
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
      acceptedChannel(API_ASYNC_SERVER_SOCKET_CHANNEL, server, accepted, startNanos, endNanos);
    } catch (Throwable t) {
      acceptFailed(t);
    }
  }

  private void acceptedChannel(
      String api, NetworkChannel server, NetworkChannel accepted, long startNanos, long endNanos)
      throws IOException {
    SocketAddress peer;
    SocketAddress local;
    try {
      peer =
          accepted instanceof SocketChannel
              ? ((SocketChannel) accepted).getRemoteAddress()
              : ((AsynchronousSocketChannel) accepted).getRemoteAddress();
      local = accepted.getLocalAddress();
    } catch (ClosedChannelException e) {
      // Closed already by another of the application's threads: neither its ends nor its kernel
      // data can be read any more.
      return;
    }
    if (!(peer instanceof InetSocketAddress) || !(local instanceof InetSocketAddress)) {
      return; // Unix-domain
    }
    accepted(
        api,
        accepted,
        (InetSocketAddress) peer,
        (InetSocketAddress) local,
        descriptors == null ? -1 : descriptors.ofOwner(accepted),
        descriptors == null ? -1 : descriptors.ofOwner(server),
        startNanos,
        endNanos);
  }

  private void accepted(
      String api,
      Object owner,
      InetSocketAddress peer,
      InetSocketAddress local,
      int fd,
      int listenerFd,
      long startNanos,
      long endNanos) {
    TcpInfo info = kernel.tcpInfo(fd);
    long infoNanos = System.nanoTime();
    AcceptSpans.Accepted a =
        accepts.end(
            api,
            parents.current(),
            peer,
            local,
            startNanos,
            endNanos,
            info,
            infoNanos,
            () -> kernel.tcpInfo(listenerFd));
    opened(owner, fd, false, a.establishedNanos(), a.span(), peer, local);
  }

  /**
   * A connected {@link Socket}'s local end: the address the JDK read at the end of this connect
   * (or accept), or else one getsockname of our own, where the JDK's {@code
   * getLocalSocketAddress()} makes two (a channel keeps its address, so channels ask the JDK).
   */
  private InetSocketAddress localAddress(Socket socket, int fd, long startNanos) {
    InetSocketAddress local = jdkLocalAddresses.take(fd, startNanos);
    if (local == null) {
      local = kernel.localAddress(fd);
    }
    return local != null ? local : (InetSocketAddress) socket.getLocalSocketAddress();
  }

  /**
   * An accepted {@link Socket}'s local end. A listener bound to one address accepts connections to
   * that address only, and the JDK keeps the accepted socket's port: no system call. A wildcard
   * listener's connection can have any of the host's addresses: as {@link #localAddress}.
   */
  private InetSocketAddress acceptedLocalAddress(
      ServerSocket server, Socket accepted, int fd, long startNanos) {
    InetAddress bound = server.getInetAddress();
    int port = accepted.getLocalPort();
    if (bound != null && !bound.isAnyLocalAddress() && port > 0) {
      return new InetSocketAddress(bound, port);
    }
    return localAddress(accepted, fd, startNanos);
  }

  @Override
  public void localAddressRead(FileDescriptor fd, InetSocketAddress address) {
    if (descriptors != null && address != null) {
      jdkLocalAddresses.read(descriptors.of(fd), address);
    }
  }

  // ---- close ----

  @Override
  public void implClosing(Object socketImpl) {
    if (descriptors != null) {
      closing(socketImpl, descriptors.ofOwner(socketImpl));
    }
  }

  @Override
  public void channelClosing(Object channel, int fd) {
    closing(channel, fd);
  }

  private void closing(Object owner, int fd) {
    try {
      TcpInfo lastWord = failed.closing(fd);
      if (lastWord != null && owner instanceof AsynchronousSocketChannel) {
        asyncLastWords.put(owner, lastWord);
      }
      lifetimes.closing(owner, fd);
    } catch (Throwable t) {
      AgentLog.warnOnce("tracer:close", "connection lifetimes not recorded after an internal error: " + t);
    }
  }

  private void opened(
      Object owner,
      int fd,
      boolean client,
      long establishedNanos,
      SpanContext span,
      InetSocketAddress peer,
      InetSocketAddress local) {
    if (lifetimes.followed()) {
      lifetimes.opened(
          owner, fd, new ConnectionLifetimes.Open(client, establishedNanos, span, peer, local));
    }
  }

  private void connectFailed(Throwable t) {
    connectOn = false;
    AgentLog.warnOnce(
        "tracer:connect", "tcp.connect spans switched off after an internal error: " + t);
  }

  private void acceptFailed(Throwable t) {
    acceptOn = false;
    AgentLog.warnOnce(
        "tracer:accept", "tcp.accept spans switched off after an internal error: " + t);
  }
}
