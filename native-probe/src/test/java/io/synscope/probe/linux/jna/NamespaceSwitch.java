package io.synscope.probe.linux.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * Moves the calling thread into a network namespace with setns(2). Only the calling thread moves
 * (each thread is its own task for namespaces): sockets it creates afterwards, netlink sockets
 * included, belong to that namespace.
 */
public final class NamespaceSwitch {
  /** CLONE_NEWNET (linux/sched.h). */
  private static final int CLONE_NEWNET = 0x40000000;
  /** O_RDONLY | O_CLOEXEC. */
  private static final int OPEN_FLAGS = 0x80000;

  static {
    Native.register(NamespaceSwitch.class, Platform.C_LIBRARY_NAME);
  }

  private NamespaceSwitch() {}

  private static native int open(String path, int flags) throws LastErrorException;

  private static native int setns(int fd, int nstype) throws LastErrorException;

  private static native int close(int fd) throws LastErrorException;

  /** Enters the network namespace whose handle is the file {@code path} (/run/netns/NAME). */
  public static void enterNetworkNamespace(String path) {
    int fd = open(path, OPEN_FLAGS);
    try {
      setns(fd, CLONE_NEWNET);
    } finally {
      close(fd);
    }
  }
}
