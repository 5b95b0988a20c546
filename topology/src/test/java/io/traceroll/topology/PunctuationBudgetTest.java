package io.traceroll.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.avro.TraceIndexEntry;
import io.traceroll.span.Span;
import io.traceroll.topology.collect.RequestCollector;
import io.traceroll.topology.metrics.TracerollMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A burst makes many requests due at once; a punctuation closes and archives them only for as long
 * as its budget lasts, so the stream thread commits in between, and the rest follow on the next
 * punctuations with nothing lost or doubled.
 */
class PunctuationBudgetTest {

  private static final int REQUESTS = 5;

  @TempDir Path dir;

  @Test
  void shouldCloseTheRestOfABurstOnLaterPunctuationsOnceTheBudgetIsUsed() throws Exception {
    // a zero budget: exactly one due request per punctuation, whatever the machine's speed
    TopologySettings settings = TopologyHarness.settings(false).withPunctuationBudget(Duration.ZERO);
    try (TopologyHarness h = new TopologyHarness(dir, settings)) {
      sendBurst(h);

      h.advanceWallClock(Duration.ofSeconds(31));

      assertThat(h.index()).hasSize(1);
      assertThat(h.metrics.total(TracerollMetrics.PUNCTUATIONS_CUT)).isEqualTo(1);

      for (int i = 1; i < REQUESTS; i++) {
        h.advanceWallClock(Duration.ofSeconds(1));
        assertThat(h.index()).hasSize(i + 1);
      }
      List<TestRecord<String, TraceIndexEntry>> index = h.index();

      assertThat(index).extracting(r -> r.value().getTraceKey()).containsExactlyInAnyOrderElementsOf(
          List.of(Spans.traceId(1), Spans.traceId(2), Spans.traceId(3), Spans.traceId(4),
              Spans.traceId(5)));
      assertThat(index).allSatisfy(r -> assertThat(r.value().getSpanCount()).isEqualTo(3));
      Archives.check(h.part(Spans.traceId(4), 0));
    }
  }

  @Test
  void shouldCloseAWholeBurstInOnePunctuationWithinTheDefaultBudget() throws Exception {
    try (TopologyHarness h = new TopologyHarness(dir, TopologyHarness.settings(false))) {
      sendBurst(h);

      h.advanceWallClock(Duration.ofSeconds(31));

      assertThat(h.index()).hasSize(REQUESTS);
      assertThat(h.metrics.total(TracerollMetrics.PUNCTUATIONS_CUT)).isZero();
    }
  }

  @Test
  void shouldRetrySealedPartsAWaveAtATimeOnceTheBudgetIsUsed() throws Exception {
    TopologySettings settings = TopologyHarness.settings(false).withPunctuationBudget(Duration.ZERO);
    int requests = RequestCollector.MAX_WAVE_PARTS + 8;
    try (TopologyHarness h = new TopologyHarness(dir, settings)) {
      // a plain file where the store needs its traces directory: every put fails
      Path blocker = h.store.root().resolve("traces");
      Files.write(blocker, new byte[] {1});
      List<Span> burst = new ArrayList<>();
      for (int trace = 1; trace <= requests; trace++) {
        burst.addAll(Spans.children(trace, 2));
      }
      h.send(burst);
      h.advanceWallClock(Duration.ofSeconds(31));
      for (int i = 1; i < requests; i++) {
        h.advanceWallClock(Duration.ofSeconds(1)); // seals one more due request each time
      }
      assertThat(h.index()).isEmpty();
      Files.delete(blocker);

      h.advanceWallClock(Duration.ofSeconds(1));

      assertThat(h.index()).hasSize(RequestCollector.MAX_WAVE_PARTS);
      h.advanceWallClock(Duration.ofSeconds(1));
      assertThat(h.index()).hasSize(requests)
          .extracting(r -> r.value().getTraceKey()).doesNotHaveDuplicates();
    }
  }

  private static void sendBurst(TopologyHarness h) {
    List<Span> burst = new ArrayList<>();
    for (int trace = 1; trace <= REQUESTS; trace++) {
      burst.addAll(Spans.children(trace, 3));
    }
    h.send(burst);
  }
}
