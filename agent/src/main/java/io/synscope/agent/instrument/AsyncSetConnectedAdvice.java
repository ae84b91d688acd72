package io.synscope.agent.instrument;

import io.synscope.agent.bootstrap.Hooks;
import java.nio.channels.AsynchronousSocketChannel;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code sun.nio.ch.UnixAsynchronousSocketChannelImpl.setConnected()}, which marks a
 * connect that succeeded: on the event thread inside {@code finishConnect}, before the connect's
 * future is completed, so the channel is still open whatever the application does with the
 * future's result.
 */
final class AsyncSetConnectedAdvice {
  private AsyncSetConnectedAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static long enter() {
    return System.nanoTime();
  }

  @Advice.OnMethodExit(suppress = Throwable.class)
  static void exit(
      @Advice.This AsynchronousSocketChannel channel, @Advice.Enter long endNanos) {
    Hooks.asyncConnected(channel, endNanos);
  }
}
