package io.synscope.agent.bootstrap;

import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The static entry points that advice inlined into JDK socket classes calls. They forward to the
 * agent's {@link SocketEvents} unless none is installed or the calling thread is the agent's own,
 * and they never let anything escape into the application.
 */
public final class Hooks {
  private static volatile SocketEvents events;

  private Hooks() {}

  /** Installs (or, with null, removes) the receiver of socket events. */
  public static void install(SocketEvents receiver) {
    events = receiver;
  }

  private static SocketEvents active() {
    SocketEvents e = events;
    return e == null || AgentThread.isCurrent() ? null : e;
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
    SocketEvents e = active();
    if (e != null) {
      try {
        e.serverSocketAccept(server, accepted, startNanos, thrown);
      } catch (Throwable ignored) {
        // see socketConnect
      }
    }
  }

  public static void channelAccept(
      ServerSocketChannel server, SocketChannel accepted, long startNanos, Throwable thrown) {
    SocketEvents e = active();
    if (e != null) {
      try {
        e.channelAccept(server, accepted, startNanos, thrown);
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

  public static void implClosing(Object socketImpl) {
    SocketEvents e = active();
    if (e != null) {
      try {
        e.implClosing(socketImpl);
      } catch (Throwable ignored) {
        // see socketConnect
      }
    }
  }

  public static void channelClosing(Object channel, int fd) {
    SocketEvents e = active();
    if (e != null) {
      try {
        e.channelClosing(channel, fd);
      } catch (Throwable ignored) {
        // see socketConnect
      }
    }
  }
}
