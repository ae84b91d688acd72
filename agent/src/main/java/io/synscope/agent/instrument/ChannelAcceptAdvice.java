package io.synscope.agent.instrument;

import io.synscope.agent.bootstrap.Hooks;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code sun.nio.ch.ServerSocketChannelImpl.accept()} and {@code blockingAccept(long)}
 * (the latter serves {@code ServerSocketChannel.socket().accept()}).
 */
final class ChannelAcceptAdvice {
  private ChannelAcceptAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static long enter() {
    return System.nanoTime();
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  static void exit(
      @Advice.This ServerSocketChannel server,
      @Advice.Return SocketChannel accepted,
      @Advice.Enter long startNanos,
      @Advice.Thrown Throwable thrown) {
    Hooks.channelAccept(server, accepted, startNanos, thrown);
  }
}
