package io.synscope.probe.linux;

/**
 * Names and glibc's strerror(3) texts of the errno values a netlink dump can report
 * ({@code include/uapi/asm-generic/errno-base.h}, {@code errno.h}), for errors the kernel sends in
 * a message rather than returns from a call.
 */
final class Errno {
  private Errno() {}

  /** "ENOENT: No such file or directory", or "unknown error" for a value not listed. */
  static String describe(int errno) {
    switch (errno) {
      case 1:
        return "EPERM: Operation not permitted";
      case 2:
        return "ENOENT: No such file or directory";
      case 4:
        return "EINTR: Interrupted system call";
      case 11:
        return "EAGAIN: Resource temporarily unavailable";
      case 12:
        return "ENOMEM: Cannot allocate memory";
      case 13:
        return "EACCES: Permission denied";
      case 16:
        return "EBUSY: Device or resource busy";
      case 22:
        return "EINVAL: Invalid argument";
      case 90:
        return "EMSGSIZE: Message too long";
      case 93:
        return "EPROTONOSUPPORT: Protocol not supported";
      case 95:
        return "EOPNOTSUPP: Operation not supported";
      case 97:
        return "EAFNOSUPPORT: Address family not supported by protocol";
      case 105:
        return "ENOBUFS: No buffer space available";
      default:
        return "unknown error";
    }
  }
}
