package io.synscope.agent.export;

import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.synscope.agent.AgentLog;
import io.synscope.agent.bootstrap.AgentThread;
import io.synscope.agent.config.AgentConfig;
import io.synscope.agent.export.otlp.EncodedSpanExporter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The agent's own OpenTelemetry SDK, configured by the SDK's autoconfiguration so that the
 * standard {@code OTEL_*} variables and {@code otel.*} properties work as users know them. It is
 * never made the global OpenTelemetry: the application's, if any, stays its own.
 */
public final class AgentTelemetry {
  /** The instrumentation scope of every span and metric synscope makes. */
  public static final String SCOPE = "io.synscope";

  private static final long SHUTDOWN_SECONDS = 5;
  private static final String METRICS_EXPORTER = "otel.metrics.exporter";

  /** How often lost spans are counted and reported. */
  private static final long HEALTH_INTERVAL_SECONDS = 30;

  private final OpenTelemetrySdk sdk;
  private final ExportHealth health;
  private final boolean metricsExported;
  private final String spanDestination;

  private AgentTelemetry(
      OpenTelemetrySdk sdk, ExportHealth health, boolean metricsExported, String spanDestination) {
    this.sdk = sdk;
    this.health = health;
    this.metricsExported = metricsExported;
    this.spanDestination = spanDestination;
  }

  /**
   * Starts building the SDK on an agent thread, so that anything it connects to while starting is
   * not traced, and so that the agent can prepare its instrumentation meanwhile; {@link
   * Building#await} gives the result, which is flushed when the JVM exits.
   */
  public static Building startBuilding(AgentConfig config) {
    return new Building(config);
  }

  /** An SDK being built. */
  public static final class Building {
    private final AtomicReference<Object> result = new AtomicReference<>();
    private final AtomicBoolean metricsExported = new AtomicBoolean();
    // Set when the SDK builds its tracer provider, which it does not when it is disabled.
    private final AtomicReference<String> spanDestination =
        new AtomicReference<>(SpanDestinations.disabled());
    private final ExportHealth health = new ExportHealth(HEALTH_INTERVAL_SECONDS);
    private final Thread builder;

    private Building(AgentConfig config) {
      builder =
          new AgentThread(
              () -> {
                try {
                  result.set(build(config, health, metricsExported, spanDestination));
                } catch (Throwable t) {
                  result.set(t);
                }
              },
              "synscope-sdk");
      builder.start();
    }

    /** Waits for the SDK; throws what rejected the configuration. */
    public AgentTelemetry await() throws Exception {
      builder.join();
      if (result.get() instanceof Throwable) {
        Throwable t = (Throwable) result.get();
        throw t instanceof Exception ? (Exception) t : new IllegalStateException(t);
      }
      AgentTelemetry telemetry =
          new AgentTelemetry(
              (OpenTelemetrySdk) result.get(),
              health,
              metricsExported.get(),
              spanDestination.get());
      health.start();
      Runtime.getRuntime()
          .addShutdownHook(new AgentThread(telemetry::shutdown, "synscope-shutdown"));
      return telemetry;
    }
  }

  /**
   * With metrics not exported, the tracer provider's own meters (otel.sdk.span.started and
   * otel.sdk.span.live: three counter updates per span, on the application's thread) would be
   * read by nobody, so they go to a no-op meter provider. The batch processor and the exporter
   * keep the SDK's meters: {@link ExportHealth} counts lost spans from them, once per batch.
   */
  private static OpenTelemetrySdk build(
      AgentConfig config,
      ExportHealth health,
      AtomicBoolean metricsExported,
      AtomicReference<String> spanDestination) {
    return AutoConfiguredOpenTelemetrySdk.builder()
        .setServiceClassLoader(AgentTelemetry.class.getClassLoader())
        .addMeterProviderCustomizer(
            (builder, props) -> {
              metricsExported.set(!props.getList(METRICS_EXPORTER).equals(List.of("none")));
              return builder.registerMetricReader(health);
            })
        .addTracerProviderCustomizer(
            (builder, props) -> {
              spanDestination.set(SpanDestinations.describe(props));
              return props.getList(METRICS_EXPORTER).equals(List.of("none"))
                  ? builder.setMeterProvider(MeterProvider::noop)
                  : builder;
            })
        .addSpanExporterCustomizer((exporter, props) -> EncodedSpanExporter.wrap(exporter))
        .addPropertiesSupplier(AgentTelemetry::defaults)
        .addPropertiesCustomizer(props -> config.otelOverrides())
        .addPropertiesCustomizer(props -> OtlpProtocols.onlySupported(props, AgentLog::warn))
        .disableShutdownHook()
        .build()
        .getOpenTelemetrySdk();
  }

  /**
   * Defaults chosen for connection churn, below anything the user sets: a larger queue and
   * batches, a shorter delay, and OTLP over HTTP/protobuf (the SDK's own default is gRPC; HTTP is
   * what the agent's own sender and encoder serve). The batch processor waits for each export
   * before it takes the next batch, so a batch is what it can move per round trip to the
   * collector: with 1,024, a service making 30,000 spans a second on two busy cores filled the
   * queue and lost spans; a batch of 4,096 is about 1.8 MiB of OTLP, and a larger one is sent in
   * parts ({@link RequestSize}).
   */
  static Map<String, String> defaults() {
    Map<String, String> d = new HashMap<>();
    d.put("otel.exporter.otlp.protocol", "http/protobuf");
    d.put("otel.bsp.max.queue.size", "16384");
    d.put("otel.bsp.max.export.batch.size", "4096");
    d.put("otel.bsp.schedule.delay", "1000");
    d.put(METRICS_EXPORTER, "none");
    d.put("otel.logs.exporter", "none");
    String service = ServiceNames.fromCommandLine(System.getProperty("sun.java.command"));
    if (service != null && !serviceNameConfigured()) {
      d.put("otel.service.name", service);
    }
    return d;
  }

  private static boolean serviceNameConfigured() {
    String attrs = System.getProperty("otel.resource.attributes");
    if (attrs == null) {
      attrs = System.getenv("OTEL_RESOURCE_ATTRIBUTES");
    }
    return attrs != null && attrs.contains("service.name=");
  }

  public Tracer tracer(String version) {
    return sdk.getTracer(SCOPE, version);
  }

  public OpenTelemetrySdk sdk() {
    return sdk;
  }

  /** True when {@code otel.metrics.exporter} names an exporter: metrics leave through the SDK. */
  public boolean metricsExported() {
    return metricsExported;
  }

  /** Where the spans go, for the start line: {@code spans to OTLP at http://...}. */
  public String spanDestination() {
    return spanDestination;
  }

  /** What the SDK lost of the agent's spans. */
  public ExportHealth health() {
    return health;
  }

  /**
   * Flushes what is queued and stops exporting, waiting a bounded time; each export of the flush
   * gets one attempt, so that an endpoint that is down does not hold the exit.
   */
  public void shutdown() {
    ExitSignal.JVM.begin();
    try {
      // The providers one by one, not sdk.shutdown(): that would shut the tracer provider a
      // second time, which the SDK says in a log line of the application's at every exit.
      sdk.getSdkTracerProvider().shutdown().join(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
      health.reportAtExit(SHUTDOWN_SECONDS);
      sdk.getSdkMeterProvider().shutdown().join(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
      sdk.getSdkLoggerProvider().shutdown().join(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
    } catch (Throwable t) {
      AgentLog.warn("flushing telemetry at exit failed", t);
    }
  }
}
