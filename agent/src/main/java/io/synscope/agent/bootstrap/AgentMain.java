package io.synscope.agent.bootstrap;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.util.jar.JarFile;

/**
 * The agent's entry: {@code -javaagent:synscope-agent.jar[=options]} (premain) and attach by pid
 * (agentmain). It puts this package on the bootstrap class path, where instrumented JDK classes
 * can reach it, and starts the agent proper in its own class loader. Whatever goes wrong, the
 * application starts: the failure becomes one line on standard error.
 */
public final class AgentMain {
  private static final String INSTALLER = "io.synscope.agent.AgentInstaller";

  /**
   * Set in the JVM once the agent has started (or tried to): a second -javaagent or attach is then
   * ignored, and the attach command reads it to say so before loading anything.
   */
  public static final String STARTED_PROPERTY = "synscope.agent.started";

  private AgentMain() {}

  public static void premain(String args, Instrumentation inst) {
    start(args, inst, false);
  }

  public static void agentmain(String args, Instrumentation inst) {
    start(args, inst, true);
  }

  private static synchronized void start(String args, Instrumentation inst, boolean lateAttach) {
    try {
      if (Boolean.getBoolean(STARTED_PROPERTY)) {
        System.err.println("[synscope] agent already running in this JVM; second start ignored");
        return;
      }
      System.setProperty(STARTED_PROPERTY, "true");
      File jar = AgentJar.locate();
      inst.appendToBootstrapClassLoaderSearch(new JarFile(jar));
      ClassLoader loader = new AgentClassLoader(jar, null);
      Class<?> installer = Class.forName(INSTALLER, true, loader);
      installer
          .getMethod("install", Instrumentation.class, String.class, boolean.class)
          .invoke(null, inst, args, lateAttach);
    } catch (Throwable t) {
      Throwable cause = t instanceof java.lang.reflect.InvocationTargetException ? t.getCause() : t;
      System.err.println(
          "[synscope] agent not started, the application runs without it: " + cause);
    }
  }
}
