package io.traceroll.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.span.Span;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
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
}
