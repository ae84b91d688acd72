package io.synscope.agent;

import io.synscope.agent.bootstrap.AgentThread;
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
import io.synscope.agent.trace.SpanThreshold;
import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

/**
 * Starts the agent proper, inside the agent's class loader.
 *
 * <p>With {@code -javaagent}, the agent starts beside the application: premain registers two
 * transformers that look at class names only and returns, and an agent thread builds the SDK
 * while another prepares the advice, the two costly parts. The application's connects and accepts
 * made meanwhile wait for the tracer (within a bound, see {@link Hooks#holdUntilInstalled}), so
 * none goes untraced. After a late attach everything happens on the attaching thread, and the
 * loaded socket classes are retransformed once the tracer is in place.
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
    ApplicationContexts parents = new ApplicationContexts();
    ApplicationOtelWatcher.install(inst, parents);
    SocketInstrumentation sockets = SocketInstrumentation.register(inst);
    if (lateAttach) {
      start(inst, config, parents, sockets, true, startNanos);
    } else {
      Hooks.holdUntilInstalled();
      if (sockets.anyLoadedWithoutAdvice()) {
        // Loaded before the agent came (by another agent, say): woven now, before main, as they
        // would have been had they loaded later. Not so in a plain application.
        sockets.prepareNow();
      }
      new AgentThread(
              () -> start(inst, config, parents, sockets, false, startNanos), "synscope-start")
          .start();
      phase("premain", startNanos);
    }
  }

  private static void start(
      Instrumentation inst,
      AgentConfig config,
      ApplicationContexts parents,
      SocketInstrumentation sockets,
      boolean lateAttach,
      long startNanos) {
    try {
      String version = Version.get();
      AgentTelemetry.Building building = AgentTelemetry.startBuilding(config);
      if (!lateAttach) {
        sockets.prepareNow();
        phase("advice", startNanos);
      }
      AgentTelemetry telemetry;
      try {
        telemetry = building.await();
      } catch (Exception e) {
        AgentLog.warn(
            "agent off: the OpenTelemetry configuration was rejected: " + AgentLog.oneLine(e));
        stop(sockets);
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
      SpanThreshold threshold =
          SpanThreshold.of(config.getDuration(AgentOption.TRACE_MIN_DURATION));
      Hooks.install(
          new ConnectionTracer(
              telemetry.tracer(version),
              parents,
              kernel,
              metrics.tcp(),
              metrics.exported(),
              config.getBoolean(AgentOption.TRACE_CONNECT),
              config.getBoolean(AgentOption.TRACE_ACCEPT),
              threshold,
              config.getBoolean(AgentOption.CONNECTION_SPANS)));
      phase("tracer", startNanos);
      if (lateAttach) {
        sockets.prepareNow();
        phase("instrumentation", startNanos);
      }
      // With the socket transformer in place, so that the endpoint's socket classes are woven as
      // they load rather than retransformed (the endpoint's own connections are never traced).
      metrics.servePrometheus(config);
      AgentLog.info(
          "agent "
              + version
              + (lateAttach ? " attached" : " started")
              + " in "
              + millisSince(startNanos)
              + " ms: "
              + traced(config, threshold)
              + ", "
              + telemetry.spanDestination());
    } catch (Throwable t) {
      // The top of the agent's start: whatever ended it, no connect may go on waiting for it.
      AgentLog.warn("agent off: its start failed; the application runs without it", t);
      stop(sockets);
    }
  }

  /**
   * What the tracer makes spans of, e.g. {@code tracing TCP connects and accepts}, or {@code
   * tracing TCP connects only (those of 200 ms or more, failed, or with a handshake packet sent
   * again)}.
   */
  private static String traced(AgentConfig config, SpanThreshold threshold) {
    boolean connects = config.getBoolean(AgentOption.TRACE_CONNECT);
    boolean accepts = config.getBoolean(AgentOption.TRACE_ACCEPT);
    if (!connects && !accepts) {
      return "tracing no connect or accept (synscope.trace.connect and synscope.trace.accept off)";
    }
    String minimum = threshold.describe();
    String what =
        connects && accepts ? "connects and accepts" : connects ? "connects only" : "accepts only";
    return "tracing TCP "
        + what
        + (minimum.isEmpty()
            ? ""
            : " (those of " + minimum + " or more, failed, or with a handshake packet sent again)");
  }

  /** Lets go of the application: nothing more is woven, and no connect waits for the agent. */
  private static void stop(SocketInstrumentation sockets) {
    sockets.remove();
    Hooks.install(null);
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
}
