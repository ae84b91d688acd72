package io.synscope.agent.trace;

import io.synscope.probe.TcpInfo;
import io.synscope.probe.TcpState;

/** Kernel state names for span attributes. */
final class KernelStates {
  private KernelStates() {}

  /** The state in tcp_info by the kernel's name ("ESTABLISHED", "SYN_SENT", ...), or null. */
  static String name(TcpInfo info) {
    TcpState s = TcpState.fromKernel(info.state());
    return s == null ? null : s.name();
  }
}
