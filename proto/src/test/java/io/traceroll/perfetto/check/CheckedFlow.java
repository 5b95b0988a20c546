package io.traceroll.perfetto.check;

/** An arrow between two slices (or instants) sharing a flow id, earlier one first. */
public record CheckedFlow(long id, CheckedSlice from, CheckedSlice to) {}
