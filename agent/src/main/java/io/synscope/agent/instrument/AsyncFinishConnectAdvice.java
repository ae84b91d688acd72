package io.synscope.agent.instrument;

import io.synscope.agent.bootstrap.Hooks;
import java.nio.channels.AsynchronousSocketChannel;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code sun.nio.ch.UnixAsynchronousSocketChannelImpl.finishConnect(boolean)}, where a
 * pending asynchronous connect completes on the channel group's event thread.
 */
final class AsyncFinishConnectAdvice {
  private AsyncFinishConnectAdvice() {}

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  static void exit(
      @Advice.This AsynchronousSocketChannel channel,
      @Advice.FieldValue("connectFuture") Object future) {
    Hooks.asyncFinishConnect(channel, future);
  }
}
