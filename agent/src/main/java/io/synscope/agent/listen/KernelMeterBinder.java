package io.synscope.agent.listen;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * What the binders over {@link KernelReadings} share: common tags, the meters registered in each
 * registry (removed on {@link #close()}), and the readings, made standalone on the first bind when
 * none were given.
 */
abstract class KernelMeterBinder implements MeterBinder, AutoCloseable {
  /** The group in {@link #meters} of the meters that stay while the binder is bound. */
  static final String FIXED_GROUP = "";

  final Iterable<Tag> tags;
  final RegisteredMeters meters = new RegisteredMeters();
  private KernelReadings readings;

  /** Meters over {@code readings}; null for the standalone readings, made on first bind. */
  KernelMeterBinder(Iterable<Tag> tags, KernelReadings readings) {
    this.tags = tags;
    this.readings = readings;
  }

  @Override
  public final synchronized void bindTo(MeterRegistry registry) {
    if (readings == null) {
      readings = KernelReadings.standalone();
    }
    bind(registry, readings);
  }

  /** Registers this binder's meters in {@code registry}, under this binder's lock. */
  abstract void bind(MeterRegistry registry, KernelReadings readings);

  /** The readings, or null before the first bind when none were given. */
  final KernelReadings readings() {
    return readings;
  }

  /** Removes this binder's meters from every registry it was bound to. */
  @Override
  public synchronized void close() {
    meters.removeAll();
  }
}
