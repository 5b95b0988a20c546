package io.traceroll.perfetto;

/** How {@link PerfettoWriter} puts packet timestamps on the wire. */
public enum TimestampEncoding {
  /** Epoch ns on every packet (9 bytes each); any order. */
  ABSOLUTE,
  /**
   * Delta to the previous timestamped packet, on a sequence-scoped incremental clock: 2-3 bytes
   * for typical gaps, and far fewer distinct byte patterns for gzip. Timestamps must not
   * decrease.
   */
  DELTA
}
