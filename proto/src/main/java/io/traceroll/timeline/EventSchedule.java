package io.traceroll.timeline;

/**
 * Orders every slice begin, slice end and instant of a packed request into one stream with
 * non-decreasing timestamps, closing slices on each lane in LIFO order.
 *
 * <p>Items are visited by time (a span before an instant at the same time, so an instant at a
 * span's start lands inside it). Before an item at time T, every open slice that ended before T
 * is closed (a min-heap over end times; among equal ends the later-pushed, i.e. inner, slice
 * first). Slices ending exactly at T are closed lazily, only when the next item on their lane
 * cannot nest in them: that is what lets zero-duration slices at a parent's end nest correctly.
 *
 * <p>Events are packed ints {@code index << 2 | type}; the stream is {@code 2 * spans + instants}
 * ints, the only per-event state.
 */
final class EventSchedule {
  static final int BEGIN = 0;
  static final int END = 1;
  static final int INSTANT = 2;

  private EventSchedule() {}

  static int type(int event) {
    return event & 3;
  }

  static int index(int event) {
    return event >>> 2;
  }

  /**
   * @param start span starts in canonical order
   * @param end effective span ends
   * @param laneOf lane of each span from {@link LanePacker}
   * @param instantTime time of each instant
   * @param instantOwner span (index into {@code start}) each instant belongs to
   * @param instantOrder instant indices sorted by time (ties in a caller-defined canonical order)
   */
  static int[] schedule(long[] start, long[] end, int[] laneOf, int laneCount,
      long[] instantTime, int[] instantOwner, int[] instantOrder) {
    int n = start.length;
    int m = instantOrder.length;
    int[] out = new int[2 * n + m];
    int o = 0;
    boolean[] ended = new boolean[n];
    LanePacker.Stacks stacks = new LanePacker.Stacks(n, laneCount);
    Ends heap = Ends.of(start, end);
    int si = 0;
    int ii = 0;
    while (si < n || ii < m) {
      boolean spanNext = ii == m || (si < n && start[si] <= instantTime[instantOrder[ii]]);
      long t = spanNext ? start[si] : instantTime[instantOrder[ii]];
      while (!heap.isEmpty() && heap.peekEnd() < t) {
        int s = heap.poll();
        if (!ended[s]) {
          int top = stacks.pop(laneOf[s]);
          if (top != s) {
            throw new IllegalStateException("slice " + s + " is not on top of lane " + laneOf[s]);
          }
          ended[s] = true;
          out[o++] = s << 2 | END;
        }
      }
      if (spanNext) {
        int lane = laneOf[si];
        while (!stacks.isEmpty(lane)) {
          int top = stacks.top(lane);
          if (LanePacker.fits(start[si], end[si], start[top], end[top])) {
            break;
          }
          if (end[top] > t) {
            throw new IllegalStateException("span " + si + " overlaps " + top + " on lane " + lane);
          }
          stacks.pop(lane);
          ended[top] = true;
          out[o++] = top << 2 | END;
        }
        stacks.push(lane, si);
        heap.add(si);
        out[o++] = si << 2 | BEGIN;
        si++;
      } else {
        out[o++] = instantOrder[ii] << 2 | INSTANT;
        ii++;
      }
    }
    while (!heap.isEmpty()) {
      int s = heap.poll();
      if (!ended[s]) {
        stacks.pop(laneOf[s]);
        out[o++] = s << 2 | END;
      }
    }
    return out;
  }

  /**
   * The open slices, taken out by (end ascending, index descending). Spans come by start, and a
   * span ending before t started before t, so it has always been added by the time it is due:
   * taking them out is walking the spans sorted by that order once ({@link SortedEnds}, one
   * primitive sort per request), with the heap only for input outside the sort's range.
   */
  private abstract static class Ends {
    abstract boolean isEmpty();

    abstract long peekEnd();

    abstract int poll();

    abstract void add(int v);

    static Ends of(long[] start, long[] end) {
      int n = start.length;
      if (n >= 1 << TimelineLayout.INDEX_BITS) {
        return new EndHeap(n, end);
      }
      long min = Long.MAX_VALUE;
      long max = Long.MIN_VALUE;
      for (int i = 0; i < n; i++) {
        if (i > 0 && start[i] < start[i - 1]) {
          return new EndHeap(n, end); // not by start: only the heap's order is right
        }
        min = Math.min(min, end[i]);
        max = Math.max(max, end[i]);
      }
      if (n > 0 && (max - min < 0 || max - min >= 1L << (63 - TimelineLayout.INDEX_BITS))) {
        return new EndHeap(n, end);
      }
      return new SortedEnds(end, min);
    }
  }

