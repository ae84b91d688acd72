package io.synscope.agent.metrics;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The values one tag may take, numbered: the values given up front, then the first ones seen,
 * until the limit; every later value counts as {@link MetricNames#OTHER}, so that unexpected input
 * (exception class names, say) cannot grow the number of time series without bound.
 *
 * <p>A value seen before is found without allocating or locking; only a new value takes a lock.
 */
final class CappedTagValues {
  private final String[] values;
  private final ConcurrentHashMap<String, Integer> indexes = new ConcurrentHashMap<>();
  private final int otherIndex;
  private int size;

  /**
   * @param limit how many distinct values are kept, those given up front included; {@link
   *     MetricNames#OTHER} comes on top
   * @param initial values that are always kept, in this order
   */
  CappedTagValues(int limit, String... initial) {
    if (limit < initial.length) {
      throw new IllegalArgumentException("limit " + limit + " < " + initial.length + " values");
    }
    this.values = new String[limit + 1];
    this.otherIndex = limit;
    values[otherIndex] = MetricNames.OTHER;
    indexes.put(MetricNames.OTHER, otherIndex);
    for (String v : initial) {
      admit(v);
    }
  }

  /** The index of {@code value}, or {@link #otherIndex()} once the limit is reached. */
  int indexOf(String value) {
    Integer i = indexes.get(value);
    return i != null ? i : admit(value);
  }

  private synchronized int admit(String value) {
    Integer i = indexes.get(value);
    if (i != null) {
      return i;
    }
    if (size == otherIndex) {
      return otherIndex;
    }
    values[size] = value;
    indexes.put(value, size);
    return size++;
  }

  /** The tag value with this index. */
  String valueAt(int index) {
    return values[index];
  }

  int otherIndex() {
    return otherIndex;
  }

  /** How many indexes there can be: the limit plus one for {@link MetricNames#OTHER}. */
  int capacity() {
    return values.length;
  }
}
