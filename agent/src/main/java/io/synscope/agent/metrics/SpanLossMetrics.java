package io.synscope.agent.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.synscope.agent.export.ExportHealth;

/**
 * The agent's lost spans as a counter, {@value MetricNames#DROPPED_SPANS}, tagged with the reason:
 * {@value MetricNames#QUEUE_FULL} or {@value MetricNames#EXPORT_FAILED}. The same figures the
 * agent's log reports, for alerting.
 */
final class SpanLossMetrics implements MeterBinder {
  private final ExportHealth health;

  SpanLossMetrics(ExportHealth health) {
    this.health = health;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    FunctionCounter.builder(MetricNames.DROPPED_SPANS, health, ExportHealth::droppedSpans)
        .description(MetricNames.DROPPED_SPANS_DESCRIPTION)
        .baseUnit(MetricNames.UNIT_SPANS)
        .tag(MetricNames.REASON, MetricNames.QUEUE_FULL)
        .register(registry);
    FunctionCounter.builder(MetricNames.DROPPED_SPANS, health, ExportHealth::failedSpans)
        .description(MetricNames.DROPPED_SPANS_DESCRIPTION)
        .baseUnit(MetricNames.UNIT_SPANS)
        .tag(MetricNames.REASON, MetricNames.EXPORT_FAILED)
        .register(registry);
  }
}
