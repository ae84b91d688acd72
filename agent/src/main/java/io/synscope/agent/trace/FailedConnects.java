package io.synscope.agent.trace;

import io.synscope.agent.kernel.KernelFacts;
import io.synscope.probe.TcpInfo;

/**
 * Catches the kernel's view of a connect that failed. The JDK closes a socket whose connect
 * failed before the exception reaches the application, so the tracer asks at that close, which
 * happens on the connecting thread between {@link #starting} and {@link #take}.
 */
final class FailedConnects {
  /** One thread's attempt in progress. */
  private static final class Attempt {
    boolean active;
    TcpInfo lastWord;
  }

  private final ThreadLocal<Attempt> attempts = ThreadLocal.withInitial(Attempt::new);
  private final KernelFacts kernel;

  FailedConnects(KernelFacts kernel) {
    this.kernel = kernel;
  }

  /** The calling thread starts (or goes on with) a connect. */
  void starting() {
    Attempt a = attempts.get();
    a.active = true;
    a.lastWord = null;
  }

  /**
   * A socket is closing on this thread: if it is the one being connected, ask the kernel now.
   *
   * @return what the kernel said, or null when no connect was in progress
   */
  TcpInfo closing(int fd) {
    Attempt a = attempts.get();
    if (a.active && a.lastWord == null) {
      a.lastWord = kernel.tcpInfo(fd);
      return a.lastWord;
    }
    return null;
  }

  /** Ends the calling thread's attempt; returns what the kernel said at the close, or null. */
  TcpInfo take() {
    Attempt a = attempts.get();
    TcpInfo info = a.lastWord;
    a.active = false;
    a.lastWord = null;
    return info;
  }
}
