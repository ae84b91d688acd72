package io.synscope.agent.instrument;

import io.synscope.agent.bootstrap.Hooks;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import net.bytebuddy.asm.Advice;

/** Inlined into {@code sun.nio.ch.SocketChannelImpl.connect(SocketAddress)}. */
final class ChannelConnectAdvice {
  private ChannelConnectAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static long enter() {
    Hooks.connectStarting();
    return System.nanoTime();
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  static void exit(
      @Advice.This SocketChannel channel,
      @Advice.Argument(0) SocketAddress remote,
      @Advice.FieldValue("fdVal") int fd,
      @Advice.Enter long startNanos,
      @Advice.Return boolean connected,
      @Advice.Thrown Throwable thrown) {
    Hooks.channelConnect(channel, remote, fd, startNanos, connected, thrown);
  }
}
