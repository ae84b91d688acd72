package io.synscope.agent.bootstrap;

import java.io.FileDescriptor;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The static entry points that advice inlined into JDK socket classes calls. They forward to the
 * agent's {@link SocketEvents} unless none is installed or the calling thread is the agent's own,
 * and they never let anything escape into the application.
 */
public final class Hooks {
  /**
   * How long a connect or accept made while the agent starts beside the application waits for it,
   * once; a bound, so that no start-up trouble can hang the application.
   */
  private static final long START_WAIT_SECONDS = 5;

  private static volatile SocketEvents events;
  private static volatile CountDownLatch starting;

  private Hooks() {}

  /**
   * Makes the application's connects and accepts wait for {@link #install} (within a bound), so
   * that those made while the agent starts on its own thread are traced too. A connect waits as
   * it starts, so its span does not include the wait; an accept as it returns, its end read before
   * the wait. Closes never wait.
   */
  public static void holdUntilInstalled() {
    starting = new CountDownLatch(1);
  }

  /** Installs (or, with null, removes) the receiver of socket events; releases waiting threads. */
  public static void install(SocketEvents receiver) {
    events = receiver;
    CountDownLatch waiting = starting;
    starting = null;
    if (waiting != null) {
      waiting.countDown();
    }
  }

  /** The receiver, for connects and accepts: while the agent starts, after waiting for it. */
  private static SocketEvents active() {
    return events == null && starting != null ? awaitStart() : current();
  }

  /**
   * The receiver, without waiting for the agent's start: for closes, which matter only for
   * connections traced, and those were made after it.
   */
  private static SocketEvents current() {
    SocketEvents e = events;
    return e == null || AgentThread.isCurrent() ? null : e;
  }

  private static SocketEvents awaitStart() {
    CountDownLatch waiting = starting;
    if (waiting == null || AgentThread.isCurrent()) {
      return current();
    }
    try {
      if (!waiting.await(START_WAIT_SECONDS, TimeUnit.SECONDS) && starting == waiting) {
        starting = null;
        System.err.println(
            "[synscope] WARN agent not ready after "
                + START_WAIT_SECONDS
                + " s; connections are not traced until it is");
      }
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt(); // the application's interrupt, kept for it to see
    }
    return current();
  }

  public static void socketConnect(
      Socket socket, SocketAddress remote, long startNanos, Throwable thrown) {
    SocketEvents e = active();
    if (e != null) {
      try {
        e.socketConnect(socket, remote, startNanos, thrown);
      } catch (Throwable ignored) {
        // the receiver reports its own failures; nothing may reach the application
      }
    }
  }

  public static void channelConnect(
      SocketChannel channel,
      SocketAddress remote,
      int fd,
      long startNanos,
      boolean connected,
      Throwable thrown) {
    SocketEvents e = active();
    if (e != null) {
      try {
        e.channelConnect(channel, remote, fd, startNanos, connected, thrown);
      } catch (Throwable ignored) {
        // see socketConnect
      }
    }
  }

  public static void channelFinishConnect(
      SocketChannel channel, int fd, boolean connected, Throwable thrown) {
    SocketEvents e = active();
    if (e != null) {
      try {
        e.channelFinishConnect(channel, fd, connected, thrown);
      } catch (Throwable ignored) {
        // see socketConnect
      }
    }
  }

  public static void serverSocketAccept(
      ServerSocket server, Socket accepted, long startNanos, Throwable thrown) {
    long endNanos = System.nanoTime(); // before any wait for the agent's start
    SocketEvents e = active();
    if (e != null) {
      try {
        e.serverSocketAccept(server, accepted, startNanos, endNanos, thrown);
      } catch (Throwable ignored) {
        // see socketConnect
      }
    }
  }

  public static void channelAccept(
      ServerSocketChannel server, SocketChannel accepted, long startNanos, Throwable thrown) {
    long endNanos = System.nanoTime(); // before any wait for the agent's start
    SocketEvents e = active();
    if (e != null) {
      try {
        e.channelAccept(server, accepted, startNanos, endNanos, thrown);
      } catch (Throwable ignored) {
        // see socketConnect
      }
    }
  }

  public static Object asyncConnectStart(AsynchronousSocketChannel channel, SocketAddress remote) {
    SocketEvents e = active();
    if (e != null) {
      try {
        return e.asyncConnectStart(channel, remote);
      } catch (Throwable ignored) {
        // see socketConnect
      }
    }
    return null;
  }

  /**
   * The application's completion handler, wrapped so that the agent learns how the connect ended
   * before the application does; the handler itself is called exactly as it would have been.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static CompletionHandler wrapConnectHandler(
      CompletionHandler handler, AsynchronousSocketChannel channel, Object token) {
    if (handler == null || token == null) {
      return handler;
    }
    return new AsyncConnectHandler(handler, channel, token);
  }

  public static void asyncConnectReturned(
      AsynchronousSocketChannel channel, Object token, Object future, Throwable thrown) {
    SocketEvents e = events;
    if (e != null && token != null) {
      try {
        e.asyncConnectReturned(channel, token, future, thrown);
      } catch (Throwable ignored) {
        // see socketConnect
      }
    }
  }

  static void asyncConnectCompleted(
      AsynchronousSocketChannel channel, Object token, Throwable thrown) {
    SocketEvents e = events;
    if (e != null) {
      try {
        e.asyncConnectCompleted(channel, token, thrown);
      } catch (Throwable ignored) {
        // see socketConnect
      }
    }
  }

  public static void asyncConnected(AsynchronousSocketChannel channel, long endNanos) {
    SocketEvents e = events;
    if (e != null) {
      try {
        e.asyncConnected(channel, endNanos);
      } catch (Throwable ignored) {
        // see socketConnect
      }
    }
  }

  public static void asyncFinishConnect(
      AsynchronousSocketChannel channel, Object future, long endNanos) {
    SocketEvents e = events;
    if (e != null) {
      try {
        e.asyncFinishConnect(channel, future, endNanos);
      } catch (Throwable ignored) {
        // see socketConnect
      }
    }
  }

  public static void asyncAcceptStart(AsynchronousServerSocketChannel server, long startNanos) {
    SocketEvents e = active();
    if (e != null) {
      try {
        e.asyncAcceptStart(server, startNanos);
      } catch (Throwable ignored) {
        // see socketConnect
      }
    }
  }

  public static void asyncAccepted(
      AsynchronousServerSocketChannel server, AsynchronousSocketChannel accepted, Throwable thrown) {
    SocketEvents e = events;
    if (e != null) {
      try {
        e.asyncAccepted(server, accepted, thrown);
      } catch (Throwable ignored) {
        // see socketConnect
      }
    }
  }

  public static void connectStarting() {
    SocketEvents e = active();
    if (e != null) {
      try {
        e.connectStarting();
      } catch (Throwable ignored) {
        // see socketConnect
      }
    }
  }

  public static void localAddressRead(FileDescriptor fd, InetSocketAddress address) {
    SocketEvents e = current();
    if (e != null) {
      try {
        e.localAddressRead(fd, address);
      } catch (Throwable ignored) {
        // see socketConnect
      }
    }
  }

  public static void implClosing(Object socketImpl) {
    SocketEvents e = current();
    if (e != null) {
      try {
        e.implClosing(socketImpl);
      } catch (Throwable ignored) {
        // see socketConnect
      }
    }
  }

  public static void channelClosing(Object channel, int fd) {
    SocketEvents e = current();
    if (e != null) {
      try {
        e.channelClosing(channel, fd);
      } catch (Throwable ignored) {
        // see socketConnect
      }
    }
  }
}
