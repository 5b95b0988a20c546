package io.traceroll.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class LanePackerTest {

  /** Spans as {start, end} pairs, already in canonical order; one group; parent -1 unless given. */
  private static LanePacker.Lanes pack(long[][] spans, int[] parent) {
    long[] s = new long[spans.length];
    long[] e = new long[spans.length];
    for (int i = 0; i < spans.length; i++) {
      s[i] = spans[i][0];
      e[i] = spans[i][1];
    }
    return LanePacker.pack(s, e, new int[spans.length], parent, 1);
  }

  private static int[] noParents(int n) {
    int[] p = new int[n];
    Arrays.fill(p, -1);
    return p;
  }

  @Test
  void shouldKeepOneStackPerLaneLinkedThroughTheSpans() {
    LanePacker.Stacks stacks = new LanePacker.Stacks(20, 2);
    stacks.push(0, 0);
    stacks.push(1, 1);
    stacks.push(0, 2);

    assertThat(stacks.top(0)).isEqualTo(2);
    assertThat(stacks.bottom(0)).isEqualTo(0);
    assertThat(stacks.isSingle(0)).isFalse();
    assertThat(stacks.isSingle(1)).isTrue();
    assertThat(stacks.pop(0)).isEqualTo(2);
    assertThat(stacks.isSingle(0)).isTrue();
    assertThat(stacks.pop(0)).isEqualTo(0);
    assertThat(stacks.isEmpty(0)).isTrue();
    assertThat(stacks.isSingle(0)).isFalse();
    stacks.push(0, 3);
    assertThat(stacks.bottom(0)).as("a new bottom once the lane emptied").isEqualTo(3);
    for (int l = 2; l < 12; l++) { // past the initial capacity of 8 lanes
      assertThat(stacks.newLane()).isEqualTo(l);
      assertThat(stacks.isEmpty(l)).isTrue();
      stacks.push(l, l + 4);
      assertThat(stacks.bottom(l)).isEqualTo(l + 4);
    }
    assertThat(stacks.laneCount).isEqualTo(12);
    assertThat(stacks.top(1)).isEqualTo(1);
  }

  @Test
  void shouldKeepNestedSpansOnOneLane() {
    LanePacker.Lanes lanes = pack(new long[][] {{0, 100}, {10, 50}, {20, 30}, {60, 90}}, noParents(4));

    assertThat(lanes.laneOfSpan()).containsExactly(0, 0, 0, 0);
    assertThat(lanes.laneCount()).isEqualTo(1);
  }

  @Test
  void shouldPutOverlappingNonNestedSpansOnSiblingLanes() {
    LanePacker.Lanes lanes = pack(new long[][] {{0, 50}, {40, 100}, {45, 60}, {70, 80}}, noParents(4));

    assertThat(lanes.laneOfSpan()).as("45-60 only nests in 40-100; 70-80 reuses the freed lane 0").containsExactly(0, 1, 1, 0);
  }

  @Test
  void shouldPutAChildOnItsParentsLaneWhenItNestsThere() {
    // parent on lane 1 (it overlaps span 0); its child also fits lane 0 under span 0 by time
    long[][] spans = {{0, 100}, {50, 200}, {60, 90}};
    int[] parent = {-1, -1, 1};

    LanePacker.Lanes lanes = pack(spans, parent);

    assertThat(lanes.laneOfSpan()).containsExactly(0, 1, 1);
  }

  @Test
  void shouldNestZeroDurationSpansAtIdenticalTimestamps() {
    long[][] spans = {{10, 10}, {10, 10}, {10, 10}};

    LanePacker.Lanes lanes = pack(spans, noParents(3));
    int[] events = schedule(spans, lanes, new long[0], new int[0]);

    assertThat(lanes.laneCount()).isEqualTo(1);
    assertValidStream(spans, lanes.laneOfSpan(), new long[0], new int[0], events);
  }

  @Test
  void shouldNestAZeroDurationSpanAtItsParentsEnd() {
    long[][] spans = {{0, 10}, {10, 10}};

    LanePacker.Lanes lanes = pack(spans, new int[] {-1, 0});
    int[] events = schedule(spans, lanes, new long[0], new int[0]);

    assertThat(lanes.laneOfSpan()).containsExactly(0, 0);
    assertThat(events).containsExactly(0 << 2 | EventSchedule.BEGIN, 1 << 2 | EventSchedule.BEGIN,
        1 << 2 | EventSchedule.END, 0 << 2 | EventSchedule.END);
  }

  @Test
  void shouldPlaceInstantsInsideTheirSpanAtItsBoundaries() {
    long[][] spans = {{0, 10}};
    long[] instantTime = {0, 10};
    int[] owner = {0, 0};

    LanePacker.Lanes lanes = pack(spans, noParents(1));
    int[] events = schedule(spans, lanes, instantTime, owner);

    assertThat(events).containsExactly(0 << 2 | EventSchedule.BEGIN, 0 << 2 | EventSchedule.INSTANT,
        1 << 2 | EventSchedule.INSTANT, 0 << 2 | EventSchedule.END);
  }

  @Test
  void shouldScheduleTheSameStreamWhetherEndsAreSortedOnceOrKeptInAHeap() {
    assertSortedEndsMatchTheHeap(400, 7); // radix-sorted ends
    assertSortedEndsMatchTheHeap(TimelineLayout.SMALL_SORT, 8); // insertion-sorted ends
    assertSortedEndsMatchTheHeap(20, 9);
  }

  private static void assertSortedEndsMatchTheHeap(int n, long seed) {
    // ends within 2^42 ns of each other are sorted once; a wider range takes the heap. Scaling
    // every time by 2^40 keeps every order and tie, so the two must give the same stream.
    java.util.Random r = new java.util.Random(seed);
    long[][] small = new long[n][];
    long[][] wide = new long[n][];
    long t = 0;
    for (int i = 0; i < n; i++) {
      t += r.nextInt(3); // equal starts and ends occur
      small[i] = new long[] {t, t + r.nextInt(40)};
      wide[i] = new long[] {small[i][0] << 40, small[i][1] << 40};
    }
    java.util.Arrays.sort(small, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(b[1], a[1]));
    java.util.Arrays.sort(wide, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(b[1], a[1]));
    long[] instants = {small[n / 2][0], small[n - 1][1]};
    long[] wideInstants = {instants[0] << 40, instants[1] << 40};
    int[] owner = {n / 2, n - 1};

    LanePacker.Lanes lanes = pack(small, noParents(n));
    int[] sorted = schedule(small, lanes, instants, owner);
    int[] heap = schedule(wide, pack(wide, noParents(n)), wideInstants, owner);

    assertThat(heap).isEqualTo(sorted);
    assertValidStream(small, lanes.laneOfSpan(), instants, owner, sorted);
  }

  @Test
  void shouldReuseFreedLanesBeyondTheScanLimitForHeavyConcurrency() {
    int n = 5_000;
    long[][] spans = new long[n][];
    for (int i = 0; i < n; i++) {
      spans[i] = new long[] {i, i + 1_000}; // each overlaps the next 1000 without nesting
    }

    LanePacker.Lanes lanes = pack(spans, noParents(n));
    int[] events = schedule(spans, lanes, new long[0], new int[0]);

    assertThat(lanes.laneCount()).as("peak concurrency, not one lane per span").isBetween(1_000, 1_001);
    assertValidStream(spans, lanes.laneOfSpan(), new long[0], new int[0], events);
  }

  @Property(tries = 100)
  void shouldStayStrictlyNestedWhenLanesExceedTheScanLimit(
      @ForAll @IntRange(min = 40, max = 400) int n,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed) {
    java.util.Random r = new java.util.Random(seed);
    long[][] spans = new long[n][];
    for (int i = 0; i < n; i++) {
      long s = r.nextInt(200);
      int shape = r.nextInt(4);
      spans[i] = new long[] {s, s + (shape == 0 ? 0 : shape == 1 ? r.nextInt(5) : 50 + r.nextInt(150))};
    }
    Arrays.sort(spans, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(b[1], a[1]));
    int[] parent = new int[n];
    for (int i = 0; i < n; i++) {
      parent[i] = i == 0 || r.nextInt(3) > 0 ? -1 : r.nextInt(i);
    }

    LanePacker.Lanes lanes = pack(spans, parent);

    assertValidStream(spans, lanes.laneOfSpan(), new long[0], new int[0],
        schedule(spans, lanes, new long[0], new int[0]));
  }

  @Property(tries = 300)
  void shouldProduceStrictlyNestedLanesForAnyIntervals(
      @ForAll @IntRange(min = 1, max = 60) int n,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed,
      @ForAll @IntRange(min = 1, max = 4) int groups) {
    java.util.Random r = new java.util.Random(seed);
    long[][] spans = new long[n][];
    for (int i = 0; i < n; i++) {
      long s = r.nextInt(20); // small range: many identical timestamps
      spans[i] = new long[] {s, s + (r.nextInt(3) == 0 ? 0 : r.nextInt(10))};
    }
    Arrays.sort(spans, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(b[1], a[1]));
    long[] s = new long[n];
    long[] e = new long[n];
    int[] group = new int[n];
    int[] parent = new int[n];
    for (int i = 0; i < n; i++) {
      s[i] = spans[i][0];
      e[i] = spans[i][1];
      group[i] = r.nextInt(groups);
      parent[i] = i == 0 || r.nextBoolean() ? -1 : r.nextInt(i);
    }
    int m = r.nextInt(10);
    long[] it = new long[m];
    int[] owner = new int[m];
    for (int k = 0; k < m; k++) {
      owner[k] = r.nextInt(n);
      it[k] = Math.max(0, s[owner[k]] + r.nextInt(14) - 2); // also outside the span
    }

    LanePacker.Lanes lanes = LanePacker.pack(s, e, group, parent, groups);
    int[] events = schedule(spans, lanes, it, owner);

    for (int l = 0; l < lanes.laneCount(); l++) {
      assertThat(lanes.laneGroup()[l]).isBetween(0, groups - 1);
    }
    for (int i = 0; i < n; i++) {
      assertThat(lanes.laneGroup()[lanes.laneOfSpan()[i]]).isEqualTo(group[i]);
    }
    assertValidStream(spans, lanes.laneOfSpan(), it, owner, events);
  }

  private static int[] schedule(long[][] spans, LanePacker.Lanes lanes, long[] instantTime, int[] owner) {
    long[] s = new long[spans.length];
    long[] e = new long[spans.length];
    for (int i = 0; i < spans.length; i++) {
      s[i] = spans[i][0];
      e[i] = spans[i][1];
    }
    Integer[] boxed = new Integer[instantTime.length];
    for (int k = 0; k < boxed.length; k++) {
      boxed[k] = k;
    }
    Arrays.sort(boxed, (a, b) -> Long.compare(instantTime[a], instantTime[b]));
    int[] order = Arrays.stream(boxed).mapToInt(Integer::intValue).toArray();
    return EventSchedule.schedule(s, e, lanes.laneOfSpan(), lanes.laneCount(), instantTime, owner, order);
  }

  /** What trace processor requires of one track: LIFO ends, children inside parents, time order. */
  private static void assertValidStream(long[][] spans, int[] laneOf, long[] instantTime, int[] owner, int[] events) {
    Map<Integer, Deque<Integer>> open = new HashMap<>();
    long lastTs = Long.MIN_VALUE;
    int begins = 0;
    int ends = 0;
    int instants = 0;
    for (int ev : events) {
      int i = EventSchedule.index(ev);
      long ts;
      switch (EventSchedule.type(ev)) {
        case EventSchedule.BEGIN -> {
          ts = spans[i][0];
          Deque<Integer> stack = open.computeIfAbsent(laneOf[i], k -> new ArrayDeque<>());
          if (!stack.isEmpty()) {
            long[] outer = spans[stack.peek()];
            assertThat(outer[0] <= spans[i][0] && spans[i][1] <= outer[1])
                .as("span %s %s nests in %s", i, Arrays.toString(spans[i]), Arrays.toString(outer)).isTrue();
          }
          stack.push(i);
          begins++;
        }
        case EventSchedule.END -> {
          ts = spans[i][1];
          assertThat(open.get(laneOf[i]).pop()).as("LIFO end on lane %s", laneOf[i]).isEqualTo(i);
          ends++;
        }
        default -> {
          ts = instantTime[i];
          instants++;
        }
      }
      assertThat(ts).as("timestamps never go back").isGreaterThanOrEqualTo(lastTs);
      lastTs = ts;
    }
    assertThat(begins).isEqualTo(spans.length);
    assertThat(ends).isEqualTo(spans.length);
    assertThat(instants).isEqualTo(instantTime.length);
  }
}
