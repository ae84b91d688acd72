package io.synscope.probe.proc;

import java.util.Map;

/**
 * Which process owns which socket inode, from the {@code socket:[inode]} links in {@code
 * /proc/PID/fd}.
 */
public final class SocketOwnership {
  private SocketOwnership() {}

  /** The socket inodes open in this process, sorted. */
  public static long[] selfSocketInodes() {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** The socket inodes open in process {@code pid}, sorted. */
  public static long[] socketInodes(long pid) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** Socket inode to owning pid, for every process whose fd table this user can read. */
  public static Map<Long, Long> owners() {
    throw new UnsupportedOperationException("not yet implemented");
  }
}