  /**
   * Every span in (end ascending, index descending) order, taken from the front. The sorted keys
   * are kept as they are, end and index decoded from each: no index array built after the sort
   * and no end[] lookup per peek (+2% on laying out 1000 spans). Building the keys in the loop of
   * {@link Ends#of}'s checks as well measured 5% slower: its early exits cost the key loop more
   * than the second pass.
   */
  private static final class SortedEnds extends Ends {
    private static final long MASK = (1L << TimelineLayout.INDEX_BITS) - 1;
    private final long[] keys;
    private final long min;
    private int next;

    SortedEnds(long[] end, long min) {
      int n = end.length;
      this.min = min;
      long[] keys = new long[n];
      if (n <= TimelineLayout.SMALL_SORT) {
        // sorted whole (the keys are distinct), so in span order: ends mostly ascend with it, and
        // the insertion sort does ~4x fewer moves than on the reversed order the radix sort needs
        // (50-span requests: ~270 inversions of 1225 instead of ~960; +5% on their layout)
        for (int i = 0; i < n; i++) {
          keys[i] = (end[i] - min) << TimelineLayout.INDEX_BITS | (MASK - i);
        }
        TimelineLayout.insertionSort(keys);
        this.keys = keys;
        return;
      }
      // index bits hold (mask - index), ascending with the key's position, so the stable sort
      // by end leaves equal ends by descending index
      long range = 0;
      for (int k = 0; k < n; k++) {
        int i = n - 1 - k;
        keys[k] = (end[i] - min) << TimelineLayout.INDEX_BITS | (MASK - i);
        range = Math.max(range, end[i] - min);
      }
      this.keys = TimelineLayout.radixSort(keys, TimelineLayout.INDEX_BITS,
          64 - Long.numberOfLeadingZeros(range) + TimelineLayout.INDEX_BITS);
    }

    @Override
    boolean isEmpty() {
      return next == keys.length;
    }

    @Override
    long peekEnd() {
      return (keys[next] >>> TimelineLayout.INDEX_BITS) + min;
    }

    @Override
    int poll() {
      return (int) (MASK - (keys[next++] & MASK));
    }

    @Override
    void add(int v) {
      // already in order
    }
  }

  /**
   * Binary min-heap of span indices by (end ascending, index descending). Each entry's end is
   * kept beside it, so sifting compares array neighbours instead of looking up end[index].
   */
  private static final class EndHeap extends Ends {
    private final int[] heap;
    private final long[] key;
    private final long[] end;
    private int size;

    EndHeap(int capacity, long[] end) {
      this.heap = new int[Math.max(1, capacity)];
      this.key = new long[Math.max(1, capacity)];
      this.end = end;
    }

    @Override
    boolean isEmpty() {
      return size == 0;
    }

    @Override
    long peekEnd() {
      return key[0];
    }

    private static boolean less(long endA, int a, long endB, int b) {
      return endA < endB || (endA == endB && a > b);
    }

    @Override
    void add(int v) {
      long e = end[v];
      int i = size++;
      while (i > 0) {
        int p = (i - 1) >>> 1;
        if (!less(e, v, key[p], heap[p])) {
          break;
        }
        heap[i] = heap[p];
        key[i] = key[p];
        i = p;
      }
      heap[i] = v;
      key[i] = e;
    }

    @Override
    int poll() {
      int result = heap[0];
      int last = heap[--size];
      long lastEnd = key[size];
      int i = 0;
      while (true) {
        int c = 2 * i + 1;
        if (c >= size) {
          break;
        }
        if (c + 1 < size && less(key[c + 1], heap[c + 1], key[c], heap[c])) {
          c++;
        }
        if (!less(key[c], heap[c], lastEnd, last)) {
          break;
        }
        heap[i] = heap[c];
        key[i] = key[c];
        i = c;
      }
      if (size > 0) {
        heap[i] = last;
        key[i] = lastEnd;
      }
      return result;
    }
  }
}
