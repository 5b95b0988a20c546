package io.traceroll.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.perfetto.check.CheckedFlow;
import io.traceroll.perfetto.check.CheckedSlice;
import io.traceroll.perfetto.check.CheckedTrace;
import io.traceroll.perfetto.check.TraceChecker;
import io.traceroll.span.Attribute;
import io.traceroll.span.Span;
import io.traceroll.span.SpanEvent;
import io.traceroll.span.SpanKind;
import io.traceroll.span.SpanLink;
import io.traceroll.span.TestSpans;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Random span sets with everything that goes wrong in production: random nesting and overlap,
 * clock skew between services, missing parents, duplicate ids, zero and negative durations,
 * identical timestamps, threads, events and links.
 */
class TimelinePropertyTest {
  private static final long T = TestSpans.EPOCH_START;

  static List<Span> randomSpans(long seed, int count, int services) {
    Random r = new Random(seed);
    long[] skew = new long[services];
    for (int s = 0; s < services; s++) {
      skew[s] = r.nextInt(3) == 0 ? r.nextInt(41) - 20 : 0;
    }
    List<Span> spans = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int service = r.nextInt(services);
      String parent = null;
      long start;
      long end;
      int shape = r.nextInt(10);
      if (!spans.isEmpty() && shape < 6) {
        Span p = spans.get(r.nextInt(spans.size()));
        parent = p.spanId();
        long ps = p.startNanos();
        long pd = Math.max(0, p.endNanos() - ps);
        start = ps + (pd == 0 ? 0 : r.nextInt((int) pd + 1)) + skew[service];
        end = shape < 4 ? start + (pd == 0 ? 0 : r.nextInt((int) pd + 1)) : start + r.nextInt(60);
      } else {
        start = T + r.nextInt(100);
        end = start + (r.nextInt(4) == 0 ? 0 : r.nextInt(100));
      }
      if (r.nextInt(15) == 0) {
        end = start - 1 - r.nextInt(10); // ends before it starts
      }
      if (r.nextInt(12) == 0) {
        parent = "missing" + r.nextInt(3);
      }
      String id = r.nextInt(15) == 0 && !spans.isEmpty()
          ? spans.get(r.nextInt(spans.size())).spanId() : String.format("%016x", i + 1);
      Span.Builder b = Span.builder().traceId("0af7651916cd43dd8448eb211c80319c").spanId(id)
          .parentSpanId(parent).serviceName("svc" + service).name("op" + r.nextInt(5))
          .kind(SpanKind.values()[r.nextInt(SpanKind.values().length)])
          .startNanos(Math.max(0, start)).endNanos(Math.max(0, end))
          .attributes(List.of(Attribute.of("n", (long) i)));
      if (service == 0 && r.nextBoolean()) {
        b.tid(1 + r.nextInt(2)).threadName("t" + r.nextInt(2));
      }
      if (r.nextInt(6) == 0) {
        b.events(List.of(new SpanEvent(Math.max(0, start + r.nextInt(80) - 10), "ev", List.of())));
      }
      if (r.nextInt(8) == 0 && !spans.isEmpty()) {
        Span target = spans.get(r.nextInt(spans.size()));
        b.links(List.of(new SpanLink(target.traceId(), target.spanId(), List.of())));
      }
      spans.add(b.build());
    }
    return spans;
  }

  @Property(tries = 200)
  void shouldMapEverySpanToOneCheckedSliceWithItsTimes(
      @ForAll long seed, @ForAll @IntRange(min = 0, max = 80) int count,
      @ForAll @IntRange(min = 1, max = 5) int services) {
    List<Span> spans = randomSpans(seed, count, services);

    CheckedTrace trace = TraceChecker.check(Timelines.bytes(new RequestTrace("k", 0, spans, List.of())));

    assertThat(trace.durationSlices()).hasSize(spans.size());
    List<String> expected = new ArrayList<>();
    for (Span s : spans) {
      expected.add(s.spanId() + "@" + s.startNanos() + "+" + s.durationNanos());
    }
    List<String> actual = new ArrayList<>();
    for (CheckedSlice s : trace.durationSlices()) {
      actual.add(s.arg("span_id") + "@" + s.ts() + "+" + s.dur());
    }
    assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Property(tries = 200)
  void shouldLinkEveryCrossTrackParentChildEdgeWithAFlow(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 80) int count,
      @ForAll @IntRange(min = 1, max = 5) int services) {
    List<Span> spans = randomSpans(seed, count, services);

    CheckedTrace trace = TraceChecker.check(Timelines.bytes(new RequestTrace("k", 0, spans, List.of())));

    Map<Object, List<CheckedSlice>> byId = new HashMap<>();
    for (CheckedSlice s : trace.durationSlices()) {
      byId.computeIfAbsent(s.arg("span_id"), k -> new ArrayList<>()).add(s);
    }
    for (CheckedSlice child : trace.durationSlices()) {
      List<CheckedSlice> parents = byId.get(child.arg("parent_span_id"));
      if (parents == null || parents.size() != 1 || byId.get(child.arg("span_id")).size() != 1) {
        continue; // missing or ambiguous parent: no edge to check
      }
      CheckedSlice parent = parents.get(0);
      if (parent.trackUuid() != child.trackUuid()) {
        assertThat(trace.flows()).as("flow between %s and its parent", child.arg("span_id"))
            .anySatisfy(f -> assertThat(connects(f, parent, child)).isTrue());
      }
    }
  }

  private static boolean connects(CheckedFlow f, CheckedSlice a, CheckedSlice b) {
    return f.from().equals(a) && f.to().equals(b) || f.from().equals(b) && f.to().equals(a);
  }

  @Property(tries = 150)
  void shouldWriteIdenticalBytesWhateverTheArrivalOrder(
      @ForAll long seed, @ForAll @IntRange(min = 0, max = 80) int count,
      @ForAll @IntRange(min = 1, max = 5) int services, @ForAll long shuffleSeed) {
    List<Span> spans = new ArrayList<>(randomSpans(seed, count, services));
    byte[] first = Timelines.bytes(new RequestTrace("k", 0, spans, List.of()));

    Collections.shuffle(spans, new Random(shuffleSeed));

    assertThat(Timelines.bytes(new RequestTrace("k", 0, spans, List.of()))).isEqualTo(first);
  }
}
