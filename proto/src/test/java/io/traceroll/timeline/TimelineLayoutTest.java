package io.traceroll.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.span.Span;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class TimelineLayoutTest {
  private static final long T0 = 1_767_225_600_000_000_000L;

  private static Span span(String service, int pid, long tid, String thread, long start, long end,
      int id) {
    return Span.builder().traceId("0af7651916cd43dd8448eb211c80319c")
        .spanId(String.format("%016x", id)).serviceName(service).name(service + " op")
        .pid(pid).tid(tid).threadName(thread).startNanos(start).endNanos(end).build();
  }

  /** Many spans sharing a start (ties decided by the rest of the order), shuffled. */
  private static List<Span> tiedSpans(long spread, Random r) {
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      long start = T0 + (r.nextInt(20) - 5) * spread;
      spans.add(span("svc-" + r.nextInt(4), 0, 0, null, start, start + r.nextInt(3) * 1000, i % 50));
    }
    Collections.shuffle(spans, r);
    return spans;
  }

  private static void assertCanonical(List<Span> spans) {
    TimelineLayout layout = TimelineLayout.of(new RequestTrace("k", 0, spans, List.of()), true);

    List<Span> expected = new ArrayList<>(spans);
    expected.sort(CanonicalOrder.SPANS);
    assertThat(layout.spans).hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      assertThat(CanonicalOrder.compare(layout.spans[i], expected.get(i))).as("position %d", i)
          .isZero();
    }
  }

  @Test
  void shouldOrderSpansAsTheComparatorDoesWhenStartsAreClose() {
    assertCanonical(tiedSpans(1_000, new Random(3)));
  }

  @Test
  void shouldCollectEveryDistinctTraceId() {
    String[] traceIds = {"a1", "b2", "a1", "c3", "b2", "a1"};
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < traceIds.length; i++) {
      spans.add(Span.builder().traceId(traceIds[i]).spanId(String.format("%016x", i))
          .serviceName("svc").name("op").startNanos(T0 + i).endNanos(T0 + 10).build());
    }

    assertThat(TimelineLayout.of(new RequestTrace("k", 0, spans, List.of()), true).traceIds)
        .containsExactlyInAnyOrder("a1", "b2", "c3");
    assertThat(TimelineLayout.of(new RequestTrace("k", 0, spans.subList(0, 1), List.of()), true)
        .traceIds).containsExactly("a1");
    assertThat(TimelineLayout.of(new RequestTrace("k", 0, List.of(), List.of()), true).traceIds)
        .isEmpty();
  }

  @Test
  void shouldOrderFewSpansAsTheComparatorDoes() {
    // up to TimelineLayout.SMALL_SORT spans take the insertion sort instead of the radix passes
    Random r = new Random(6);
    assertCanonical(tiedSpans(1_000, r).subList(0, 40));
    List<Span> reversed = new ArrayList<>();
    for (int i = 0; i < TimelineLayout.SMALL_SORT; i++) {
      reversed.add(span("svc", 0, 0, null, T0 + 1000L * (TimelineLayout.SMALL_SORT - i), T0 + 1_000_000, i));
    }
    assertCanonical(reversed);
  }

  @Property(tries = 300)
  void shouldSortKeysAsAFullSortDoesOnBothSidesOfTheSmallSortLimit(
      @ForAll @IntRange(min = 0, max = 200) int n,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed,
      @ForAll @IntRange(min = 1, max = 42) int bits) {
    Random r = new Random(seed);
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) { // index bits ascend with the position, as radixSort requires
      long value = (r.nextLong() & ((1L << bits) - 1)) >>> r.nextInt(bits); // small values tie
      keys[i] = value << TimelineLayout.INDEX_BITS | i;
    }
    long[] expected = keys.clone();
    Arrays.sort(expected);

    long[] sorted = TimelineLayout.radixSort(keys, TimelineLayout.INDEX_BITS,
        TimelineLayout.INDEX_BITS + bits);

    assertThat(sorted).containsExactly(expected);
  }

  @Test
  void shouldOrderSpansAsTheComparatorDoesWhenStartsAreHoursApartOrNegative() {
    // a start range of 2^42 ns and more (and negative starts) takes the comparator-only path
    assertCanonical(tiedSpans(3_600_000_000_000L, new Random(4)));
    assertCanonical(tiedSpans(Long.MAX_VALUE / 64, new Random(5)));
  }

  @Test
  void shouldKeepARealPidOnlyForTheServiceThatAloneReportsIt() {
    // "a" alternates between pid 10 (also claimed by "b") and pid 20 (only its own)
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      spans.add(span("a", i % 2 == 0 ? 10 : 20, 0, null, T0 + i, T0 + i, i));
    }
    spans.add(span("b", 10, 0, null, T0 + 10, T0 + 10, 100));

    TimelineLayout layout = TimelineLayout.of(new RequestTrace("k", 0, spans, List.of()), true);

    for (int i = 0; i < layout.n; i++) {
      Span s = layout.spans[i];
      int expected = s.pid() == 20 ? 20 : ProcessIds.syntheticPid(s.serviceName());
      assertThat(layout.procPid[layout.processOf[i]]).as(s.toString()).isEqualTo(expected);
    }
    assertThat(layout.processCount()).isEqualTo(3);
  }

  @Test
  void shouldGiveAThreadWithoutTidOneSyntheticTidPerName() {
    List<Span> spans = List.of(
        span("a", 0, 0, "worker-1", T0, T0 + 1, 1),
        span("a", 0, 0, "worker-2", T0 + 2, T0 + 3, 2),
        span("a", 0, 0, "worker-1", T0 + 4, T0 + 5, 3),
        span("a", 0, 7, "worker-1", T0 + 6, T0 + 7, 4));

    TimelineLayout layout = TimelineLayout.of(new RequestTrace("k", 0, spans, List.of()), true);

    for (int i = 0; i < layout.n; i++) {
      Span s = layout.spans[i];
      long expected = s.tid() != 0 ? s.tid() : ProcessIds.syntheticPid("thread:" + s.threadName());
      assertThat(layout.groupTid[layout.groupOf[i]]).as(s.toString()).isEqualTo(expected);
      assertThat(layout.groupThreadName[layout.groupOf[i]]).isEqualTo(s.threadName());
    }
  }

  private record ProcessKey(String service, int pid) {}

  private record GroupKey(ProcessKey process, long tid, String thread) {}

  @Test
  void shouldNumberProcessesAndGroupsByKeyOrderWhateverTheStringObjects() {
    // equal service and thread names as distinct String objects, some null threads, pids shared
    // by two services, and more distinct (service, pid, tid, thread) than a small table holds
    Random r = new Random(11);
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      int svc = r.nextInt(9);
      String thread = r.nextInt(4) == 0 ? null : new String("worker-" + r.nextInt(12));
      long tid = r.nextInt(3) == 0 ? 0 : r.nextInt(5) - 2;
      int pid = svc == 3 || svc == 4 ? 1 : svc % 2 == 0 ? 0 : r.nextInt(3) + 40 * svc;
      long start = T0 + r.nextInt(1_000_000);
      spans.add(span(new String("svc-" + svc), pid, tid, thread, start, start + r.nextInt(1000), i));
    }
    Map<Integer, Set<String>> claims = new HashMap<>();
    for (Span s : spans) {
      if (s.pid() > 0) {
        claims.computeIfAbsent(s.pid(), k -> new HashSet<>()).add(s.serviceName());
      }
    }
    Comparator<ProcessKey> byProcess = Comparator.comparing(ProcessKey::service)
        .thenComparingInt(ProcessKey::pid);
    TreeSet<ProcessKey> processes = new TreeSet<>(byProcess);
    TreeSet<GroupKey> groups = new TreeSet<>(Comparator.comparing(GroupKey::process, byProcess)
        .thenComparingLong(GroupKey::tid)
        .thenComparing(GroupKey::thread, Comparator.nullsFirst(Comparator.naturalOrder())));
    Map<Span, GroupKey> expected = new HashMap<>();
    for (Span s : spans) {
      int pid = s.pid() > 0 && claims.get(s.pid()).size() == 1 ? s.pid()
          : ProcessIds.syntheticPid(s.serviceName());
      ProcessKey process = new ProcessKey(s.serviceName(), pid);
      long tid = s.tid() != 0 ? s.tid()
          : s.threadName() == null ? 0 : ProcessIds.syntheticPid("thread:" + s.threadName());
      GroupKey group = new GroupKey(process, tid, s.threadName());
      processes.add(process);
      groups.add(group);
      expected.put(s, group);
    }

    TimelineLayout layout = TimelineLayout.of(new RequestTrace("k", 0, spans, List.of()), true);

    List<ProcessKey> processOrder = new ArrayList<>(processes);
    List<GroupKey> groupOrder = new ArrayList<>(groups);
    assertThat(layout.processCount()).isEqualTo(processOrder.size());
    assertThat(layout.groupTid).hasSize(groupOrder.size());
    for (int i = 0; i < layout.n; i++) {
      GroupKey want = expected.get(layout.spans[i]);
      assertThat(layout.processOf[i]).isEqualTo(processOrder.indexOf(want.process()));
      assertThat(layout.groupOf[i]).isEqualTo(groupOrder.indexOf(want));
      int g = layout.groupOf[i];
      assertThat(layout.groupProcess[g]).isEqualTo(layout.processOf[i]);
      assertThat(layout.groupTid[g]).isEqualTo(want.tid());
      assertThat(layout.groupThreadName[g])
          .isEqualTo(want.tid() == 0 ? null : want.thread());
      assertThat(layout.procPid[layout.processOf[i]]).isEqualTo(want.process().pid());
      assertThat(Objects.equals(layout.procService[layout.processOf[i]], want.process().service()))
          .isTrue();
    }
  }
}
