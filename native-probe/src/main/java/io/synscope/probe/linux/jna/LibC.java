package io.synscope.probe.linux.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The few libc calls the probe needs, bound by JNA direct mapping (a native method per call, no
 * proxy, no argument boxing). Signatures follow the man pages: socket(2), sendto(2), recv(2),
 * getsockopt(2), getsockname(2), close(2), strerror(3). {@code size_t} and {@code ssize_t} are Java {@code long}s,
 * which holds on the 64-bit Linux platforms the probe supports; the class refuses to load
 * elsewhere.
 */
final class LibC {
  static {
    if (!Platform.isLinux() || Native.SIZE_T_SIZE != 8) {
      throw new UnsupportedOperationException(
          "the native probe needs 64-bit Linux; this is "
              + System.getProperty("os.name") + " with a " + Native.SIZE_T_SIZE + "-byte size_t");
    }
    Native.register(LibC.class, Platform.C_LIBRARY_NAME);
  }

  private LibC() {}

  /** socket(2). */
  static native int socket(int domain, int type, int protocol) throws LastErrorException;

  /** sendto(2); {@code destAddr} may be null. */
  static native long sendto(
      int fd, Pointer buf, long len, int flags, Pointer destAddr, int addrLen)
      throws LastErrorException;

  /** recv(2). */
  static native long recv(int fd, Pointer buf, long len, int flags) throws LastErrorException;

  /**
   * getsockopt(2); {@code optLen} points to a {@code socklen_t} (u32), in and out. The pointers
   * are addresses: with primitive arguments only, JNA's dispatch converts nothing, which matters
   * on the path that runs for every connection.
   */
  static native int getsockopt(int fd, int level, int optName, long optVal, long optLen)
      throws LastErrorException;

  /** getsockname(2); {@code addrLen} points to a {@code socklen_t} (u32), in and out. */
  static native int getsockname(int fd, long addr, long addrLen) throws LastErrorException;

  /** close(2). */
  static native int close(int fd) throws LastErrorException;

  /** strerror(3): glibc returns a static, per-locale string for known errors. */
  static native String strerror(int errnum);
}
