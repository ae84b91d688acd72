package io.synscope.agent.bench;

import java.util.Arrays;

/** The median and the range of a benchmark's per-pair figures. */
final class Medians {
  private Medians() {}

  /** The median; of an even count, the mean of the two middle values. */
  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  static double min(double[] values) {
    return Arrays.stream(values).min().orElseThrow();
  }

  static double max(double[] values) {
    return Arrays.stream(values).max().orElseThrow();
  }
}
