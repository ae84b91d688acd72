package io.synscope.agent.instrument;

import io.synscope.agent.bootstrap.Hooks;
import java.net.Socket;
import java.net.SocketAddress;
import net.bytebuddy.asm.Advice;

/** Inlined into {@code java.net.Socket.connect(SocketAddress, int)}. */
final class SocketConnectAdvice {
  private SocketConnectAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static long enter() {
    Hooks.connectStarting();
    return System.nanoTime();
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  static void exit(
      @Advice.This Socket socket,
      @Advice.Argument(0) SocketAddress remote,
      @Advice.Enter long startNanos,
      @Advice.Thrown Throwable thrown) {
    Hooks.socketConnect(socket, remote, startNanos, thrown);
  }
}
