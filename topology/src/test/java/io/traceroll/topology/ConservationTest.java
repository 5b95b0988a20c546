package io.traceroll.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.avro.TraceIndexEntry;
import io.traceroll.span.Span;
import io.traceroll.span.TestSpans;
import io.traceroll.topology.metrics.TracerollMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Nothing is lost and nothing is invented, whatever the order, batching, timing and caps. */
class ConservationTest {

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void shouldArchiveOrDeadLetterEverySpanThatCameIn(long seed) {
    Random r = new Random(seed);
    TopologySettings settings = TopologyHarness.settings(false)
        .withPartCaps(5 + r.nextInt(60), 2_000 + r.nextInt(60_000));
    List<Span> spans = new ArrayList<>();
    int requests = 1 + r.nextInt(8);
    for (int i = 0; i < requests; i++) {
      spans.addAll(TestSpans.request(1 + r.nextInt(150), seed * 100 + i));
    }
    int invalid = r.nextInt(6);
    for (int i = 0; i < invalid; i++) {
      spans.add(Span.builder().traceId("0".repeat(32)).spanId(String.format("%016x", i + 1))
          .serviceName("svc").name("bad").startNanos(Spans.T).endNanos(Spans.T + 1).build());
    }
    Collections.shuffle(spans, r);
    int garbage = 0;

    try (TopologyHarness h = new TopologyHarness(dir, settings,
        org.apache.kafka.streams.StreamsConfig.AT_LEAST_ONCE /* see TopologyHarness */)) {
      int i = 0;
      while (i < spans.size()) {
        int n = 1 + r.nextInt(40);
        h.send(spans.subList(i, Math.min(spans.size(), i + n)));
        i += n;
        if (r.nextInt(5) == 0) {
          // a length-delimited field announcing 127 bytes that never come: undecodable
          h.send(null, new byte[] {0x0a, 0x7f, (byte) r.nextInt()});
          garbage++;
        }
        Duration step = Duration.ofMillis(r.nextInt(20_000));
        h.advanceWallClock(step); // sometimes past the gap: later spans become late parts
        h.advanceRecordTime(step);
      }
      h.advanceWallClock(Duration.ofSeconds(31));

      List<TestRecord<String, TraceIndexEntry>> index = h.index();
      int archived = index.stream().mapToInt(e -> e.value().getSpanCount()).sum();
      int deadLetters = h.deadLetters().size();
      assertThat(archived + deadLetters).isEqualTo(spans.size() + garbage);
      assertThat(deadLetters).isEqualTo(invalid + garbage);
      assertThat(h.metrics.total(TracerollMetrics.SPANS_IN))
          .isEqualTo(h.metrics.total(TracerollMetrics.SPANS_ARCHIVED)).isEqualTo(archived);
      assertThat(index).extracting(TestRecord::key).doesNotHaveDuplicates();
      for (TestRecord<String, TraceIndexEntry> e : index) {
        Archives.check(h.part(e.value().getTraceKey(), e.value().getPart()));
      }
    }
  }
}
