package io.synscope.agent.instrument;

import io.synscope.agent.bootstrap.Hooks;
import java.nio.channels.AsynchronousServerSocketChannel;
import net.bytebuddy.asm.Advice;

/** Inlined into {@code sun.nio.ch.UnixAsynchronousServerSocketChannelImpl.implAccept}. */
final class AsyncAcceptStartAdvice {
  private AsyncAcceptStartAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static void enter(@Advice.This AsynchronousServerSocketChannel server) {
    Hooks.asyncAcceptStart(server, System.nanoTime());
  }
}
