package io.synscope.agent.export;

import io.synscope.agent.bootstrap.AgentThread;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Makes the agent's threads: daemons, named {@code synscope-...}, and never traced. */
public final class AgentThreads implements ThreadFactory {
  private final String prefix;
  private final AtomicInteger next = new AtomicInteger();

  public AgentThreads(String purpose) {
    this.prefix = "synscope-" + purpose + "-";
  }

  @Override
  public Thread newThread(Runnable task) {
    return new AgentThread(task, prefix + next.incrementAndGet());
  }
}
