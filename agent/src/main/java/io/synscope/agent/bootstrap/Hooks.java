package io.synscope.agent.bootstrap;

import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
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
}
