package io.synscope.agent.instrument;

import io.synscope.agent.bootstrap.Hooks;
import java.net.Socket;
import java.net.SocketAddress;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Inlined into {@code java.net.Socket.connect(SocketAddress, int)}. The socket is declared as
 * Object so that describing the advice does not load the class it goes into: at start-up that
 * class is then still to be loaded, and is instrumented as it loads instead of being retransformed.
 */
final class SocketConnectAdvice {
  private SocketConnectAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static long enter() {
    Hooks.connectStarting();
    return System.nanoTime();
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  static void exit(
      @Advice.This(typing = Assigner.Typing.DYNAMIC) Object socket,
      @Advice.Argument(0) SocketAddress remote,
      @Advice.Enter long startNanos,
      @Advice.Thrown Throwable thrown) {
    Hooks.socketConnect((Socket) socket, remote, startNanos, thrown);
  }
}
