package io.synscope.agent.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Arrays;

/**
 * The per-connection meters that the tracer records into: connect duration, accept-queue wait,
 * SYN retransmits, and what a connection leaves behind when it closes. Names, tags and units are
 * in {@link MetricNames}.
 *
 * <p>Works without the agent, in an application's own registry. Recording is cheap: the meters
 * of every tag combination are resolved once and kept, so a recording looks them up without
 * allocating. Tag values that come from outside (error types, states) are capped ({@link
 * #MAX_ERROR_TYPES}, {@link #MAX_STATES}); values beyond the cap are recorded as {@value
 * MetricNames#OTHER}.
 *
 * <p>Until it is bound to a registry, and after {@link #close()}, recording does nothing. Bound to
 * several registries, it records into each.
 */
public final class TcpMetrics implements MeterBinder, AutoCloseable {
  /** Distinct {@code error.type} values kept per binder before the rest become "other". */
  public static final int MAX_ERROR_TYPES = 32;

  /** Distinct {@code state.left} values kept per binder before the rest become "other". */
  public static final int MAX_STATES = 16;

  private static final TcpMeters[] NONE = new TcpMeters[0];

  private final Tags tags;
  private final CappedTagValues errorTypes = new CappedTagValues(MAX_ERROR_TYPES);
  private final CappedTagValues sides =
      new CappedTagValues(2, MetricNames.CLIENT, MetricNames.SERVER);
  private final CappedTagValues closers =
      new CappedTagValues(3, MetricNames.LOCAL, MetricNames.PEER, MetricNames.UNKNOWN);
  private final CappedTagValues states = new CappedTagValues(MAX_STATES);
  private volatile TcpMeters[] bound = NONE;

  public TcpMetrics() {
    this(Tags.empty());
  }

  /** With tags added to every meter. */
  public TcpMetrics(Iterable<Tag> tags) {
    this.tags = Tags.of(tags);
  }

  @Override
  public synchronized void bindTo(MeterRegistry registry) {
    for (TcpMeters m : bound) {
      if (m.registry() == registry) {
        return;
      }
    }
    TcpMeters[] next = Arrays.copyOf(bound, bound.length + 1);
    next[bound.length] = new TcpMeters(registry, tags, errorTypes, sides, closers, states);
    bound = next;
  }

  /**
   * A connect finished.
   *
   * @param durationNanos from the application's connect call to established or failed
   * @param errorType why it failed ({@code error.type} of the connect span), null on success
   */
  public void recordConnect(long durationNanos, String errorType) {
    if (durationNanos < 0) {
      return;
    }
    int error = errorType == null ? -1 : errorTypes.indexOf(errorType);
    for (TcpMeters m : bound) {
      m.connect(durationNanos, error);
    }
  }

  /** An accepted connection waited this long in the accept queue. */
  public void recordAcceptQueueWait(long nanos) {
    if (nanos < 0) {
      return;
    }
    for (TcpMeters m : bound) {
      m.acceptQueueWait(nanos);
    }
  }

  /**
   * SYNs a client retransmitted during one connect. Recorded for every connect whose count is
   * known, zeros included, so that the distribution is one of connects.
   */
  public void recordSynRetransmits(long count) {
    if (count < 0) {
      return;
    }
    for (TcpMeters m : bound) {
      m.synRetransmits(count);
    }
  }

  /**
   * A traced connection closed. Negative figures in the summary mean the kernel could not tell
   * and are left out rather than recorded as zero.
   */
  public void recordClosed(ConnectionSummary summary) {
    TcpMeters[] meters = bound;
    if (meters.length == 0) {
      return;
    }
    int side = sides.indexOf(orUnknown(summary.side()));
    int closer = closers.indexOf(orUnknown(summary.closedFirst()));
    int state = states.indexOf(orUnknown(summary.stateLeft()));
    for (TcpMeters m : meters) {
      m.closed(summary, side, closer, state);
    }
  }

  private static String orUnknown(String value) {
    return value == null ? MetricNames.UNKNOWN : value;
  }

  /** Stops recording and removes this binder's meters from the registries it was bound to. */
  @Override
  public synchronized void close() {
    TcpMeters[] meters = bound;
    bound = NONE;
    for (TcpMeters m : meters) {
      m.remove();
    }
  }
}
