package io.traceroll.timeline;

/**
 * Flow ids of one request part, reused once their flow has ended: a flow starts at the parent's
 * BEGIN and is terminated at the child's ({@code terminating_flow_ids}, after which trace
 * processor lets the id start a new flow). Taking the smallest free id keeps ids as small as the
 * number of flows open at once (a few dozen in a realistic request), so each is a 1-byte varint
 * from a small alphabet that gzip codes in a few bits, where an id per edge grows with the trace
 * (~1.3 gzip'd bytes per span more).
 *
 * <p>An id is reused only by an event strictly later than the one that ended it, so the reuse
 * holds whatever order trace processor gives events of equal timestamps. The part sits in the high
 * 32 bits: flow ids are global in trace processor and the parts of a request are concatenated.
 * Deterministic: the writer calls in canonical event order.
 */
final class FlowIds {
  /** Free ids looked at before taking a new one: bounds the cost when very many flows are open. */
  static final int SCAN_LIMIT = 64;

  private final long base;
  /** Bit id - 1 set: id (1..SCAN_LIMIT) has been handed out and its flow has ended. */
  private long ended;
  private final long[] endedAt = new long[SCAN_LIMIT + 1];
  private int used; // ids 1..used have been handed out

  FlowIds(int part) {
    this.base = (long) part << 32;
  }

  /**
   * The smallest id among the first SCAN_LIMIT whose flow ended before t, else a new one. Only
   * ended ids are looked at (a bit mask, lowest first): nearly always the first one qualifies,
   * where looking at every id for "not open and ended before t" walked all open ones too.
   */
  long open(long t) {
    for (long m = ended; m != 0; m &= m - 1) {
      int id = Long.numberOfTrailingZeros(m) + 1;
      if (endedAt[id] < t) {
        ended &= ~(1L << (id - 1));
        return base | id;
      }
    }
    return base | ++used;
  }

  /** The flow with this id ended at time t. */
  void close(long flowId, long t) {
    int id = (int) (flowId - base);
    if (id <= SCAN_LIMIT) { // ids beyond the scan limit are never reused
      endedAt[id] = t;
      ended |= 1L << (id - 1);
    }
  }
}
