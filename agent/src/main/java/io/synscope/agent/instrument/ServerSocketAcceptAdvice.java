package io.synscope.agent.instrument;

import io.synscope.agent.bootstrap.Hooks;
import java.net.ServerSocket;
import java.net.Socket;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Inlined into {@code java.net.ServerSocket.implAccept(Socket)}, through which {@code accept()}
 * and the accept of every ServerSocket subclass pass. The sockets are declared as Object so that
 * describing the advice does not load the classes it goes into: at start-up they are then still
 * to be loaded, and are instrumented as they load instead of being retransformed.
 */
final class ServerSocketAcceptAdvice {
  private ServerSocketAcceptAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static long enter() {
    return System.nanoTime();
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  static void exit(
      @Advice.This(typing = Assigner.Typing.DYNAMIC) Object server,
      @Advice.Argument(value = 0, typing = Assigner.Typing.DYNAMIC) Object accepted,
      @Advice.Enter long startNanos,
      @Advice.Thrown Throwable thrown) {
    Hooks.serverSocketAccept((ServerSocket) server, (Socket) accepted, startNanos, thrown);
  }
}
