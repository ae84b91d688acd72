package io.synscope.agent.instrument;

import io.synscope.agent.bootstrap.Hooks;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code sun.nio.ch.NioSocketImpl.close()}, the implementation of every {@code
 * java.net.Socket}: the last moment the kernel can be asked about the connection.
 */
final class ImplCloseAdvice {
  private ImplCloseAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static void enter(@Advice.This Object impl) {
    Hooks.implClosing(impl);
  }
}
