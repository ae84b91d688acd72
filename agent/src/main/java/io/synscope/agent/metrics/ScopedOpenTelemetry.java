package io.synscope.agent.metrics;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterBuilder;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;

/**
 * The agent's OpenTelemetry as the Micrometer bridge sees it: every meter it asks for belongs to
 * synscope's instrumentation scope and version, so exported metrics carry the same scope as the
 * agent's spans rather than the bridge's own.
 */
final class ScopedOpenTelemetry implements OpenTelemetry {
  private final OpenTelemetry delegate;
  private final String scope;
  private final String version;

  ScopedOpenTelemetry(OpenTelemetry delegate, String scope, String version) {
    this.delegate = delegate;
    this.scope = scope;
    this.version = version;
  }

  @Override
  public TracerProvider getTracerProvider() {
    return delegate.getTracerProvider();
  }

  @Override
  public MeterProvider getMeterProvider() {
    return ignoredName -> new ScopedMeterBuilder();
  }

  @Override
  public ContextPropagators getPropagators() {
    return delegate.getPropagators();
  }

  /** Ignores the scope details it is given; builds the agent's meter. */
  private final class ScopedMeterBuilder implements MeterBuilder {
    @Override
    public MeterBuilder setSchemaUrl(String schemaUrl) {
      return this;
    }

    @Override
    public MeterBuilder setInstrumentationVersion(String instrumentationVersion) {
      return this;
    }

    @Override
    public Meter build() {
      return delegate
          .getMeterProvider()
          .meterBuilder(scope)
          .setInstrumentationVersion(version)
          .build();
    }
  }
}
