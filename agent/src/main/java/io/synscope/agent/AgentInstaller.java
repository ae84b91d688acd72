package io.synscope.agent;

import io.synscope.agent.bootstrap.Hooks;
import io.synscope.agent.config.AgentConfig;
import io.synscope.agent.config.AgentOption;
import io.synscope.agent.export.AgentTelemetry;
import io.synscope.agent.instrument.ApplicationOtelWatcher;
import io.synscope.agent.kernel.KernelFacts;
import io.synscope.agent.listen.ListenerPoller;
import io.synscope.agent.metrics.AgentMetrics;
import io.synscope.agent.instrument.SocketInstrumentation;
import io.synscope.agent.trace.ApplicationContexts;
import io.synscope.agent.trace.ConnectionTracer;
import java.lang.instrument.Instrumentation;

/** Starts the agent proper, inside the agent's class loader. */
public final class AgentInstaller {
  private AgentInstaller() {}

  public static void install(Instrumentation inst, String args, boolean lateAttach) {
    AgentConfig config = AgentConfig.resolve(args, System.getProperties(), System.getenv());
    AgentLog.setDebug(config.getBoolean(AgentOption.DEBUG));
    config.problems().forEach(AgentLog::warn);
    if (!config.getBoolean(AgentOption.ENABLED)) {
      AgentLog.info("agent disabled by synscope.enabled=false");
      return;
    }
    String version = version();
    AgentTelemetry telemetry;
    try {
      telemetry = AgentTelemetry.start(config, version);
    } catch (Exception e) {
      AgentLog.warn("agent off: the OpenTelemetry configuration was rejected: " + e.getMessage());
      return;
    }
    AgentMetrics metrics = AgentMetrics.start(config, telemetry);
    KernelFacts kernel = KernelFacts.create(inst);
    try {
      ListenerPoller.start(config, telemetry.tracer(version), metrics.registry());
    } catch (RuntimeException | LinkageError e) {
      AgentLog.warn("listener poller not started; spans are still made", e);
    }
    ApplicationContexts parents = new ApplicationContexts();
    ApplicationOtelWatcher.install(inst, parents);
    Hooks.install(
        new ConnectionTracer(
            telemetry.tracer(version),
            parents,
            kernel,
            metrics.tcp(),
            metrics.exported(),
            config.getBoolean(AgentOption.TRACE_CONNECT),
            config.getBoolean(AgentOption.TRACE_ACCEPT),
            config.getBoolean(AgentOption.CONNECTION_SPANS)));
    SocketInstrumentation.install(inst);
    AgentLog.info(
        "agent " + version + (lateAttach ? " attached" : " started") + ": tracing TCP connects and accepts");
  }

  private static String version() {
    return Version.get();
  }
}
