package io.synscope.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.none;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.synscope.agent.AgentLog;
import io.synscope.agent.bootstrap.Hooks;
import java.lang.instrument.Instrumentation;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * {@code sun.nio.ch.SocketChannelImpl}, {@code sun.nio.ch.ServerSocketChannelImpl} and the Linux
 * asynchronous channels {@code sun.nio.ch.UnixAsynchronous(Server)SocketChannelImpl}. Classes
 * already loaded (always the case after a late attach) are retransformed.
 *
 * <p>In two steps, so that the agent can do other start-up work while the second waits: {@link
 * #prepare} describes the advice (the costly part, a few hundred classes of Byte Buddy loaded and
 * run for the first time), {@link #install} installs it.
 */
public final class SocketInstrumentation {
  /** The classes the advice goes into. */
  private static final Set<String> INSTRUMENTED =
      Set.of(
          "java.net.Socket",
          "java.net.ServerSocket",
          "sun.nio.ch.SocketChannelImpl",
          "sun.nio.ch.NioSocketImpl",
          "sun.nio.ch.ServerSocketChannelImpl",
          "sun.nio.ch.UnixAsynchronousSocketChannelImpl",
          "sun.nio.ch.UnixAsynchronousServerSocketChannelImpl");

  private static final int MAX_PASSES = 3;

  private SocketInstrumentation() {}

  /** Describes the advice and the classes it goes into; nothing is installed yet. */
  public static AgentBuilder prepare() {
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
    AsmVisitorWrapper asyncAcceptStart =
        Advice.to(AsyncAcceptStartAdvice.class).on(named("implAccept").and(takesArguments(2)));
    AsmVisitorWrapper asyncFinishAccept =
        Advice.to(AsyncFinishAcceptAdvice.class).on(named("finishAccept"));

    return newAgentBuilder()
            .disableClassFormatChanges()
            .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
            // Byte Buddy's own passes over the loaded classes, thousands of them, cost a tenth of
            // a second at start-up; install() retransforms the few loaded ones it wants itself.
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
                    builder.visit(asyncConnect).visit(asyncFinishConnect).visit(asyncChannelClose))
            .type(named("sun.nio.ch.UnixAsynchronousServerSocketChannelImpl"))
            .transform(
                (builder, type, loader, module, domain) ->
                    builder.visit(asyncAcceptStart).visit(asyncFinishAccept));
  }

  /**
   * Installs prepared advice. java.base is made to read the module of {@link Hooks} first, since
   * the inlined advice calls it from inside java.base.
   */
  public static void install(Instrumentation inst, AgentBuilder prepared) {
    Module javaBase = Object.class.getModule();
    inst.redefineModule(
        javaBase, Set.of(Hooks.class.getModule()), Map.of(), Map.of(), Set.of(), Map.of());
    prepared.installOn(inst);
    // The classes loaded before the transformer came are retransformed here, and again those
    // that were loaded while another was being transformed (describing SocketChannelImpl loads
    // Socket on JDK 25): Byte Buddy does not transform a class that loads during a
    // transformation on the same thread.
    for (int pass = 0; pass < MAX_PASSES; pass++) {
      List<Class<?>> pending = new ArrayList<>();
      for (Class<?> c : inst.getAllLoadedClasses()) {
        String name = c.getName();
        if (INSTRUMENTED.contains(name) && !FailureListener.DONE.contains(name)) {
          pending.add(c);
        }
      }
      if (pending.isEmpty()) {
        return;
      }
      for (Class<?> c : pending) {
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
