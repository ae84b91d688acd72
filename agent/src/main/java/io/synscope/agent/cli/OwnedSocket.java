package io.synscope.agent.cli;

import io.synscope.probe.TcpSocket;

/**
 * A socket and the process that holds it, where that is visible.
 *
 * @param socket the kernel's record
 * @param pid the owning process, or null when unknown (no inode, another user's process, gone)
 * @param command the owner's command name ({@code /proc/PID/comm}), or null when unknown
 */
record OwnedSocket(TcpSocket socket, Long pid, String command) {

  /** {@code pid/command} as netstat -p prints it, the pid alone, or "-" when unknown. */
  String processLabel() {
    if (pid == null) {
      return "-";
    }
    return command == null ? pid.toString() : pid + "/" + command;
  }
}
