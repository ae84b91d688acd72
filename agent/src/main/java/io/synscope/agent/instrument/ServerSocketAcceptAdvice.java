package io.synscope.agent.instrument;

import io.synscope.agent.bootstrap.Hooks;
import java.net.ServerSocket;
import java.net.Socket;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code java.net.ServerSocket.implAccept(Socket)}, through which {@code accept()}
 * and the accept of every ServerSocket subclass pass.
 */
final class ServerSocketAcceptAdvice {
  private ServerSocketAcceptAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static long enter() {
    return System.nanoTime();
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  static void exit(
      @Advice.This ServerSocket server,
      @Advice.Argument(0) Socket accepted,
      @Advice.Enter long startNanos,
      @Advice.Thrown Throwable thrown) {
    Hooks.serverSocketAccept(server, accepted, startNanos, thrown);
  }
}
