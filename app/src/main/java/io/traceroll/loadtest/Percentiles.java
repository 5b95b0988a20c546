package io.traceroll.loadtest;

import java.util.Arrays;

/** Nearest-rank percentiles of a sample (no interpolation: every reported value was observed). */
public final class Percentiles {
  private final long[] sorted;

  public Percentiles(long[] values) {
    this.sorted = values.clone();
    Arrays.sort(sorted);
  }

  public int count() {
    return sorted.length;
  }

  /**
   * The smallest value with at least {@code p} percent of the sample at or below it.
   *
   * @throws IllegalStateException on an empty sample: there is no delay to report, and a zero
   *     would read as a perfect result
   */
  public long percentile(double p) {
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100]: " + p);
    }
    if (sorted.length == 0) {
      throw new IllegalStateException("no values");
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(1, rank) - 1];
  }

  public long max() {
    if (sorted.length == 0) {
      throw new IllegalStateException("no values");
    }
    return sorted[sorted.length - 1];
  }
}
