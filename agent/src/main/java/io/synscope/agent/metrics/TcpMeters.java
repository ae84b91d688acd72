package io.synscope.agent.metrics;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;

/**
 * {@link TcpMetrics}' meters in one registry. Meters whose tags depend on what is recorded are
 * created the first time their combination occurs and kept in arrays indexed by the tag values'
 * numbers, so that later recordings find them without allocating.
 */
final class TcpMeters {
  /** Loopback handshakes take tens of microseconds; SYN timeouts run to minutes. */
  private static final Duration MIN_HANDSHAKE = Duration.ofNanos(10_000);

  private static final Duration MAX_HANDSHAKE = Duration.ofMinutes(3);
  private static final Duration MIN_RTT = Duration.ofNanos(10_000);
  private static final Duration MAX_RTT = Duration.ofSeconds(10);
  /**
   * Bucket bounds of retransmit counts; buckets must be above 0, so 0.5 is the one that counts
   * the handshakes that needed none.
   */
  private static final double[] RETRANSMIT_BUCKETS = {0.5, 1, 2, 3, 4, 5, 6, 8, 10, 15};

  private final MeterRegistry registry;
  private final Tags tags;
  private final CappedTagValues errorTypes;
  private final CappedTagValues sides;
  private final CappedTagValues closers;
  private final CappedTagValues states;
  private final List<Meter> created = new ArrayList<>();

  private final Timer connectSuccess;
  private final AtomicReferenceArray<Timer> connectFailures;
  private final Timer acceptQueueWait;
  private final DistributionSummary synRetransmits;
  private final AtomicReferenceArray<Timer> connectionDurations;
  private final AtomicReferenceArray<DistributionSummary> bytesAcked;
  private final AtomicReferenceArray<DistributionSummary> bytesReceived;
  private final AtomicReferenceArray<DistributionSummary> retransmits;
  private final AtomicReferenceArray<Timer> rtts;

  TcpMeters(
      MeterRegistry registry,
      Tags tags,
      CappedTagValues errorTypes,
      CappedTagValues sides,
      CappedTagValues closers,
      CappedTagValues states) {
    this.registry = registry;
    this.tags = tags;
    this.errorTypes = errorTypes;
    this.sides = sides;
    this.closers = closers;
    this.states = states;
    this.connectSuccess = connectTimer(MetricNames.SUCCESS, MetricNames.NONE);
    this.connectFailures = new AtomicReferenceArray<>(errorTypes.capacity());
    this.acceptQueueWait =
        keep(
            Timer.builder(MetricNames.ACCEPT_QUEUE_WAIT)
                .description(MetricNames.ACCEPT_QUEUE_WAIT_DESCRIPTION)
                .tags(tags)
                .publishPercentileHistogram()
                .minimumExpectedValue(MIN_HANDSHAKE)
                .maximumExpectedValue(MAX_HANDSHAKE)
                .register(registry));
    this.synRetransmits =
        keep(
            DistributionSummary.builder(MetricNames.SYN_RETRANSMITS)
                .description(MetricNames.SYN_RETRANSMITS_DESCRIPTION)
                .baseUnit(MetricNames.UNIT_RETRANSMITS)
                .tags(tags)
                .serviceLevelObjectives(RETRANSMIT_BUCKETS)
                .register(registry));
    int perSide = sides.capacity();
    this.connectionDurations =
        new AtomicReferenceArray<>(perSide * closers.capacity() * states.capacity());
    this.bytesAcked = new AtomicReferenceArray<>(perSide);
    this.bytesReceived = new AtomicReferenceArray<>(perSide);
    this.retransmits = new AtomicReferenceArray<>(perSide);
    this.rtts = new AtomicReferenceArray<>(perSide);
  }

  MeterRegistry registry() {
    return registry;
  }

  void connect(long nanos, int errorType) {
    Timer t = errorType < 0 ? connectSuccess : connectFailures.get(errorType);
    if (t == null) {
      t =
          create(
              connectFailures,
              errorType,
              i -> connectTimer(MetricNames.FAILURE, errorTypes.valueAt(i)));
    }
    t.record(nanos, TimeUnit.NANOSECONDS);
  }

  void acceptQueueWait(long nanos) {
    acceptQueueWait.record(nanos, TimeUnit.NANOSECONDS);
  }

  void synRetransmits(long count) {
    synRetransmits.record(count);
  }

