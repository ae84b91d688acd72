package io.synscope.agent.instrument;

import io.synscope.agent.bootstrap.Hooks;
import java.io.FileDescriptor;
import java.net.InetSocketAddress;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code sun.nio.ch.Net.localAddress(FileDescriptor)}, which {@code NioSocketImpl}
 * calls at the end of every connect and accept only to keep the local port: the agent takes the
 * whole address from there instead of asking the kernel again.
 */
final class NetLocalAddressAdvice {
  private NetLocalAddressAdvice() {}

  @Advice.OnMethodExit(suppress = Throwable.class)
  static void exit(
      @Advice.Argument(0) FileDescriptor fd, @Advice.Return InetSocketAddress address) {
    Hooks.localAddressRead(fd, address);
  }
}
