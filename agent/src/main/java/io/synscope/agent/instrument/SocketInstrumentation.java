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
import java.util.Map;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;

/**
 * Weaves the socket advice into the JDK: {@code java.net.Socket}, {@code java.net.ServerSocket},
 * {@code sun.nio.ch.SocketChannelImpl} and {@code sun.nio.ch.ServerSocketChannelImpl}. Classes
 * already loaded (always the case after a late attach) are retransformed.
 */
public final class SocketInstrumentation {
  private SocketInstrumentation() {}

  /**
   * Installs the advice. java.base is made to read the module of {@link Hooks} first, since the
   * inlined advice calls it from inside java.base.
   */
  public static ResettableClassFileTransformer install(Instrumentation inst) {
    Module javaBase = Object.class.getModule();
    inst.redefineModule(
        javaBase, Set.of(Hooks.class.getModule()), Map.of(), Map.of(), Set.of(), Map.of());

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

    return new AgentBuilder.Default()
        .disableClassFormatChanges()
        .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
        .with(AgentBuilder.RedefinitionStrategy.DiscoveryStrategy.Reiterating.INSTANCE)
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
                    .visit(channelFinishConnect))
        .type(named("sun.nio.ch.ServerSocketChannelImpl"))
        .transform((builder, type, loader, module, domain) -> builder.visit(channelAccept))
        .installOn(inst);
  }

  /** Reports a class that could not be instrumented, once, in one line. */
  private static final class FailureListener extends AgentBuilder.Listener.Adapter {
    @Override
    public void onError(
        String typeName,
        ClassLoader classLoader,
        JavaModule module,
        boolean loaded,
        Throwable throwable) {
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
      AgentLog.debug("instrumented " + typeDescription.getName());
    }
  }
}
