package io.synscope.agent.instrument;

import io.synscope.agent.bootstrap.Hooks;
import java.net.SocketAddress;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Inlined into {@code sun.nio.ch.UnixAsynchronousSocketChannelImpl.implConnect(SocketAddress,
 * Object, CompletionHandler)}. A completion handler is wrapped to learn the outcome; a returned
 * future is followed to {@code finishConnect}.
 */
final class AsyncConnectAdvice {
  private AsyncConnectAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static Object enter(
      @Advice.This AsynchronousSocketChannel channel,
      @Advice.Argument(0) SocketAddress remote,
      @Advice.Argument(value = 2, readOnly = false, typing = Assigner.Typing.DYNAMIC)
          CompletionHandler<?, ?> handler) {
    Hooks.connectStarting();
    Object token = Hooks.asyncConnectStart(channel, remote);
    handler = Hooks.wrapConnectHandler(handler, channel, token);
    return token;
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  static void exit(
      @Advice.This AsynchronousSocketChannel channel,
      @Advice.Enter Object token,
      @Advice.Return Object future,
      @Advice.Thrown Throwable thrown) {
    Hooks.asyncConnectReturned(channel, token, future, thrown);
  }
}
