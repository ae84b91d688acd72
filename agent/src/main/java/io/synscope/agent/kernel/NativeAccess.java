package io.synscope.agent.kernel;

import io.synscope.agent.AgentLog;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.Set;

/**
 * Grants the agent's own module native access (JEP 472), so that JNA loading its library on JDK
 * 22 and later does not print the JDK's "restricted method" warning into the application's
 * standard error. The JDK offers no public way for an agent to do this ({@code
 * Enable-Native-Access} is read only from an executable jar's manifest), so the agent opens {@code
 * java.lang} to itself and calls the method behind {@code --enable-native-access}, for its own
 * module only. On JDK 17, which has no such check, there is nothing to do.
 */
public final class NativeAccess {
  private NativeAccess() {}

  public static void enableForAgent(Instrumentation inst) {
    if (Runtime.version().feature() < 22) {
      return;
    }
    Module agent = NativeAccess.class.getModule();
    try {
      inst.redefineModule(
          Object.class.getModule(),
          Set.of(),
          Map.of(),
          Map.of("java.lang", Set.of(agent)),
          Set.of(),
          Map.of());
      MethodHandles.privateLookupIn(Module.class, MethodHandles.lookup())
          .findVirtual(Module.class, "implAddEnableNativeAccess", MethodType.methodType(Module.class))
          .invoke(agent);
    } catch (Throwable t) {
      AgentLog.debug("could not grant the agent native access; the JDK may warn once: " + t);
    }
  }
}
