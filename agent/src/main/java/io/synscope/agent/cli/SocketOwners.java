package io.synscope.agent.cli;

import io.synscope.probe.TcpSocket;
import io.synscope.probe.proc.SocketOwnership;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Attaches owning processes to sockets, by socket inode (see {@link SocketOwnership}). */
final class SocketOwners {
  private final Map<Long, Long> pidByInode;
  private final Map<Long, String> commandByPid = new HashMap<>();

  private SocketOwners(Map<Long, Long> pidByInode) {
    this.pidByInode = pidByInode;
  }

  /** Every process's sockets that this user can see. */
  static SocketOwners scan() {
    return new SocketOwners(SocketOwnership.owners());
  }

  /** The sockets of one process only, all owned by {@code pid}. */
  static SocketOwners ofProcess(long pid, long[] inodes) {
    Map<Long, Long> map = new HashMap<>();
    for (long inode : inodes) {
      map.put(inode, pid);
    }
    return new SocketOwners(map);
  }

  OwnedSocket own(TcpSocket socket) {
    // Request and TIME_WAIT sockets have inode 0 and no owner.
    Long pid = socket.inode() == 0 ? null : pidByInode.get(socket.inode());
    return new OwnedSocket(socket, pid, pid == null ? null : command(pid));
  }

  private String command(long pid) {
    return commandByPid.computeIfAbsent(pid, SocketOwners::readCommand);
  }

  /** The process's name, or null when it has exited meanwhile or is not readable. */
  private static String readCommand(Long pid) {
    try {
      return Files.readString(Path.of("/proc", pid.toString(), "comm"), StandardCharsets.UTF_8)
          .strip();
    } catch (IOException | SecurityException e) {
      return null; // the name is a label only; the pid is still shown
    }
  }
}
