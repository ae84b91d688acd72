package io.synscope.probe.linux.foreign;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.util.Optional;

/**
 * getsockopt(2) through the JDK's foreign function API (java.lang.foreign, final in JDK 22), where
 * it can be had: a downcall the JIT compiles into its caller, where a JNA call goes through JNA's
 * dispatcher and libffi. On the path that reads tcp_info for every connection, that dispatch was
 * about as much as the system call itself.
 *
 * <p>The probe is built for JDK 17, so the API is reached by reflection once; the handle it gives
 * takes and returns primitives only ({@code int getsockopt(int, int, int, long, long)}, the two
 * pointers as addresses, as the C calling conventions of 64-bit Linux pass them), which code
 * compiled for JDK 17 can invoke exactly.
 *
 * <p>Used on JDK 24 and later, where the JVM already warned once, at JNA's loading, that this code
 * uses native access (the warning is per module, and JNA's library loads first); on JDK 22 and 23
 * only when native access was granted ({@code --enable-native-access}), since using it would
 * otherwise print a warning JNA alone does not cause there.
 *
 * <p>The call does not capture errno: a failed call is made again through JNA, which says why.
 */
public final class ForeignGetsockopt {
  private static final MethodType TYPE =
      MethodType.methodType(int.class, int.class, int.class, int.class, long.class, long.class);

  private static final Object[] HANDLE_OR_CAUSE = create();

  private ForeignGetsockopt() {}

  /**
   * The downcall, {@code (int fd, int level, int name, long value, long length) -> int}, or null
   * when this JVM does not offer it (see {@link #unavailabilityCause()}).
   */
  public static MethodHandle handle() {
    return (MethodHandle) HANDLE_OR_CAUSE[0];
  }

  /** Why {@link #handle()} is null; null when it is not. */
  public static String unavailabilityCause() {
    return (String) HANDLE_OR_CAUSE[1];
  }

  private static Object[] create() {
    int feature = Runtime.version().feature();
    if (feature < 22) {
      return unavailable("JDK " + feature + " has no final foreign function API");
    }
    try {
      if (feature < 24 && !nativeAccessEnabled()) {
        return unavailable("native access not granted (--enable-native-access) on JDK " + feature);
      }
      MethodHandle handle = downcall("getsockopt");
      if (!handle.type().equals(TYPE)) {
        return unavailable("the downcall's type is " + handle.type());
      }
      return new Object[] {handle, null};
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      return unavailable(cause.toString());
    }
  }

  private static boolean nativeAccessEnabled() throws ReflectiveOperationException {
    Method enabled = Module.class.getMethod("isNativeAccessEnabled");
    return (Boolean) enabled.invoke(ForeignGetsockopt.class.getModule());
  }

  /** {@code Linker.nativeLinker().downcallHandle(symbol, FunctionDescriptor.of(...))}. */
  private static MethodHandle downcall(String symbolName) throws ReflectiveOperationException {
    Class<?> linkerType = Class.forName("java.lang.foreign.Linker");
    Class<?> optionType = Class.forName("java.lang.foreign.Linker$Option");
    Class<?> lookupType = Class.forName("java.lang.foreign.SymbolLookup");
    Class<?> segmentType = Class.forName("java.lang.foreign.MemorySegment");
    Class<?> descriptorType = Class.forName("java.lang.foreign.FunctionDescriptor");
    Class<?> layoutType = Class.forName("java.lang.foreign.MemoryLayout");
    Class<?> valueLayoutType = Class.forName("java.lang.foreign.ValueLayout");

    Object linker = linkerType.getMethod("nativeLinker").invoke(null);
    Object lookup = linkerType.getMethod("defaultLookup").invoke(linker);
    Optional<?> symbol =
        (Optional<?>) lookupType.getMethod("find", String.class).invoke(lookup, symbolName);
    if (symbol.isEmpty()) {
      throw new NoSuchMethodException("no " + symbolName + " in the C library");
    }
    Object javaInt = valueLayoutType.getField("JAVA_INT").get(null);
    Object javaLong = valueLayoutType.getField("JAVA_LONG").get(null);
    Object arguments = Array.newInstance(layoutType, 5);
    Object[] argumentLayouts = {javaInt, javaInt, javaInt, javaLong, javaLong};
    for (int i = 0; i < argumentLayouts.length; i++) {
      Array.set(arguments, i, argumentLayouts[i]);
    }
    Object descriptor =
        descriptorType
            .getMethod("of", layoutType, arguments.getClass())
            .invoke(null, javaInt, arguments);
    Object noOptions = Array.newInstance(optionType, 0);
    return (MethodHandle)
        linkerType
            .getMethod("downcallHandle", segmentType, descriptorType, noOptions.getClass())
            .invoke(linker, symbol.get(), descriptor, noOptions);
  }

  private static Object[] unavailable(String cause) {
    return new Object[] {null, cause};
  }
}
