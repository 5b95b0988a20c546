package io.traceroll.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.avro.TraceIndexEntry;
import io.traceroll.span.Span;
import io.traceroll.span.TestSpans;
import io.traceroll.topology.metrics.TracerollMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production default: parts are handed to the archive threads and announced on a later
 * record or punctuation, while the stream thread reads on.
 */
class PipelinedArchiveTest {

  private static final Duration AWAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void shouldAnnounceEveryPartOnceAndInSealOrderWhenArchivedWhileReadingOn() throws Exception {
    List<List<Span>> requests = new ArrayList<>();
    List<Span> all = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      List<Span> request = TestSpans.request(3 + i % 7, 300 + i);
      requests.add(request);
      all.addAll(request);
    }
    Collections.shuffle(all, new Random(5));
    List<String> waitedOrder;
    try (TopologyHarness h = new TopologyHarness(dir.resolve("waited"),
        TopologyHarness.settings(false))) {
      sendInRecordsOf50(h, all);
      h.advanceWallClock(Duration.ofSeconds(31));
      waitedOrder = h.index().stream().map(TestRecord::key).toList();
    }

    // fewer parts in flight than close together: the stream thread waits for the head at times
    TopologySettings pipelined = TopologyHarness.settings(false).withArchiveThreads(3)
        .withArchiveInFlight(5);
    try (TopologyHarness h = new TopologyHarness(dir.resolve("pipelined"), pipelined)) {
      sendInRecordsOf50(h, all);
      h.advanceWallClock(Duration.ofSeconds(31));

      List<TestRecord<String, TraceIndexEntry>> index = h.awaitIndex(requests.size(), AWAIT);

      assertThat(index).extracting(TestRecord::key).containsExactlyElementsOf(waitedOrder);
      for (List<Span> request : requests) {
        String key = request.get(0).traceId();
        assertThat(index).filteredOn(r -> r.value().getTraceKey().equals(key)).singleElement()
            .satisfies(r -> assertThat(r.value().getSpanCount()).isEqualTo(request.size()));
      }
      Archives.check(h.part(requests.get(11).get(0).traceId(), 0));
    }
  }

  @Test
  void shouldAnnounceACompletedPartWhileTheNextRecordIsProcessed() throws Exception {
    try (TopologyHarness h = new TopologyHarness(dir,
        TopologyHarness.settings(false).withArchiveInFlight(4))) {
      h.send(Spans.children(1, 3));
      h.advanceWallClock(Duration.ofSeconds(31));
      long deadline = System.nanoTime() + AWAIT.toNanos();
      while (h.archivedKeys().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(h.archivedKeys()).hasSize(1);
      Thread.sleep(500); // the archive thread returns right after its put

      h.send(Spans.children(2, 2)); // no punctuation: the record itself announces part 0 of 1

      assertThat(h.index()).singleElement()
          .satisfies(r -> assertThat(r.value().getTraceKey()).isEqualTo(Spans.traceId(1)));
    }
  }

  @Test
  void shouldKeepAPipelinedPartSealedWhileItsPutFailsAndArchiveItOnRecovery() throws Exception {
    try (TopologyHarness h = new TopologyHarness(dir,
        TopologyHarness.settings(false).withArchiveInFlight(4))) {
      // a plain file where the store needs its traces directory: every put fails
      Path blocker = h.store.root().resolve("traces");
      Files.write(blocker, new byte[] {1});
      h.send(Spans.children(1, 3));
      h.advanceWallClock(Duration.ofSeconds(31));
      long deadline = System.nanoTime() + AWAIT.toNanos();
      while (!h.metrics.archiveDegraded() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      h.advanceWallClock(Duration.ofSeconds(1)); // announces nothing: the put failed
      assertThat(h.index()).isEmpty();
      assertThat(h.metrics.total(TracerollMetrics.ARCHIVE_FAILURES)).isGreaterThanOrEqualTo(1);

      Files.delete(blocker);

      assertThat(h.awaitIndex(1, AWAIT)).singleElement()
          .satisfies(r -> assertThat(r.value().getSpanCount()).isEqualTo(3));
      assertThat(h.metrics.archiveDegraded()).isFalse();
      Archives.check(h.part(Spans.traceId(1), 0));
    }
  }

  private static void sendInRecordsOf50(TopologyHarness h, List<Span> spans) {
    for (int i = 0; i < spans.size(); i += 50) {
      h.send(spans.subList(i, Math.min(spans.size(), i + 50)));
    }
  }
}
