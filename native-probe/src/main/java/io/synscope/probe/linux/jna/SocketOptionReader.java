package io.synscope.probe.linux.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.synscope.probe.linux.foreign.ForeignGetsockopt;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads a socket option with getsockopt(2), or the socket's own address with getsockname(2), into
 * reused direct buffers. Not thread-safe: use one reader per thread.
 */
public final class SocketOptionReader {
  /** Set once the foreign downcall is ready; until then, and without it, reads use JNA. */
  private static volatile boolean foreignReady;

  private final ByteBuffer value;
  private final long valueAddress;
  /** The {@code socklen_t} (u32) that getsockopt reads the capacity from and writes the length to. */
  private final ByteBuffer length;
  private final long lengthAddress;
  /** Room for a {@code struct sockaddr_storage} (socket.h): 128 bytes. */
  private final ByteBuffer name;
  private final long nameAddress;

  /** A reader for option values of up to {@code capacity} bytes. */
  public SocketOptionReader(int capacity) {
    this.value = ByteBuffer.allocateDirect(capacity).order(ByteOrder.nativeOrder());
    this.valueAddress = Pointer.nativeValue(Native.getDirectBufferPointer(value));
    this.length = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
    this.lengthAddress = Pointer.nativeValue(Native.getDirectBufferPointer(length));
    this.name = ByteBuffer.allocateDirect(128).order(ByteOrder.nativeOrder());
    this.nameAddress = Pointer.nativeValue(Native.getDirectBufferPointer(name));
  }

  /**
   * Calls {@code getsockopt(fd, level, name, ...)}.
   *
   * @param operation the call's name for the error message, e.g. {@code getsockopt(TCP_INFO)}
   * @return the option's length as the kernel reported it; the value is in {@link #value()}
   * @throws io.synscope.probe.NativeCallException when getsockopt fails (EBADF, ENOTSOCK, ...)
   */
  public int read(int fd, int level, int name, String operation) {
    if (foreignReady) {
      MethodHandle foreign = Foreign.GETSOCKOPT;
      length.putInt(0, value.capacity());
      int result;
      try {
        result = (int) foreign.invokeExact(fd, level, name, valueAddress, lengthAddress);
      } catch (Throwable t) {
        throw new IllegalStateException("getsockopt through java.lang.foreign failed", t);
      }
      if (result == 0) {
        return valueRead();
      }
      // The foreign call does not capture errno: the call below is made again to say why.
    }
    while (true) {
      length.putInt(0, value.capacity());
      try {
        LibC.getsockopt(fd, level, name, valueAddress, lengthAddress);
      } catch (LastErrorException e) {
        if (e.getErrorCode() == NativeErrors.EINTR) {
          continue;
        }
        throw NativeErrors.of(operation, e);
      }
      return valueRead();
    }
  }

  private int valueRead() {
    int n = length.getInt(0);
    value.clear();
    value.limit(Math.min(n, value.capacity()));
    return n;
  }

  /**
   * Looks up the foreign getsockopt ({@link ForeignGetsockopt}), which takes about a tenth of a
   * second on JDK 25: on a thread of the caller's choosing, not an application's, whose reads go
   * through JNA until this has returned. JNA's library is loaded first, so that the JVM's one
   * warning about this code's native access (JDK 24 and later) names JNA, as it did before.
   *
   * @return how getsockopt is called from now on: {@code java.lang.foreign}, or {@code JNA} and
   *     why not the other
   */
  public static String prepareForeignCalls() {
    try {
      Native.getDefaultStringEncoding(); // loads JNA's library
      foreignReady = Foreign.GETSOCKOPT != null;
    } catch (RuntimeException | LinkageError e) {
      return "JNA (" + e + ")";
    }
    return foreignReady
        ? "java.lang.foreign"
        : "JNA (" + ForeignGetsockopt.unavailabilityCause() + ")";
  }

  /** The downcall in a constant, so that the JIT compiles it into {@link #read}. */
  private static final class Foreign {
    static final MethodHandle GETSOCKOPT = ForeignGetsockopt.handle();
  }

  /**
   * Calls {@code getsockname(fd, ...)}.
   *
   * @return the buffer holding the {@code struct sockaddr}, position 0 and limit its length
   * @throws io.synscope.probe.NativeCallException when getsockname fails (EBADF, ENOTSOCK)
   */
  public ByteBuffer readName(int fd) {
    while (true) {
      length.putInt(0, name.capacity());
      try {
        LibC.getsockname(fd, nameAddress, lengthAddress);
      } catch (LastErrorException e) {
        if (e.getErrorCode() == NativeErrors.EINTR) {
          continue;
        }
        throw NativeErrors.of("getsockname", e);
      }
      name.clear();
      name.limit(Math.min(length.getInt(0), name.capacity()));
      return name;
    }
  }

  /** The buffer holding the last value read, position 0 and limit its length. */
  public ByteBuffer value() {
    return value;
  }
}
