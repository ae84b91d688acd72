package io.synscope.agent.bootstrap;

/**
 * A thread of the agent's own (exporters, the listener poller). Connections made on it are the
 * agent's traffic and are never traced; telling them apart is one {@code instanceof} on the hot
 * path.
 */
public final class AgentThread extends Thread {
  public AgentThread(Runnable task, String name) {
    super(null, task, name, 0, false);
    setDaemon(true);
  }

  /** True when the calling thread belongs to the agent. */
  public static boolean isCurrent() {
    return Thread.currentThread() instanceof AgentThread;
  }
}
