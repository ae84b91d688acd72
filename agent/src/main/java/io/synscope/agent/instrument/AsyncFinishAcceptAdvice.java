package io.synscope.agent.instrument;

import io.synscope.agent.bootstrap.Hooks;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code sun.nio.ch.UnixAsynchronousServerSocketChannelImpl.finishAccept}, through
 * which both an immediate and a deferred asynchronous accept produce the new channel.
 */
final class AsyncFinishAcceptAdvice {
  private AsyncFinishAcceptAdvice() {}

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  static void exit(
      @Advice.This AsynchronousServerSocketChannel server,
      @Advice.Return AsynchronousSocketChannel accepted,
      @Advice.Thrown Throwable thrown) {
    Hooks.asyncAccepted(server, accepted, thrown);
  }
}
