package io.synscope.probe.proc;

import io.synscope.probe.MalformedDataException;
import io.synscope.probe.ProbeException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.LongStream;

/**
 * Which process owns which socket inode, from the {@code socket:[inode]} links in {@code
 * /proc/PID/fd} (proc(5): "For file descriptors for pipes and sockets, the entries will be
 * symbolic links whose content is the file type with the inode").
 *
 * <p>The inode is the one {@code /proc/net/tcp} and netlink report for the socket, so the sockets
 * of one process can be picked out of a dump (see {@code SocketQuery.Builder.inodes}).
 */
public final class SocketOwnership {
  private static final Path PROC = Paths.get("/proc");
  private static final String SOCKET_PREFIX = "socket:[";

  private SocketOwnership() {}

  /** The socket inodes open in this process, sorted. */
  public static long[] selfSocketInodes() {
    return socketInodes(PROC.resolve("self").resolve("fd"));
  }

  /**
   * The socket inodes open in process {@code pid}, sorted.
   *
   * @throws ProbeException when the process does not exist or its fd table cannot be read
   */
  public static long[] socketInodes(long pid) {
    return socketInodes(PROC.resolve(Long.toString(pid)).resolve("fd"));
  }

  /**
   * Socket inode to owning pid, for every process whose fd table this user can read, sorted by
   * inode. Processes that exit while they are read, or whose fd table is not readable (another
   * user's, without privilege), are skipped. A socket shared by several processes (inherited
   * across fork) maps to the lowest pid.
   */
  public static Map<Long, Long> owners() {
    return owners(PROC);
  }

  /** {@link #owners()} over a proc file system mounted at {@code procRoot}. */
  static Map<Long, Long> owners(Path procRoot) {
    long[] pids;
    try {
      pids = pids(procRoot);
    } catch (IOException e) {
      throw new ProbeException("cannot list " + procRoot + ": " + e, e);
    }
    Map<Long, Long> owners = new TreeMap<>();
    for (long pid : pids) {
      long[] inodes;
      try {
        inodes = readSocketInodes(procRoot.resolve(Long.toString(pid)).resolve("fd"));
      } catch (IOException e) {
        // The process exited, or its fd table belongs to another user.
        continue;
      }
      for (long inode : inodes) {
        owners.putIfAbsent(inode, pid);
      }
    }
    return Collections.unmodifiableMap(owners);
  }

  /** The socket inodes linked from the fd directory, sorted. */
  static long[] socketInodes(Path fdDirectory) {
    try {
      return readSocketInodes(fdDirectory);
    } catch (IOException e) {
      throw new ProbeException("cannot read " + fdDirectory + ": " + e, e);
    }
  }

  private static long[] readSocketInodes(Path fdDirectory) throws IOException {
    LongStream.Builder inodes = LongStream.builder();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDirectory)) {
      for (Path fd : fds) {
        String target;
        try {
          target = Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
          // Closed between listing and reading: it is no longer this process's socket.
          continue;
        }
        long inode = parseSocketInode(target);
        if (inode < 0) {
          continue;
        }
        inodes.add(inode);
      }
    }
    return inodes.build().sorted().toArray();
  }

  private static long[] pids(Path procRoot) throws IOException {
    LongStream.Builder pids = LongStream.builder();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(procRoot)) {
      for (Path entry : entries) {
        long pid = parsePid(entry.getFileName().toString());
        if (pid < 0) {
          continue;
        }
        pids.add(pid);
      }
    }
    return pids.build().sorted().toArray();
  }

  /** The pid a /proc entry's name stands for, or -1 for entries that are not processes. */
  static long parsePid(String name) {
    if (name.isEmpty() || name.length() > 18) {
      return -1;
    }
    long pid = 0;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      pid = pid * 10 + (c - '0');
    }
    return pid;
  }

  /**
   * The inode of a {@code socket:[N]} link target, or -1 for anything that is not a socket (a
   * path, {@code pipe:[N]}, {@code anon_inode:[eventpoll]}, ...).
   *
   * @throws MalformedDataException when the target starts as a socket link but does not hold a
   *     decimal inode in brackets
   */
  static long parseSocketInode(String target) {
    if (!target.startsWith(SOCKET_PREFIX)) {
      return -1;
    }
    int end = target.length() - 1;
    int digits = end - SOCKET_PREFIX.length();
    if (target.charAt(end) != ']' || digits < 1 || digits > 18) {
      throw new MalformedDataException(
          "fd link '" + target + "' is not socket:[inode] with a decimal inode");
    }
    long inode = 0;
    for (int i = SOCKET_PREFIX.length(); i < end; i++) {
      char c = target.charAt(i);
      if (c < '0' || c > '9') {
        throw new MalformedDataException(
            "fd link '" + target + "' is not socket:[inode] with a decimal inode");
      }
      inode = inode * 10 + (c - '0');
    }
    return inode;
  }
}
