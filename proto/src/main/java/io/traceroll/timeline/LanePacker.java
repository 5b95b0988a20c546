package io.traceroll.timeline;

import java.util.Arrays;

/**
 * Packs the slices of each track group (a service process, or one thread of it) onto as few sibling
 * lane tracks as needed so that on every lane slices strictly nest: Perfetto closes slices on a
 * track in LIFO order, so two spans that overlap without one containing the other cannot share a
 * track.
 *
 * <p>Input spans are in {@link CanonicalOrder} (start ascending, end descending), so a span's
 * enclosing spans are always placed before it. Each lane is a stack of open spans; a span fits a
 * lane when, after dropping the spans that ended before it could nest, the lane's top contains it.
 * A child tries its parent's lane first (so a call tree stays on one lane), then the lanes in
 * creation order (first fit: the first lanes are the busiest, extra lanes only exist for real
 * concurrency).
 *
 * <p>Working state is a few int arrays proportional to the spans; nothing per span is allocated.
 * Cost is O(spans x min(lanes, {@link #SCAN_LIMIT}) + spans x log lanes).
 */
final class LanePacker {
  /**
   * Lanes of a group tried first-fit; beyond them only a lane that is entirely free is reused
   * (found in O(log lanes)), so a service with thousands of mutually overlapping spans costs
   * O(spans x SCAN_LIMIT) instead of O(spans x lanes).
   */
  static final int SCAN_LIMIT = 32;

  private LanePacker() {}

  /** Result: lane of each span (global id, lanes of one group numbered in creation order). */
  record Lanes(int[] laneOfSpan, int[] laneGroup, int[] laneIndexInGroup, int laneCount) {}

  static boolean fits(long start, long end, long outerStart, long outerEnd) {
    return outerStart <= start && end <= outerEnd;
  }

  /**
   * @param start span starts, ascending
   * @param end effective span ends ({@code >= start}), descending among equal starts
   * @param group track group of each span, {@code 0..groupCount-1}
   * @param parent index of the span's parent in these arrays, or -1
   */
  static Lanes pack(long[] start, long[] end, int[] group, int[] parent, int groupCount) {
    int n = start.length;
    int[] laneOf = new int[n];
    Stacks stacks = new Stacks(n, 0);
    int[][] groupLanes = new int[groupCount][];
    int[] groupLaneCount = new int[groupCount];
    int[] laneGroup = new int[8];
    int[] laneIndex = new int[8];
    FreeLanes[] free = new FreeLanes[groupCount];
    for (int i = 0; i < n; i++) {
      int g = group[i];
      int chosen = -1;
      int p = parent[i];
      if (p >= 0 && p < i && group[p] == g && tryPlace(stacks, laneOf[p], i, start, end)) {
        chosen = laneOf[p];
      }
      if (chosen < 0) {
        int[] lanes = groupLanes[g];
        for (int k = 0, scan = Math.min(groupLaneCount[g], SCAN_LIMIT); k < scan; k++) {
          if (tryPlace(stacks, lanes[k], i, start, end)) {
            chosen = lanes[k];
            break;
          }
        }
      }
      if (chosen < 0 && free[g] != null) {
        chosen = free[g].freeLane(stacks, i, start, end);
      }
      if (chosen < 0) {
        chosen = stacks.newLane();
        if (chosen == laneGroup.length) {
          laneGroup = Arrays.copyOf(laneGroup, chosen * 2);
          laneIndex = Arrays.copyOf(laneIndex, chosen * 2);
        }
        laneGroup[chosen] = g;
        laneIndex[chosen] = groupLaneCount[g];
        if (groupLanes[g] == null) {
          groupLanes[g] = new int[4];
        } else if (groupLaneCount[g] == groupLanes[g].length) {
          groupLanes[g] = Arrays.copyOf(groupLanes[g], groupLaneCount[g] * 2);
        }
        groupLanes[g][groupLaneCount[g]++] = chosen;
      }
      stacks.push(chosen, i);
      laneOf[i] = chosen;
      if (laneIndex[chosen] >= SCAN_LIMIT && stacks.isSingle(chosen)) {
        if (free[g] == null) {
          free[g] = new FreeLanes();
        }
        free[g].add(end[i], chosen, i);
      }
    }
    int lanes = stacks.laneCount;
    return new Lanes(laneOf, Arrays.copyOf(laneGroup, lanes), Arrays.copyOf(laneIndex, lanes), lanes);
  }

