package io.synscope.agent.listen;

/**
 * One incident: consecutive overflow intervals of one listener (or of the namespace, when no
 * listener of the process was to blame), with what they added up to. It ends after a quiet period
 * without overflow (see {@link OverflowDetector}).
 */
final class OverflowIncident {
  private final long startEpochNanos;
  private long lastOverflowEndEpochNanos;
  private int intervals;
  private long maxDepth = -1;
  private long backlog = -1;
  private OverflowCounters totals = OverflowCounters.ZERO;

  OverflowIncident(long startEpochNanos) {
    this.startEpochNanos = startEpochNanos;
  }

  /** Adds one interval with overflow; {@code listener} is null for the namespace's incident. */
  void add(long endEpochNanos, Listener listener, OverflowCounters growth) {
    intervals++;
    lastOverflowEndEpochNanos = endEpochNanos;
    if (growth != null) {
      totals = totals.plus(growth);
    }
    if (listener != null) {
      maxDepth = Math.max(maxDepth, listener.queueDepth());
      backlog = listener.backlog();
    }
  }

  long lastOverflowEndEpochNanos() {
    return lastOverflowEndEpochNanos;
  }

  int intervals() {
    return intervals;
  }

  OverflowCounters totals() {
    return totals;
  }

  /** {@code 14 intervals with overflow over 3.50 s, largest queue 2 of backlog 1; ...}. */
  String summary() {
    StringBuilder b =
        new StringBuilder()
            .append(intervals)
            .append(intervals == 1 ? " interval" : " intervals")
            .append(" with overflow over ")
            .append(String.format("%.2f s", (lastOverflowEndEpochNanos - startEpochNanos) / 1e9));
    if (maxDepth >= 0) {
      b.append(", largest queue ").append(maxDepth);
      if (backlog >= 0) {
        b.append(" of backlog ").append(backlog);
      }
    }
    return b.append("; namespace counters ").append(totals.describe()).toString();
  }
}
