package io.traceroll.topology;

import static io.traceroll.topology.Spans.children;
import static io.traceroll.topology.Spans.span;
import static io.traceroll.topology.Spans.traceId;
import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.avro.TraceIndexEntry;
import io.traceroll.span.Span;
import io.traceroll.span.TestSpans;
import io.traceroll.topology.collect.RequestCollector;
import io.traceroll.topology.metrics.TracerollMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceAssemblyTopologyTest {

  @TempDir Path dir;

  @Test
  void shouldCloseRequestOnWallClockIdleWithNoFurtherInput() {
    try (TopologyHarness h = new TopologyHarness(dir)) {
      h.send(children(1, 5));

      h.advanceWallClock(Duration.ofSeconds(29));
      assertThat(h.index()).isEmpty();

      h.advanceWallClock(Duration.ofSeconds(2));
      List<TestRecord<String, TraceIndexEntry>> index = h.index();
      assertThat(index).hasSize(1);
      TraceIndexEntry entry = index.get(0).value();
      assertThat(index.get(0).key()).isEqualTo(traceId(1) + "/0");
      assertThat(entry.getTraceKey()).isEqualTo(traceId(1));
      assertThat(entry.getPart()).isZero();
      assertThat(entry.getSpanCount()).isEqualTo(5);
      assertThat(entry.getLate()).isFalse();
      assertThat(entry.getObjectKey()).isEqualTo(h.settings.layout().partKey(traceId(1), 0));
      assertThat(h.metrics.count(TracerollMetrics.REQUESTS_CLOSED, "cause", "idle")).isEqualTo(1);
      Archives.check(h.part(traceId(1), 0));
    }
  }

  @Test
  void shouldCloseEarlyOnceTheRootEndedAndTheGraceIsOver() {
    try (TopologyHarness h = new TopologyHarness(dir)) {
      List<Span> spans = new ArrayList<>(children(1, 4));
      spans.add(span(1, 0, null, 0, 100));
      h.send(spans);

      h.advanceWallClock(Duration.ofSeconds(4));
      assertThat(h.index()).isEmpty();
      h.advanceWallClock(Duration.ofSeconds(2));

      assertThat(h.index()).singleElement()
          .satisfies(r -> assertThat(r.value().getSpanCount()).isEqualTo(5))
          .satisfies(r -> assertThat(r.value().getRootSpanName()).isEqualTo("op-0"));
      assertThat(h.metrics.count(TracerollMetrics.REQUESTS_CLOSED, "cause", "root_ended"))
          .isEqualTo(1);
      Archives.check(h.part(traceId(1), 0));
    }
  }

  @Test
  void shouldWaitTheFullGapWhenAChildRunsPastTheRootsEnd() {
    try (TopologyHarness h = new TopologyHarness(dir)) {
      h.send(List.of(span(1, 0, null, 0, 100), span(1, 1, 0, 50, 5_000)));

      h.advanceWallClock(Duration.ofSeconds(6));
      assertThat(h.index()).isEmpty();
      h.advanceWallClock(Duration.ofSeconds(25));

      assertThat(h.index()).hasSize(1);
      assertThat(h.metrics.count(TracerollMetrics.REQUESTS_CLOSED, "cause", "idle")).isEqualTo(1);
    }
  }

  @Test
  void shouldCloseOnStreamTimeWhenABacklogIsReplayedFasterThanRealTime() {
    try (TopologyHarness h = new TopologyHarness(dir)) {
      h.send(children(1, 3));
      h.advanceRecordTime(Duration.ofSeconds(31));
      h.send(children(2, 1)); // another request's record advances stream time past the gap

      assertThat(h.index()).singleElement()
          .satisfies(r -> assertThat(r.value().getTraceKey()).isEqualTo(traceId(1)));
    }
  }

  @Test
  void shouldRollAPartWhenItReachesTheSpanCap() {
    TopologySettings s = TopologyHarness.settings(false).withPartCaps(10, Long.MAX_VALUE);
    try (TopologyHarness h = new TopologyHarness(dir, s)) {
      h.send(children(1, 25));

      assertThat(h.index()).extracting(r -> r.value().getSpanCount()).containsExactly(10, 10);
      h.advanceWallClock(Duration.ofSeconds(31));

      assertThat(h.index()).extracting(r -> r.value().getPart()).containsExactly(0, 1, 2);
      assertThat(h.index()).extracting(r -> r.value().getSpanCount()).containsExactly(10, 10, 5);
      assertThat(h.metrics.count(TracerollMetrics.REQUESTS_CLOSED, "cause", "size_roll"))
          .isEqualTo(2);
      for (int part = 0; part < 3; part++) {
        Archives.check(h.part(traceId(1), part));
      }
    }
  }

  @Test
  void shouldRollAPartWhenItReachesTheByteCap() {
    TopologySettings s = TopologyHarness.settings(false).withPartCaps(1_000, 2_000);
    try (TopologyHarness h = new TopologyHarness(dir, s)) {
      h.send(children(1, 40));
      h.advanceWallClock(Duration.ofSeconds(31));

      List<TestRecord<String, TraceIndexEntry>> index = h.index();
      assertThat(index.size()).isGreaterThan(1);
      assertThat(index).extracting(r -> r.value().getSpanCount()).allMatch(c -> c < 40);
      assertThat(index.stream().mapToInt(r -> r.value().getSpanCount()).sum()).isEqualTo(40);
    }
  }

  @Test
  void shouldRollAPartAtMaxRequestDurationAndContinueTheRequest() {
    TopologySettings s = TopologyHarness.settings(false)
        .withTiming(Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(60));
    try (TopologyHarness h = new TopologyHarness(dir, s)) {
      for (int i = 0; i < 7; i++) {
        h.send(List.of(span(1, i + 1, 0, i * 20_000L, i * 20_000L + 10)));
        h.advanceWallClock(Duration.ofSeconds(20));
        h.advanceRecordTime(Duration.ofSeconds(20));
      }
      h.advanceWallClock(Duration.ofSeconds(31));

      List<TestRecord<String, TraceIndexEntry>> index = h.index();
      assertThat(index).hasSizeGreaterThanOrEqualTo(2);
      assertThat(index).extracting(r -> r.value().getPart())
          .containsExactlyElementsOf(java.util.stream.IntStream.range(0, index.size()).boxed()
              .toList());
      assertThat(index.stream().mapToInt(r -> r.value().getSpanCount()).sum()).isEqualTo(7);
      assertThat(h.metrics.count(TracerollMetrics.REQUESTS_CLOSED, "cause", "max_duration"))
          .isGreaterThanOrEqualTo(1);
      assertThat(index).noneMatch(r -> r.value().getLate());
    }
  }

  @Test
  void shouldOpenPartOneForALateSpanAndLeavePartZeroUntouched() {
    try (TopologyHarness h = new TopologyHarness(dir)) {
      h.send(children(1, 3));
      h.advanceWallClock(Duration.ofSeconds(31));
      byte[] part0 = h.part(traceId(1), 0);

      h.send(List.of(span(1, 9, 0, 50, 60)));
      h.advanceWallClock(Duration.ofSeconds(31));

      assertThat(h.index()).extracting(r -> r.key())
          .containsExactly(traceId(1) + "/0", traceId(1) + "/1");
      TraceIndexEntry late = h.index().get(1).value();
      assertThat(late.getLate()).isTrue();
      assertThat(late.getSpanCount()).isEqualTo(1);
      assertThat(h.part(traceId(1), 0)).isEqualTo(part0);
      assertThat(h.metrics.total(TracerollMetrics.LATE_SPANS)).isEqualTo(1);
      assertThat(Archives.check(h.part(traceId(1), 1)).instants())
          .anySatisfy(note -> assertThat(note.name()).isEqualTo("late_part"));
    }
  }

  @Test
  void shouldWriteTheSameBytesForOutOfOrderSpansAsForInOrder() {
    List<Span> request = TestSpans.request(300, 7);
    List<Span> shuffled = new ArrayList<>(request);
    Collections.shuffle(shuffled, new Random(11));
    String key = request.get(0).traceId();

    byte[] inOrder;
    try (TopologyHarness h = new TopologyHarness(dir.resolve("a"))) {
      h.send(request);
      h.advanceWallClock(Duration.ofSeconds(31));
      inOrder = h.part(key, 0);
    }
    byte[] outOfOrder;
    try (TopologyHarness h = new TopologyHarness(dir.resolve("b"))) {
      for (int i = 0; i < shuffled.size(); i += 37) {
        h.send(shuffled.subList(i, Math.min(shuffled.size(), i + 37)));
      }
      h.advanceWallClock(Duration.ofSeconds(31));
      outOfOrder = h.part(key, 0);
    }

    assertThat(outOfOrder).isEqualTo(inOrder);
    Archives.check(inOrder);
  }

  @Test
  void shouldAssembleARequestWhoseSpansArriveInterleavedOnManyRecordKeys() {
    List<List<Span>> requests = List.of(TestSpans.request(40, 1), TestSpans.request(60, 2),
        TestSpans.request(30, 3));
    List<Span> all = new ArrayList<>();
    requests.forEach(all::addAll);
    Collections.shuffle(all, new Random(5));
    try (TopologyHarness h = new TopologyHarness(dir)) {
      h.sendEach(all);
      h.advanceWallClock(Duration.ofSeconds(31));

      assertThat(h.index()).hasSize(3);
      for (List<Span> request : requests) {
        String key = request.get(0).traceId();
        assertThat(h.index()).filteredOn(r -> r.value().getTraceKey().equals(key))
            .singleElement()
            .satisfies(r -> assertThat(r.value().getSpanCount()).isEqualTo(request.size()));
        Archives.check(h.part(key, 0));
      }
    }
  }

  /**
   * Records mixing many requests become one chunk per request, and parts closing together are
   * archived a wave at a time on the archive threads: more parts than one wave must all arrive,
   * each once, in the same order as with a single archive thread.
   */
  @Test
  void shouldArchiveEveryRequestOfRecordsMixingManyWhenMorePartsCloseThanOneWave() {
    List<List<Span>> requests = new ArrayList<>();
    List<Span> all = new ArrayList<>();
    for (int i = 0; i < 3 * RequestCollector.MAX_WAVE_PARTS + 5; i++) {
      List<Span> request = TestSpans.request(3 + i % 7, 100 + i);
      requests.add(request);
      all.addAll(request);
    }
    Collections.shuffle(all, new Random(3));
    List<String> singleThreadOrder = indexOrder(all, 1);

    try (TopologyHarness h = new TopologyHarness(dir.resolve("waves"),
        TopologyHarness.settings(false).withArchiveThreads(4))) {
      sendInRecordsOf50(h, all);
      h.advanceWallClock(Duration.ofSeconds(31));

      assertThat(h.index()).extracting(TestRecord::key)
          .containsExactlyElementsOf(singleThreadOrder);
      for (List<Span> request : requests) {
        String key = request.get(0).traceId();
        assertThat(h.index()).filteredOn(r -> r.value().getTraceKey().equals(key))
            .singleElement()
            .satisfies(r -> assertThat(r.value().getSpanCount()).isEqualTo(request.size()));
      }
      Archives.check(h.part(requests.get(17).get(0).traceId(), 0));
    }
  }

  private List<String> indexOrder(List<Span> spans, int archiveThreads) {
    try (TopologyHarness h = new TopologyHarness(dir.resolve("threads-" + archiveThreads),
        TopologyHarness.settings(false).withArchiveThreads(archiveThreads))) {
      sendInRecordsOf50(h, spans);
      h.advanceWallClock(Duration.ofSeconds(31));
      return h.index().stream().map(TestRecord::key).toList();
    }
  }

  private static void sendInRecordsOf50(TopologyHarness h, List<Span> spans) {
    for (int i = 0; i < spans.size(); i += 50) {
      h.send(spans.subList(i, Math.min(spans.size(), i + 50)));
    }
  }

  @Test
  void shouldCountEveryPartAndSpanInTheMetrics() {
    io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    try (TopologyHarness h = new TopologyHarness(dir)) {
      h.metrics.bindTo(registry);
      h.send(children(1, 4));
      h.send(children(2, 2));
      h.advanceWallClock(Duration.ofSeconds(31));

      assertThat(registry.get(TracerollMetrics.SPANS_IN).tag("topic", TopologyHarness.INPUT)
          .tag("format", "otlp_proto").counter().count()).isEqualTo(6);
      assertThat(registry.get(TracerollMetrics.PARTS_WRITTEN).counter().count()).isEqualTo(2);
      assertThat(registry.get(TracerollMetrics.SPANS_ARCHIVED).counter().count()).isEqualTo(6);
    }
  }
}