  /** Pops spans that ended and cannot contain span i; true when i then nests in the top (or the lane is empty). */
  private static boolean tryPlace(Stacks stacks, int lane, int i, long[] start, long[] end) {
    while (!stacks.isEmpty(lane)) {
      int top = stacks.top(lane);
      if (fits(start[i], end[i], start[top], end[top])) {
        return true;
      }
      if (end[top] > start[i]) {
        return false; // still open and overlapping without containing i
      }
      stacks.pop(lane);
    }
    return true;
  }

  /**
   * Lanes of one group beyond the first {@link #SCAN_LIMIT}, by the end of their outermost open
   * span: the first entry tells whether some lane is entirely free for a span. Entries go stale
   * when their span stops being the lane's bottom and are dropped when seen.
   */
  private static final class FreeLanes {
    private long[] key = new long[8];
    private int[] lane = new int[8];
    private int[] span = new int[8];
    private int size;

    void add(long bottomEnd, int l, int s) {
      if (size == key.length) {
        key = Arrays.copyOf(key, size * 2);
        lane = Arrays.copyOf(lane, size * 2);
        span = Arrays.copyOf(span, size * 2);
      }
      int i = size++;
      while (i > 0) {
        int p = (i - 1) >>> 1;
        if (!less(bottomEnd, l, key[p], lane[p])) {
          break;
        }
        key[i] = key[p];
        lane[i] = lane[p];
        span[i] = span[p];
        i = p;
      }
      key[i] = bottomEnd;
      lane[i] = l;
      span[i] = s;
    }

    private static boolean less(long k1, int l1, long k2, int l2) {
      return k1 < k2 || (k1 == k2 && l1 < l2);
    }

    /** A lane whose every open span ended by span i's start (i is then placed there), or -1. */
    int freeLane(Stacks stacks, int i, long[] start, long[] end) {
      while (size > 0) {
        int l = lane[0];
        boolean stale = stacks.isEmpty(l) || stacks.bottom(l) != span[0];
        if (!stale) {
          if (key[0] > start[i]) {
            return -1; // the earliest-free lane is still busy: all are
          }
          // stays in the heap: its entry is re-validated by bottom identity next time
          if (tryPlace(stacks, l, i, start, end)) {
            return l;
          }
        }
        poll();
      }
      return -1;
    }

    private void poll() {
      size--;
      long k = key[size];
      int l = lane[size];
      int s = span[size];
      int i = 0;
      while (true) {
        int c = 2 * i + 1;
        if (c >= size) {
          break;
        }
        if (c + 1 < size && less(key[c + 1], lane[c + 1], key[c], lane[c])) {
          c++;
        }
        if (!less(key[c], lane[c], k, l)) {
          break;
        }
        key[i] = key[c];
        lane[i] = lane[c];
        span[i] = span[c];
        i = c;
      }
      if (size > 0) {
        key[i] = k;
        lane[i] = l;
        span[i] = s;
      }
    }
  }

  /**
   * One stack per lane, linked through the spans: each span is pushed once, so the span under it
   * is an int per span and a lane is its top span. Push and pop are two array accesses, where a
   * growable int[] per lane took three dependent loads and a bounds check per access (the stacks
   * were ~9% of laying out a 1000-span request; this measured +3.6% on the whole layout).
   */
  static final class Stacks {
    /** Per span: the span under it on its lane, -1 at the bottom. */
    private final int[] below;
    /** Per lane: its top span and its bottom span; top -1 when the lane is empty. */
    private int[] top;
    private int[] bottom;
    int laneCount;

    Stacks(int spans, int lanes) {
      below = new int[spans];
      top = new int[Math.max(8, lanes)];
      bottom = new int[top.length];
      while (laneCount < lanes) {
        newLane();
      }
    }

    int newLane() {
      if (laneCount == top.length) {
        top = Arrays.copyOf(top, laneCount * 2);
        bottom = Arrays.copyOf(bottom, laneCount * 2);
      }
      top[laneCount] = -1;
      return laneCount++;
    }

    /** True when the lane holds exactly one span. */
    boolean isSingle(int lane) {
      int t = top[lane];
      return t >= 0 && below[t] < 0;
    }

    int bottom(int lane) {
      return bottom[lane];
    }

    boolean isEmpty(int lane) {
      return top[lane] < 0;
    }

    int top(int lane) {
      return top[lane];
    }

    int pop(int lane) {
      int s = top[lane];
      top[lane] = below[s];
      return s;
    }

    /** Pushes span {@code v}; each span is pushed at most once. */
    void push(int lane, int v) {
      int t = top[lane];
      below[v] = t;
      top[lane] = v;
      if (t < 0) {
        bottom[lane] = v;
      }
    }
  }
}
