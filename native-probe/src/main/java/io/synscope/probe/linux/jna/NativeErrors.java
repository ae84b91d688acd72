package io.synscope.probe.linux.jna;

import com.sun.jna.LastErrorException;
import io.synscope.probe.NativeCallException;

/** Turns a failed libc call into the probe's one exception type, with strerror(3)'s message. */
final class NativeErrors {
  /** errno EINTR (asm-generic/errno-base.h): the call was interrupted by a signal. */
  static final int EINTR = 4;

  private NativeErrors() {}

  static NativeCallException of(String operation, LastErrorException e) {
    return of(operation, e.getErrorCode());
  }

  static NativeCallException of(String operation, int errno) {
    String description;
    try {
      description = LibC.strerror(errno);
    } catch (RuntimeException | LinkageError e) {
      description = null;
    }
    return new NativeCallException(operation, errno, description);
  }
}
