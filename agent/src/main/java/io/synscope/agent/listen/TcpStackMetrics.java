package io.synscope.agent.listen;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
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
public final class TcpStackMetrics extends KernelMeterBinder {
  public TcpStackMetrics() {
    this(Tags.empty());
  }

  public TcpStackMetrics(Iterable<Tag> tags) {
    this(tags, null);
  }

  TcpStackMetrics(Iterable<Tag> tags, KernelReadings readings) {
    super(tags, readings);
  }

  @Override
  void bind(MeterRegistry registry, KernelReadings readings) {
    StackCounters first = readings.countersSupported() ? readings.counters() : null;
    if (first == null) {
      return;
    }
    // The readings are held by this binder and the poller: the counters keep only a weak reference.
    meters.addGroup(
        registry,
        FIXED_GROUP,
        r -> {
          List<Meter> out = new ArrayList<>();
          for (ListenMeterNames.StackCounter c : ListenMeterNames.STACK_COUNTERS) {
            if (first.get(c.group(), c.kernelName()).isEmpty()) {
              continue;
            }
            out.add(
                FunctionCounter.builder(c.meterName(), readings, s -> value(s, c))
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
}
