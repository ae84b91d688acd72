package io.synscope.agent.listen;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.synscope.probe.proc.StackCounters;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * {@code tcp.stack.*}: function counters over the kernel's TCP counters ({@code /proc/net/netstat}
 * TcpExt, {@code /proc/net/snmp} Tcp), the set listed in {@link ListenMeterNames#STACK_COUNTERS}.
 * They count the whole network namespace, every process in it, and each description says so. Only
 * counters this kernel has are registered.
 */
public final class TcpStackMetrics implements MeterBinder, AutoCloseable {
  private final Iterable<Tag> tags;
  private final RegisteredMeters meters = new RegisteredMeters();
  private KernelReadings readings;

  public TcpStackMetrics() {
    this(Tags.empty());
  }

  public TcpStackMetrics(Iterable<Tag> tags) {
    this(tags, null);
  }

  TcpStackMetrics(Iterable<Tag> tags, KernelReadings readings) {
    this.tags = tags;
    this.readings = readings;
  }

  @Override
  public synchronized void bindTo(MeterRegistry registry) {
    if (readings == null) {
      readings = KernelReadings.standalone();
    }
    StackCounters first = readings.countersSupported() ? readings.counters() : null;
    if (first == null) {
      return;
    }
    // Held by this binder and the poller: the counters keep only a weak reference.
    KernelReadings source = readings;
    meters.addGroup(
        registry,
        "",
        r -> {
          List<Meter> out = new ArrayList<>();
          for (ListenMeterNames.StackCounter c : ListenMeterNames.STACK_COUNTERS) {
            if (first.get(c.group(), c.kernelName()).isEmpty()) {
              continue;
            }
            out.add(
                FunctionCounter.builder(c.meterName(), source, s -> value(s, c))
                    .tags(tags)
                    .description(c.description())
                    .baseUnit(c.baseUnit())
                    .register(r));
          }
          return out;
        });
  }

  private static double value(KernelReadings readings, ListenMeterNames.StackCounter c) {
    StackCounters now = readings.counters();
    if (now == null) {
      return Double.NaN;
    }
    OptionalLong v = now.get(c.group(), c.kernelName());
    return v.isPresent() ? v.getAsLong() : Double.NaN;
  }

  /** Removes this binder's meters from every registry it was bound to. */
  @Override
  public synchronized void close() {
    meters.removeAll();
  }
}
