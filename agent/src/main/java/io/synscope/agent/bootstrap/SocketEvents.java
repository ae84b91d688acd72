package io.synscope.agent.bootstrap;

import java.io.FileDescriptor;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * What the instrumented JDK socket classes report, in JDK types only, because this interface lives
 * on the bootstrap class path where the JDK's classes can see it. The agent implements it. Each
 * call happens on the application's thread, after the JDK method has done its work: an
 * implementation must be fast, must not block, and must not throw.
 *
 * <p>Times are {@link System#nanoTime()} readings.
 */
public interface SocketEvents {

  /** {@code Socket.connect(SocketAddress, int)} returned or threw. */
  void socketConnect(Socket socket, SocketAddress remote, long startNanos, Throwable thrown);

  /**
   * {@code SocketChannel.connect} returned or threw, or a socket adaptor's blocking connect did.
   * {@code connected} is false for a non-blocking connect still in progress, which {@link
   * #channelFinishConnect} completes.
   */
  void channelConnect(
      SocketChannel channel,
      SocketAddress remote,
      int fd,
      long startNanos,
      boolean connected,
      Throwable thrown);

  /** {@code SocketChannel.finishConnect()} returned or threw. */
  void channelFinishConnect(SocketChannel channel, int fd, boolean connected, Throwable thrown);

  /**
   * {@code ServerSocket.accept()} (through {@code implAccept(Socket)}) returned, at {@code
   * endNanos}, or threw.
   */
  void serverSocketAccept(
      ServerSocket server, Socket accepted, long startNanos, long endNanos, Throwable thrown);

  /**
   * {@code ServerSocketChannel.accept()} returned, at {@code endNanos}, or threw; {@code accepted}
   * null if none was ready.
   */
  void channelAccept(
      ServerSocketChannel server,
      SocketChannel accepted,
      long startNanos,
      long endNanos,
      Throwable thrown);

  /**
   * {@code AsynchronousSocketChannel.connect} is starting. Returns a token that follows this
   * connect to its completion (passed back to {@link #asyncConnectReturned} and {@link
   * #asyncConnectCompleted}), or null not to follow it.
   */
  Object asyncConnectStart(AsynchronousSocketChannel channel, SocketAddress remote);

  /**
   * The connect call returned {@code future} (null when the application gave a completion
   * handler, which reports through {@link #asyncConnectCompleted}) or threw.
   */
  void asyncConnectReturned(
      AsynchronousSocketChannel channel, Object token, Object future, Throwable thrown);

  /** A connect completed through its completion handler, successfully when thrown is null. */
  void asyncConnectCompleted(AsynchronousSocketChannel channel, Object token, Throwable thrown);

  /**
   * An asynchronous channel's connect succeeded (its state set to connected), on the event thread
   * before its future is completed, or inside {@code connect} when it connected at once; {@code
   * endNanos} is read as the kernel's answer was known.
   */
  void asyncConnected(AsynchronousSocketChannel channel, long endNanos);

  /**
   * The channel's pending connect finished on the event thread; {@code future} holds its result.
   * {@code endNanos} is read before the future was completed.
   */
  void asyncFinishConnect(AsynchronousSocketChannel channel, Object future, long endNanos);

  /** {@code AsynchronousServerSocketChannel.accept} is starting. */
  void asyncAcceptStart(AsynchronousServerSocketChannel server, long startNanos);

  /** An asynchronous accept produced a channel, or failed. */
  void asyncAccepted(
      AsynchronousServerSocketChannel server, AsynchronousSocketChannel accepted, Throwable thrown);

  /**
   * This thread is about to connect (or finish connecting): if the JDK closes the socket because
   * the attempt failed, {@link #implClosing} or {@link #channelClosing} comes first, on this thread,
   * and the kernel can still be asked how the attempt went.
   */
  void connectStarting();

  /**
   * The JDK read a socket's local address ({@code sun.nio.ch.Net.localAddress}) on this thread, as
   * it does at the end of a {@code java.net.Socket}'s connect and accept.
   */
  void localAddressRead(FileDescriptor fd, InetSocketAddress address);

  /** A {@code java.net.Socket}'s implementation ({@code NioSocketImpl}) is about to close. */
  void implClosing(Object socketImpl);

  /** A socket channel (blocking, non-blocking or asynchronous) is about to close. */
  void channelClosing(Object channel, int fd);
}
