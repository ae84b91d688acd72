package io.synscope.probe.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The timings of one measured variant, kept per round, with the socket counts and allocation. */
final class Samples {
  private final List<long[]> rounds = new ArrayList<>();
  private long[] current;
  private int used;
  private long minCount = Long.MAX_VALUE;
  private long maxCount = Long.MIN_VALUE;
  private long countSum;
  private long allocatedSum;
  private long measured;

  /** Starts a round of up to {@code iterations} samples. */
  void startRound(int iterations) {
    if (current != null) {
      rounds.add(Arrays.copyOf(current, used));
    }
    current = new long[iterations];
    used = 0;
  }

  void add(long nanos, long count, long allocatedBytes) {
    current[used++] = nanos;
    minCount = Math.min(minCount, count);
    maxCount = Math.max(maxCount, count);
    countSum += count;
    allocatedSum += allocatedBytes;
    measured++;
  }

  /** Ends the last round; call once before reading. */
  void finish() {
    if (current != null) {
      rounds.add(Arrays.copyOf(current, used));
      current = null;
    }
  }

  long samples() {
    return measured;
  }

  long minCount() {
    return minCount;
  }

  long maxCount() {
    return maxCount;
  }

  double meanCount() {
    return (double) countSum / measured;
  }

  double meanAllocatedBytes() {
    return (double) allocatedSum / measured;
  }

  /** The {@code q} quantile (0..1, nearest rank) of every sample of every round, in ns. */
  long quantile(double q) {
    long[] all = rounds.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    return nearestRank(all, q);
  }

  long median() {
    return quantile(0.5);
  }

  /** The median of each round, in round order, in ns. */
  long[] roundMedians() {
    return rounds.stream().mapToLong(r -> nearestRank(r.clone(), 0.5)).toArray();
  }

  private static long nearestRank(long[] values, double q) {
    Arrays.sort(values);
    int i = (int) Math.ceil(q * values.length) - 1;
    return values[Math.max(0, Math.min(values.length - 1, i))];
  }
}
