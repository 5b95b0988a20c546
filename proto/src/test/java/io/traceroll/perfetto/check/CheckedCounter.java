package io.traceroll.perfetto.check;

/** One value on a counter track (integer values widened to double, as trace processor does). */
public record CheckedCounter(long trackUuid, long ts, double value) {}
