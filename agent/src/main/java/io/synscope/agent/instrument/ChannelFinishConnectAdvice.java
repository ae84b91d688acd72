package io.synscope.agent.instrument;

import io.synscope.agent.bootstrap.Hooks;
import java.nio.channels.SocketChannel;
import net.bytebuddy.asm.Advice;

/** Inlined into {@code sun.nio.ch.SocketChannelImpl.finishConnect()}. */
final class ChannelFinishConnectAdvice {
  private ChannelFinishConnectAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static void enter() {
    Hooks.connectStarting();
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  static void exit(
      @Advice.This SocketChannel channel,
      @Advice.FieldValue("fdVal") int fd,
      @Advice.Return boolean connected,
      @Advice.Thrown Throwable thrown) {
    Hooks.channelFinishConnect(channel, fd, connected, thrown);
  }
}
