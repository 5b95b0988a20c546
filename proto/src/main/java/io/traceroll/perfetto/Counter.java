package io.traceroll.perfetto;

import java.util.Objects;

/**
 * What makes a track a counter track ({@code CounterDescriptor}).
 *
 * @param unitName free-form unit shown in the UI (e.g. "connections"), or {@code null}
 * @param unitMultiplier factor applied to every value by trace processor; 0 or 1 means none
 * @param incremental values are deltas to be summed, not absolute readings
 * @param yAxisShareKey counters of one parent with the same key share their y-axis range
 */
public record Counter(
    CounterUnit unit, String unitName, long unitMultiplier, boolean incremental,
    String yAxisShareKey) {

  public Counter {
    Objects.requireNonNull(unit, "unit");
    unitName = WellFormed.utf16(unitName);
    yAxisShareKey = WellFormed.utf16(yAxisShareKey);
  }

  /** A plain counter with no unit. */
  public static Counter plain() {
    return new Counter(CounterUnit.UNSPECIFIED, null, 0, false, null);
  }

  public static Counter of(CounterUnit unit) {
    return new Counter(unit, null, 0, false, null);
  }

  public static Counter named(String unitName) {
    return new Counter(CounterUnit.UNSPECIFIED, Objects.requireNonNull(unitName), 0, false, null);
  }

  public Counter withYAxisShareKey(String key) {
    return new Counter(unit, unitName, unitMultiplier, incremental, key);
  }

  public Counter withUnitMultiplier(long multiplier) {
    return new Counter(unit, unitName, multiplier, incremental, yAxisShareKey);
  }

  public Counter asIncremental() {
    return new Counter(unit, unitName, unitMultiplier, true, yAxisShareKey);
  }
}