  void closed(ConnectionSummary s, int side, int closer, int state) {
    if (s.lifetimeNanos() >= 0) {
      int combination = (side * closers.capacity() + closer) * states.capacity() + state;
      Timer t = connectionDurations.get(combination);
      if (t == null) {
        t = create(connectionDurations, combination, i -> connectionDuration(side, closer, state));
      }
      t.record(s.lifetimeNanos(), TimeUnit.NANOSECONDS);
    }
    if (s.bytesAcked() >= 0) {
      DistributionSummary d = bytesAcked.get(side);
      if (d == null) {
        d = create(bytesAcked, side, i -> bytes(MetricNames.CONNECTION_BYTES_ACKED, i));
      }
      d.record(s.bytesAcked());
    }
    if (s.bytesReceived() >= 0) {
      DistributionSummary d = bytesReceived.get(side);
      if (d == null) {
        d = create(bytesReceived, side, i -> bytes(MetricNames.CONNECTION_BYTES_RECEIVED, i));
      }
      d.record(s.bytesReceived());
    }
    if (s.totalRetransmits() >= 0) {
      DistributionSummary d = retransmits.get(side);
      if (d == null) {
        d = create(retransmits, side, this::connectionRetransmits);
      }
      d.record(s.totalRetransmits());
    }
    if (s.rttMicros() >= 0) {
      Timer t = rtts.get(side);
      if (t == null) {
        t = create(rtts, side, this::rtt);
      }
      t.record(s.rttMicros(), TimeUnit.MICROSECONDS);
    }
  }

  /** Removes the meters this object registered. */
  synchronized void remove() {
    for (Meter m : created) {
      registry.remove(m);
    }
    created.clear();
  }

  /** The first recording of a tag combination: registers its meter (the slow path). */
  private synchronized <M> M create(
      AtomicReferenceArray<M> meters, int index, IntFunction<M> factory) {
    M m = meters.get(index);
    if (m == null) {
      m = factory.apply(index);
      meters.set(index, m);
    }
    return m;
  }

  private synchronized <M extends Meter> M keep(M meter) {
    created.add(meter);
    return meter;
  }

  private Timer connectTimer(String outcome, String errorType) {
    return keep(
        Timer.builder(MetricNames.CONNECT_DURATION)
            .description(MetricNames.CONNECT_DURATION_DESCRIPTION)
            .tags(tags)
            .tag(MetricNames.OUTCOME, outcome)
            .tag(MetricNames.ERROR_TYPE, errorType)
            .publishPercentileHistogram()
            .minimumExpectedValue(MIN_HANDSHAKE)
            .maximumExpectedValue(MAX_HANDSHAKE)
            .register(registry));
  }

  private Timer connectionDuration(int side, int closer, int state) {
    return keep(
        Timer.builder(MetricNames.CONNECTION_DURATION)
            .description(MetricNames.CONNECTION_DURATION_DESCRIPTION)
            .tags(tags)
            .tag(MetricNames.SIDE, sides.valueAt(side))
            .tag(MetricNames.CLOSED_FIRST, closers.valueAt(closer))
            .tag(MetricNames.STATE_LEFT, states.valueAt(state))
            .register(registry));
  }

  private DistributionSummary bytes(String name, int side) {
    String description =
        name.equals(MetricNames.CONNECTION_BYTES_ACKED)
            ? MetricNames.CONNECTION_BYTES_ACKED_DESCRIPTION
            : MetricNames.CONNECTION_BYTES_RECEIVED_DESCRIPTION;
    return keep(
        DistributionSummary.builder(name)
            .description(description)
            .baseUnit(MetricNames.UNIT_BYTES)
            .tags(tags)
            .tag(MetricNames.SIDE, sides.valueAt(side))
            .register(registry));
  }

  private DistributionSummary connectionRetransmits(int side) {
    return keep(
        DistributionSummary.builder(MetricNames.CONNECTION_RETRANSMITS)
            .description(MetricNames.CONNECTION_RETRANSMITS_DESCRIPTION)
            .baseUnit(MetricNames.UNIT_RETRANSMITS)
            .tags(tags)
            .tag(MetricNames.SIDE, sides.valueAt(side))
            .register(registry));
  }

  private Timer rtt(int side) {
    return keep(
        Timer.builder(MetricNames.CONNECTION_RTT)
            .description(MetricNames.CONNECTION_RTT_DESCRIPTION)
            .tags(tags)
            .tag(MetricNames.SIDE, sides.valueAt(side))
            .publishPercentileHistogram()
            .minimumExpectedValue(MIN_RTT)
            .maximumExpectedValue(MAX_RTT)
            .register(registry));
  }
}
