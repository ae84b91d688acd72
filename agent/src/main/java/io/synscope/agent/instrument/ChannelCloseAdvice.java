package io.synscope.agent.instrument;

import io.synscope.agent.bootstrap.Hooks;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code sun.nio.ch.SocketChannelImpl.implCloseSelectableChannel()} and {@code
 * sun.nio.ch.UnixAsynchronousSocketChannelImpl.implClose()}: the last moment the kernel can be
 * asked about the connection.
 */
final class ChannelCloseAdvice {
  private ChannelCloseAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static void enter(@Advice.This Object channel, @Advice.FieldValue("fdVal") int fd) {
    Hooks.channelClosing(channel, fd);
  }
}
