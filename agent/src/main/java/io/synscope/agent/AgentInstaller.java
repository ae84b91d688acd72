package io.synscope.agent;

import java.lang.instrument.Instrumentation;

/** Starts the agent proper, inside the agent's class loader. */
public final class AgentInstaller {
  private AgentInstaller() {}

  public static void install(Instrumentation inst, String args, boolean lateAttach) {
    System.err.println("[synscope] agent loaded (instrumentation not yet implemented)");
  }
}
