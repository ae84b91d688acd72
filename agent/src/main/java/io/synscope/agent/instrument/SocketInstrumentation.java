package io.synscope.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.none;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.synscope.agent.AgentLog;
import io.synscope.agent.bootstrap.AgentThread;
import io.synscope.agent.bootstrap.Hooks;
import java.io.FileDescriptor;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.utility.JavaModule;

/**
 * Weaves the socket advice into the JDK: {@code java.net.Socket}, {@code java.net.ServerSocket},
 * {@code sun.nio.ch.SocketChannelImpl}, {@code sun.nio.ch.ServerSocketChannelImpl}, the Linux
 * asynchronous channels {@code sun.nio.ch.UnixAsynchronous(Server)SocketChannelImpl}, and {@code
 * sun.nio.ch.Net.localAddress}, where the JDK reads a connected socket's local address.
 *
 * <p>What is registered with the JVM is this class, a transformer that looks at class names only:
 * Byte Buddy, a few hundred classes loaded and run for the first time (the largest part of the
 * agent's start-up), is prepared by {@link #prepareNow} on an agent thread or by the first thread
 * that loads one of the socket classes, whichever comes first, so that premain does not wait for
 * it. No thread waits for another inside class loading for longer than a bound: a class it could
 * not weave then is retransformed by an agent thread as soon as it is loaded.
 */
public final class SocketInstrumentation implements ClassFileTransformer {
  /** The classes the advice goes into. */
  private static final Set<String> INSTRUMENTED =
      Set.of(
          "java.net.Socket",
          "java.net.ServerSocket",
          "sun.nio.ch.SocketChannelImpl",
          "sun.nio.ch.NioSocketImpl",
          "sun.nio.ch.ServerSocketChannelImpl",
          "sun.nio.ch.UnixAsynchronousSocketChannelImpl",
          "sun.nio.ch.UnixAsynchronousServerSocketChannelImpl",
          "sun.nio.ch.Net");

  /** The same, as the JVM names them to a transformer. */
  private static final Set<String> INTERNAL_NAMES = internalNames(INSTRUMENTED);

  private static final int MAX_PASSES = 3;
  /** How long a thread loading a socket class waits for another that is preparing the advice. */
  private static final long PREPARE_WAIT_SECONDS = 5;
  /** How long the agent's own start waits for another thread that is preparing the advice. */
  private static final long PREPARE_WAIT_AGENT_SECONDS = 60;
  /** How long a class missed while loading is looked for among the loaded ones. */
  private static final long FOLLOW_UP_NANOS = TimeUnit.SECONDS.toNanos(2);

  private final Instrumentation inst;
  private final ReentrantLock preparing = new ReentrantLock();
  /** Classes that loaded without their advice, and when (System.nanoTime). */
  private final Map<String, Long> missed = new ConcurrentHashMap<>();
  private final AtomicBoolean followingUp = new AtomicBoolean();
  private final ThreadLocal<Boolean> weaving = new ThreadLocal<>();
  private volatile ClassFileTransformer woven;
  private volatile boolean off;

  private SocketInstrumentation(Instrumentation inst) {
    this.inst = inst;
  }

  // A loop, not a stream: the first lambda of a JVM costs milliseconds, and premain runs this.
  private static Set<String> internalNames(Set<String> names) {
    Set<String> internal = new HashSet<>();
    for (String name : names) {
      internal.add(name.replace('.', '/'));
    }
    return Set.copyOf(internal);
  }

  /**
   * Registers the transformer; cheap, nothing of Byte Buddy is loaded yet. Socket classes that
   * load from now on are woven as they load.
   */
  public static SocketInstrumentation register(Instrumentation inst) {
    SocketInstrumentation instrumentation = new SocketInstrumentation(inst);
    inst.addTransformer(instrumentation, true);
    return instrumentation;
  }

