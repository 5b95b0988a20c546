package io.traceroll.timeline;

import java.util.Arrays;

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
  private boolean[] open = new boolean[16];
  private long[] endedAt = new long[16];
  private int used; // ids 1..used have been handed out

  FlowIds(int part) {
    this.base = (long) part << 32;
  }

  /** A free id for a flow starting at time t. */
  long open(long t) {
    for (int id = 1, last = Math.min(used, SCAN_LIMIT); id <= last; id++) {
      if (!open[id] && endedAt[id] < t) {
        open[id] = true;
        return base | id;
      }
    }
    int id = ++used;
    if (id == open.length) {
      open = Arrays.copyOf(open, id * 2);
      endedAt = Arrays.copyOf(endedAt, id * 2);
    }
    open[id] = true;
    return base | id;
  }

  /** The flow with this id ended at time t. */
  void close(long flowId, long t) {
    int id = (int) (flowId - base);
    open[id] = false;
    endedAt[id] = t;
  }
}
