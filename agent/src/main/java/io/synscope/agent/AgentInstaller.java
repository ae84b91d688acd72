package io.synscope.agent;

import io.synscope.agent.bootstrap.Hooks;
import io.synscope.agent.config.AgentConfig;
import io.synscope.agent.config.AgentOption;
import io.synscope.agent.export.AgentTelemetry;
import io.synscope.agent.instrument.ApplicationOtelWatcher;
import io.synscope.agent.instrument.SocketInstrumentation;
import io.synscope.agent.kernel.KernelFacts;
import io.synscope.agent.listen.ListenerPoller;
import io.synscope.agent.metrics.AgentMetrics;
import io.synscope.agent.trace.ApplicationContexts;
import io.synscope.agent.trace.ConnectionTracer;
import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Starts the agent proper, inside the agent's class loader. The SDK is built on an agent thread
 * while this one prepares the instrumentation, the two costly parts of start-up, so that on a
 * machine with two cores or more the application waits for the longer one only.
 */
public final class AgentInstaller {
  private AgentInstaller() {}

  public static void install(Instrumentation inst, String args, boolean lateAttach) {
    long startNanos = System.nanoTime();
    AgentConfig config = AgentConfig.resolve(args, System.getProperties(), System.getenv());
    AgentLog.setDebug(config.getBoolean(AgentOption.DEBUG));
    config.problems().forEach(AgentLog::warn);
    if (!config.getBoolean(AgentOption.ENABLED)) {
      AgentLog.info("agent disabled by synscope.enabled=false");
      return;
    }
    String version = version();
    AgentTelemetry.Building building = AgentTelemetry.startBuilding(config);
    AgentBuilder instrumentation = SocketInstrumentation.prepare();
    phase("advice", startNanos);
    AgentTelemetry telemetry;
    try {
      telemetry = building.await();
    } catch (Exception e) {
      AgentLog.warn("agent off: the OpenTelemetry configuration was rejected: " + e.getMessage());
      return;
    }
    phase("OpenTelemetry SDK", startNanos);
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
    phase("tracer", startNanos);
    SocketInstrumentation.install(inst, instrumentation);
    phase("instrumentation", startNanos);
    // After the instrumentation, so that the endpoint's socket classes are instrumented as they
    // load rather than retransformed (the endpoint's own connections are never traced).
    metrics.servePrometheus(config);
    AgentLog.info(
        "agent "
            + version
            + (lateAttach ? " attached" : " started")
            + " in "
            + millisSince(startNanos)
            + " ms: tracing TCP connects and accepts");
  }

  private static void phase(String done, long startNanos) {
    if (AgentLog.isDebug()) {
      AgentLog.debug(
          "start-up: "
              + done
              + " ready after "
              + millisSince(startNanos)
              + " ms ("
              + TimeUnit.NANOSECONDS.toMillis(
                  ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime())
              + " ms of the starting thread's CPU)");
    }
  }

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  private static String version() {
    return Version.get();
  }
}
