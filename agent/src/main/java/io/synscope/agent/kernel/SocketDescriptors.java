package io.synscope.agent.kernel;

import io.synscope.agent.AgentLog;
import java.io.FileDescriptor;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketImpl;
import java.nio.channels.Channel;
import java.util.Map;
import java.util.Set;

/**
 * The file descriptor behind a JDK socket object, so that the kernel can be asked about that very
 * socket (getsockopt TCP_INFO). The JDK keeps it in private fields: {@code Socket.impl}, {@code
 * SocketImpl.fd}, {@code FileDescriptor.fd}, and {@code fdVal} in the NIO channel classes. The
 * agent opens those packages to itself once, through {@link Instrumentation#redefineModule}, and
 * reads the fields with var handles.
 *
 * <p>Returns -1 whenever a descriptor cannot be had (a field missing on some JDK, a closed
 * socket); callers then do without kernel data.
 */
public final class SocketDescriptors {
  private static final SocketDescriptors INSTANCE = new SocketDescriptors();

  private volatile boolean usable = true;

  private SocketDescriptors() {}

  /**
   * Opens the JDK's socket packages to the agent. The handles are prepared on first use: looking
   * them up loads the socket classes, which at start-up would make them classes to retransform
   * instead of classes instrumented as they load, and costs an application that never opens a
   * socket for nothing.
   */
  public static SocketDescriptors create(Instrumentation inst) {
    Module javaBase = Object.class.getModule();
    Module agent = SocketDescriptors.class.getModule();
    inst.redefineModule(
        javaBase,
        Set.of(),
        Map.of(),
        Map.of(
            "java.net", Set.of(agent),
            "java.io", Set.of(agent),
            "sun.nio.ch", Set.of(agent)),
        Set.of(),
        Map.of());
    return INSTANCE;
  }

  /**
   * The object that owns a {@link Socket}'s descriptor and sees its close: the socket's channel
   * when it is a channel's adaptor, else the platform {@code SocketImpl} (a client socket's impl is
   * a SOCKS wrapper around it); null if there is none yet.
   */
  public Object ownerOf(Socket socket) {
    Channel ch = socket.getChannel();
    if (ch != null) {
      return ch;
    }
    if (!usable) {
      return null;
    }
    try {
      return platformImpl(Fields.SOCKET_IMPL.getVolatile(socket));
    } catch (LinkageError e) {
      return unusable(e, null);
    }
  }

  /** The descriptor of a {@link Socket}; -1 if none. */
  public int of(Socket socket) {
    return ofOwner(ownerOf(socket));
  }

  /** The descriptor of a {@link ServerSocket}; -1 if none. */
  public int of(ServerSocket server) {
    Channel ch = server.getChannel();
    if (ch != null) {
      return ofOwner(ch);
    }
    if (!usable) {
      return -1;
    }
    try {
      return ofOwner(platformImpl(Fields.SERVER_SOCKET_IMPL.getVolatile(server)));
    } catch (LinkageError e) {
      return unusable(e, -1);
    }
  }

  /** The descriptor number a {@link FileDescriptor} holds; -1 if none (closed). */
  public int of(FileDescriptor fd) {
    if (!usable) {
      return -1;
    }
    try {
      return (int) Fields.FD_INT.get(fd);
    } catch (LinkageError e) {
      return unusable(e, -1);
    }
  }

  private static Object platformImpl(Object impl) {
    while (Fields.DELEGATING_IMPL.isInstance(impl)) {
      impl = Fields.DELEGATE.get(impl);
    }
    return impl;
  }

  /**
   * The descriptor held by a {@code SocketImpl} or a NIO channel (blocking, non-blocking,
   * asynchronous; server or not); -1 if none.
   */
  public int ofOwner(Object owner) {
    if (!usable) {
      return -1;
    }
    try {
      return descriptorOf(owner);
    } catch (LinkageError e) {
      return unusable(e, -1);
    }
  }