  /**
   * Prepares the advice if no thread has yet, and retransforms the socket classes loaded before
   * the transformer came (always the case after a late attach).
   */
  public void prepareNow() {
    if (weaver(PREPARE_WAIT_AGENT_SECONDS) == null) {
      return;
    }
    // Again those that were loaded while another was being transformed (describing
    // SocketChannelImpl loads Socket on JDK 25): Byte Buddy does not transform a class that loads
    // during a transformation on the same thread.
    for (int pass = 0; pass < MAX_PASSES; pass++) {
      List<Class<?>> pending = loadedNotDone(INSTRUMENTED);
      if (pending.isEmpty()) {
        return;
      }
      retransform(pending);
    }
  }

  /** Whether a socket class is loaded without its advice (loaded before the transformer came). */
  public boolean anyLoadedWithoutAdvice() {
    return !loadedNotDone(INSTRUMENTED).isEmpty();
  }

  /** Stops weaving classes that load from now on; those woven keep their advice. */
  public void remove() {
    off = true;
    inst.removeTransformer(this);
  }

  @Override
  public byte[] transform(
      Module module,
      ClassLoader loader,
      String className,
      Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain,
      byte[] classfileBuffer) {
    if (loader != null || className == null || !INTERNAL_NAMES.contains(className) || off) {
      return null;
    }
    try {
      if (weaving.get() != null) {
        // Loaded while this thread weaves another; Byte Buddy would decline it.
        missLoading(className);
        return null;
      }
      ClassFileTransformer weaver = weaver(PREPARE_WAIT_SECONDS);
      if (weaver == null) {
        missLoading(className);
        return null;
      }
      weaving.set(Boolean.TRUE);
      try {
        return weaver.transform(
            module, loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
      } finally {
        weaving.remove();
      }
    } catch (Throwable t) {
      AgentLog.warnOnce(
          "instrument:" + className,
          "could not instrument " + className + ", its connections are not traced: " + t);
      return null;
    }
  }

  /** The prepared advice; prepares it on this thread unless another is at it. */
  private ClassFileTransformer weaver(long waitSeconds) {
    ClassFileTransformer w = woven;
    if (w != null || off || preparing.isHeldByCurrentThread()) {
      return w;
    }
    boolean locked;
    try {
      locked = preparing.tryLock() || preparing.tryLock(waitSeconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
    if (!locked) {
      return null;
    }
    try {
      if (woven == null && !off) {
        woven = prepare(inst);
        followUp(); // what loaded on other threads while this one prepared
      }
      return woven;
    } catch (RuntimeException | LinkageError e) {
      off = true;
      AgentLog.warn("connections are not traced: the socket advice could not be prepared", e);
      return null;
    } finally {
      preparing.unlock();
    }
  }

  /**
   * A socket class that loads without its advice, because this thread was weaving another or
   * another thread was preparing the advice: an agent thread retransforms it once it is loaded.
   */
  private void missLoading(String internalName) {
    missed.put(internalName.replace('/', '.'), System.nanoTime());
    if (woven != null) {
      followUp();
    }
  }

  private void followUp() {
    if (missed.isEmpty() || !followingUp.compareAndSet(false, true)) {
      return;
    }
    new AgentThread(this::retransformMissed, "synscope-instrument").start();
  }

  private void retransformMissed() {
    try {
      while (!missed.isEmpty()) {
        List<Class<?>> loaded = loadedNotDone(missed.keySet());
        retransform(loaded);
        loaded.forEach(c -> missed.remove(c.getName()));
        long now = System.nanoTime();
        missed.forEach(
            (name, since) -> {
              if (now - since > FOLLOW_UP_NANOS && missed.remove(name, since)) {
                AgentLog.warnOnce(
                    "instrument:" + name,
                    "could not instrument " + name + ", its connections are not traced: it did"
                        + " not show up among the loaded classes");
              }
            });
        if (!missed.isEmpty()) {
          // The class is being defined by the thread that missed it; it shows up shortly.
          Thread.sleep(10);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      followingUp.set(false);
    }
    followUp(); // for a class missed after the loop's last look
  }

  private List<Class<?>> loadedNotDone(Set<String> names) {
    List<Class<?>> found = new ArrayList<>();
    for (Class<?> c : inst.getAllLoadedClasses()) {
      String name = c.getName();
      if (names.contains(name) && !FailureListener.DONE.contains(name)) {
        found.add(c);
      }
    }
    return found;
  }

  private void retransform(List<Class<?>> classes) {
    for (Class<?> c : classes) {
      try {
        inst.retransformClasses(c);
      } catch (Exception | LinkageError e) {
        FailureListener.DONE.add(c.getName()); // said once by the listener or here, not retried
        AgentLog.warnOnce(
            "instrument:" + c.getName(),
            "could not instrument " + c.getName() + ", its connections are not traced: " + e);
      }
    }
  }

  /**
   * Describes the advice and the classes it goes into, as a transformer not registered with the
   * JVM: this class registers itself and hands socket classes to it. java.base is made to read
   * the module of {@link Hooks} first, since the inlined advice calls it from inside java.base.
   */
  private static ClassFileTransformer prepare(Instrumentation inst) {
    // Advice is prepared before the agent is installed: describing an advice method loads the
    // JDK types in its signature, which must not happen while those very types are being loaded.
    AsmVisitorWrapper socketConnect =
        Advice.to(SocketConnectAdvice.class)
            .on(
                named("connect")
                    .and(takesArguments(2))
                    .and(takesArgument(0, SocketAddress.class))
                    .and(takesArgument(1, int.class)));
    AsmVisitorWrapper serverSocketAccept =
        Advice.to(ServerSocketAcceptAdvice.class)
            .on(
                named("implAccept")
                    .and(takesArguments(1))
                    .and(takesArgument(0, named("java.net.Socket"))));
    AsmVisitorWrapper channelConnect =
        Advice.to(ChannelConnectAdvice.class)
            .on(
                named("connect")
                    .and(takesArguments(1))
                    .and(takesArgument(0, SocketAddress.class))
                    .and(returns(boolean.class)));
    AsmVisitorWrapper channelBlockingConnect =
        Advice.to(ChannelBlockingConnectAdvice.class)
            .on(named("blockingConnect").and(takesArguments(2)));
    AsmVisitorWrapper channelFinishConnect =
        Advice.to(ChannelFinishConnectAdvice.class)
            .on(named("finishConnect").and(takesArguments(0)));
    AsmVisitorWrapper channelAccept =
        Advice.to(ChannelAcceptAdvice.class)
            .on(
                named("accept")
                    .and(takesArguments(0))
                    .or(named("blockingAccept").and(takesArguments(1))));
    AsmVisitorWrapper implClose =
        Advice.to(ImplCloseAdvice.class).on(named("close").and(takesArguments(0)));
    AsmVisitorWrapper channelClose =
        Advice.to(ChannelCloseAdvice.class)
            .on(named("implCloseSelectableChannel").and(takesArguments(0)));
    AsmVisitorWrapper asyncChannelClose =
        Advice.to(ChannelCloseAdvice.class).on(named("implClose").and(takesArguments(0)));
    AsmVisitorWrapper asyncConnect =
        Advice.to(AsyncConnectAdvice.class).on(named("implConnect").and(takesArguments(3)));
    AsmVisitorWrapper asyncFinishConnect =
        Advice.to(AsyncFinishConnectAdvice.class)
            .on(named("finishConnect").and(takesArguments(1)));
    AsmVisitorWrapper asyncSetConnected =
        Advice.to(AsyncSetConnectedAdvice.class)
            .on(named("setConnected").and(takesArguments(0)));
    AsmVisitorWrapper asyncAcceptStart =
        Advice.to(AsyncAcceptStartAdvice.class).on(named("implAccept").and(takesArguments(2)));
    AsmVisitorWrapper asyncFinishAccept =
        Advice.to(AsyncFinishAcceptAdvice.class).on(named("finishAccept"));
    AsmVisitorWrapper netLocalAddress =
        Advice.to(NetLocalAddressAdvice.class)
            .on(
                named("localAddress")
                    .and(takesArguments(1))
                    .and(takesArgument(0, FileDescriptor.class))
                    .and(returns(InetSocketAddress.class)));

    AgentBuilder agent =
        newAgentBuilder()
            .disableClassFormatChanges()
            .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
            // Byte Buddy's own passes over the loaded classes, thousands of them, cost a tenth of
            // a second at start-up; prepareNow() retransforms the few loaded ones it wants itself.
            .with(new AgentBuilder.RedefinitionStrategy.DiscoveryStrategy.Explicit())
            .with(AgentBuilder.PoolStrategy.Default.FAST)
            .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
            .with(AgentBuilder.TypeStrategy.Default.REDEFINE)
            .with(new FailureListener())
            .ignore(none())
            .type(named("java.net.Socket"))
            .transform((builder, type, loader, module, domain) -> builder.visit(socketConnect))
            .type(named("java.net.ServerSocket"))
            .transform((builder, type, loader, module, domain) -> builder.visit(serverSocketAccept))
            .type(named("sun.nio.ch.SocketChannelImpl"))
            .transform(
                (builder, type, loader, module, domain) ->
                    builder
                        .visit(channelConnect)
                        .visit(channelBlockingConnect)
                        .visit(channelFinishConnect)
                        .visit(channelClose))
            .type(named("sun.nio.ch.NioSocketImpl"))
            .transform((builder, type, loader, module, domain) -> builder.visit(implClose))
            .type(named("sun.nio.ch.ServerSocketChannelImpl"))
            .transform((builder, type, loader, module, domain) -> builder.visit(channelAccept))
            .type(named("sun.nio.ch.UnixAsynchronousSocketChannelImpl"))
            .transform(
                (builder, type, loader, module, domain) ->
                    builder
                        .visit(asyncConnect)
                        .visit(asyncSetConnected)
                        .visit(asyncFinishConnect)
                        .visit(asyncChannelClose))
            .type(named("sun.nio.ch.UnixAsynchronousServerSocketChannelImpl"))
            .transform(
                (builder, type, loader, module, domain) ->
                    builder.visit(asyncAcceptStart).visit(asyncFinishAccept))
            .type(named("sun.nio.ch.Net"))
            .transform((builder, type, loader, module, domain) -> builder.visit(netLocalAddress));
    Module javaBase = Object.class.getModule();
    inst.redefineModule(
        javaBase, Set.of(Hooks.class.getModule()), Map.of(), Map.of(), Set.of(), Map.of());
    return agent.makeRaw();
  }

  /**
   * An agent builder that has not initialised Byte Buddy's Nexus. The advice here is inlined and
   * needs no initializer injection, and the Nexus's set-up reaches for sun.misc.Unsafe, which JDK
   * 24 and later warn about on the application's standard error. The switch is Byte Buddy's
   * system property, read once when this copy of Byte Buddy first touches the Nexus; it is
   * restored at once so that the application's own Byte Buddy, if any, is unaffected.
   */
  private static AgentBuilder newAgentBuilder() {
    String key = "net.bytebuddy.nexus.disabled";
    String before = System.getProperty(key);
    System.setProperty(key, "true");
    try {
      return new AgentBuilder.Default(
          new ByteBuddy()
              .with(TypeValidation.DISABLED)
              .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE));
    } finally {
      if (before == null) {
        System.clearProperty(key);
      } else {
        System.setProperty(key, before);
      }
    }
  }

  /** Keeps the names of the classes done; reports one that could not be instrumented, once. */
  private static final class FailureListener extends AgentBuilder.Listener.Adapter {
    /** The classes transformed, or given up on. */
    static final Set<String> DONE = ConcurrentHashMap.newKeySet();

    @Override
    public void onError(
        String typeName,
        ClassLoader classLoader,
        JavaModule module,
        boolean loaded,
        Throwable throwable) {
      DONE.add(typeName);
      AgentLog.warnOnce(
          "instrument:" + typeName,
          "could not instrument " + typeName + ", its connections are not traced: " + throwable);
    }

    @Override
    public void onTransformation(
        TypeDescription typeDescription,
        ClassLoader classLoader,
        JavaModule module,
        boolean loaded,
        DynamicType dynamicType) {
      DONE.add(typeDescription.getName());
      AgentLog.debug("instrumented " + typeDescription.getName());
    }
  }
}
