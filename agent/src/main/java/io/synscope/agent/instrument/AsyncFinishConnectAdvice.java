package io.synscope.agent.instrument;

import io.synscope.agent.bootstrap.Hooks;
import java.nio.channels.AsynchronousSocketChannel;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code sun.nio.ch.UnixAsynchronousSocketChannelImpl.finishConnect(boolean)}, where a
 * pending asynchronous connect completes on the channel group's event thread. A failed connect
 * ends at the method's entry: inside it the future is completed, and the application may already
 * be running on with the outcome before the method returns. A connect that succeeded has ended
 * before that, in {@link AsyncSetConnectedAdvice}, while the channel was surely still open.
 */
final class AsyncFinishConnectAdvice {
  private AsyncFinishConnectAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static long enter() {
    Hooks.connectStarting();
    return System.nanoTime();
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  static void exit(
      @Advice.This AsynchronousSocketChannel channel,
      @Advice.FieldValue("connectFuture") Object future,
      @Advice.Enter long endNanos) {
    Hooks.asyncFinishConnect(channel, future, endNanos);
  }
}
