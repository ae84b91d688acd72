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
  /** The NIO classes that keep their descriptor in an int field {@code fdVal}. */
  private static final String[] CHANNEL_CLASSES = {
    "sun.nio.ch.SocketChannelImpl",
    "sun.nio.ch.ServerSocketChannelImpl",
    "sun.nio.ch.UnixAsynchronousSocketChannelImpl",
    "sun.nio.ch.UnixAsynchronousServerSocketChannelImpl"
  };

  private final VarHandle socketImpl;
  private final Class<?> delegatingImpl;
  private final VarHandle delegate;
  private final VarHandle serverSocketImpl;
  private final VarHandle implFd;
  private final VarHandle fdInt;
  private final Class<?>[] channelClasses;
  private final VarHandle[] channelFds;

  private SocketDescriptors(
      VarHandle socketImpl,
      Class<?> delegatingImpl,
      VarHandle delegate,
      VarHandle serverSocketImpl,
      VarHandle implFd,
      VarHandle fdInt,
      Class<?>[] channelClasses,
      VarHandle[] channelFds) {
    this.socketImpl = socketImpl;
    this.delegatingImpl = delegatingImpl;
    this.delegate = delegate;
    this.serverSocketImpl = serverSocketImpl;
    this.implFd = implFd;
    this.fdInt = fdInt;
    this.channelClasses = channelClasses;
    this.channelFds = channelFds;
  }

  /**
   * Opens the JDK's socket packages to the agent and prepares the handles; null (with one warning)
   * when this JDK's classes don't have the expected fields.
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
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      Class<?>[] classes = new Class<?>[CHANNEL_CLASSES.length];
      VarHandle[] fds = new VarHandle[CHANNEL_CLASSES.length];
      for (int i = 0; i < classes.length; i++) {
        classes[i] = Class.forName(CHANNEL_CLASSES[i]);
        fds[i] =
            MethodHandles.privateLookupIn(classes[i], lookup)
                .findVarHandle(classes[i], "fdVal", int.class);
      }
      Class<?> delegating = Class.forName("java.net.DelegatingSocketImpl");
      return new SocketDescriptors(
          MethodHandles.privateLookupIn(Socket.class, lookup)
              .findVarHandle(Socket.class, "impl", SocketImpl.class),
          delegating,
          MethodHandles.privateLookupIn(delegating, lookup)
              .findVarHandle(delegating, "delegate", SocketImpl.class),
          MethodHandles.privateLookupIn(ServerSocket.class, lookup)
              .findVarHandle(ServerSocket.class, "impl", SocketImpl.class),
          MethodHandles.privateLookupIn(SocketImpl.class, lookup)
              .findVarHandle(SocketImpl.class, "fd", FileDescriptor.class),
          MethodHandles.privateLookupIn(FileDescriptor.class, lookup)
              .findVarHandle(FileDescriptor.class, "fd", int.class),
          classes,
          fds);
    } catch (ReflectiveOperationException | RuntimeException e) {
      AgentLog.warn(
          "this JDK's socket classes are not as expected; spans carry no kernel data: " + e);
      return null;
    }
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
    Object impl = socketImpl.getVolatile(socket);
    while (delegatingImpl.isInstance(impl)) {
      impl = delegate.get(impl);
    }
    return impl;
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
    Object impl = serverSocketImpl.getVolatile(server);
    while (delegatingImpl.isInstance(impl)) {
      impl = delegate.get(impl);
    }
    return ofOwner(impl);
  }

  /**
   * The descriptor held by a {@code SocketImpl} or a NIO channel (blocking, non-blocking,
   * asynchronous; server or not); -1 if none.
   */
  public int ofOwner(Object owner) {
    if (owner instanceof SocketImpl) {
      Object fd = implFd.get(owner);
      return fd instanceof FileDescriptor ? (int) fdInt.get(fd) : -1;
    }
    for (int i = 0; i < channelClasses.length; i++) {
      if (channelClasses[i].isInstance(owner)) {
        return (int) channelFds[i].get(owner);
      }
    }
    return -1;
  }
}
