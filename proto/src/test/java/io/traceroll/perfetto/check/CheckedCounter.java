package io.traceroll.perfetto.check;

/**
 * One value on a counter track (integer values widened to double, as trace processor does); on an
 * incremental counter track the running total, as trace processor stores it.
 */
public record CheckedCounter(long trackUuid, long ts, double value) {}
