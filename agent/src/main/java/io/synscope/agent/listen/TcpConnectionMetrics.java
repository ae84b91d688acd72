package io.synscope.agent.listen;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.synscope.probe.TcpState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code tcp.connections}: this process's TCP sockets by the kernel's state name (tag {@code
 * state}: ESTABLISHED, SYN_SENT, CLOSE_WAIT, LISTEN, ...), counted from the kernel's tables at most
 * once a second when read. TIME_WAIT is not among them: a socket in TIME_WAIT belongs to the
 * kernel, no longer to a process (see {@link ProcessSockets}).
 */
public final class TcpConnectionMetrics extends KernelMeterBinder {
  public TcpConnectionMetrics() {
    this(Tags.empty());
  }

  public TcpConnectionMetrics(Iterable<Tag> tags) {
    this(tags, null);
  }

  TcpConnectionMetrics(Iterable<Tag> tags, KernelReadings readings) {
    super(tags, readings);
  }

  @Override
  void bind(MeterRegistry registry, KernelReadings readings) {
    if (!readings.socketStatesSupported()) {
      return;
    }
    meters.addGroup(
        registry,
        FIXED_GROUP,
        r -> {
          List<Meter> out = new ArrayList<>();
          for (TcpState state : ProcessSockets.STATES) {
            out.add(
                Gauge.builder(
                        ListenMeterNames.CONNECTIONS,
                        () -> {
                          Map<TcpState, Integer> counts = readings.socketStates();
                          return counts == null ? Double.NaN : counts.getOrDefault(state, 0);
                        })
                    .tags(tags)
                    .tag(ListenMeterNames.TAG_STATE, state.name())
                    .description("TCP sockets of this process in this state")
                    .baseUnit(ListenMeterNames.UNIT_CONNECTIONS)
                    .register(r));
          }
          return out;
        });
  }
}