  /**
   * The handles could not be prepared (this JDK's classes are not as expected): says so once, and
   * from then on answers that there is no descriptor.
   */
  private <T> T unusable(LinkageError e, T answer) {
    if (usable) {
      usable = false;
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      AgentLog.warn(
          "this JDK's socket classes are not as expected; spans carry no kernel data: " + cause);
    }
    return answer;
  }

  private static int descriptorOf(Object owner) {
    if (owner instanceof SocketImpl) {
      Object fd = Fields.IMPL_FD.get(owner);
      return fd instanceof FileDescriptor ? (int) Fields.FD_INT.get(fd) : -1;
    }
    if (Fields.SOCKET_CHANNEL.isInstance(owner)) {
      return (int) Fields.SOCKET_CHANNEL_FD.get(owner);
    }
    if (Fields.SERVER_SOCKET_CHANNEL.isInstance(owner)) {
      return (int) Fields.SERVER_SOCKET_CHANNEL_FD.get(owner);
    }
    if (Fields.ASYNC_SOCKET_CHANNEL.isInstance(owner)) {
      return (int) Fields.ASYNC_SOCKET_CHANNEL_FD.get(owner);
    }
    if (Fields.ASYNC_SERVER_SOCKET_CHANNEL.isInstance(owner)) {
      return (int) Fields.ASYNC_SERVER_SOCKET_CHANNEL_FD.get(owner);
    }
    return -1;
  }

  /**
   * The handles, in static final fields so that the JIT treats them as constants and a read
   * compiles to a plain field load (a handle in an instance field is invoked through its generic
   * adapter, several times slower on a path taken a few times per connection). Initialised on
   * first use, which comes after the packages were opened; a class or field missing here makes
   * the initialisation fail, and every use after it.
   */
  private static final class Fields {
    static final VarHandle SOCKET_IMPL = field(Socket.class, "impl", SocketImpl.class);
    static final VarHandle SERVER_SOCKET_IMPL = field(ServerSocket.class, "impl", SocketImpl.class);
    static final Class<?> DELEGATING_IMPL = type("java.net.DelegatingSocketImpl");
    static final VarHandle DELEGATE = field(DELEGATING_IMPL, "delegate", SocketImpl.class);
    static final VarHandle IMPL_FD = field(SocketImpl.class, "fd", FileDescriptor.class);
    static final VarHandle FD_INT = field(FileDescriptor.class, "fd", int.class);
    // The NIO classes keep their descriptor in an int field fdVal.
    static final Class<?> SOCKET_CHANNEL = type("sun.nio.ch.SocketChannelImpl");
    static final VarHandle SOCKET_CHANNEL_FD = fdVal(SOCKET_CHANNEL);
    static final Class<?> SERVER_SOCKET_CHANNEL = type("sun.nio.ch.ServerSocketChannelImpl");
    static final VarHandle SERVER_SOCKET_CHANNEL_FD = fdVal(SERVER_SOCKET_CHANNEL);
    static final Class<?> ASYNC_SOCKET_CHANNEL =
        type("sun.nio.ch.UnixAsynchronousSocketChannelImpl");
    static final VarHandle ASYNC_SOCKET_CHANNEL_FD = fdVal(ASYNC_SOCKET_CHANNEL);
    static final Class<?> ASYNC_SERVER_SOCKET_CHANNEL =
        type("sun.nio.ch.UnixAsynchronousServerSocketChannelImpl");
    static final VarHandle ASYNC_SERVER_SOCKET_CHANNEL_FD = fdVal(ASYNC_SERVER_SOCKET_CHANNEL);

    private Fields() {}

    private static Class<?> type(String name) {
      try {
        return Class.forName(name, false, null); // loaded, not initialised: cheaper
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("no class " + name, e);
      }
    }

    private static VarHandle fdVal(Class<?> channelClass) {
      return field(channelClass, "fdVal", int.class);
    }

    private static VarHandle field(Class<?> owner, String name, Class<?> type) {
      try {
        return MethodHandles.privateLookupIn(owner, MethodHandles.lookup())
            .findVarHandle(owner, name, type);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("no field " + owner.getName() + "." + name, e);
      }
    }
  }
}
