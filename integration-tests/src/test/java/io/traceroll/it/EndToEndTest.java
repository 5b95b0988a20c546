package io.traceroll.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.archive.ArchiveLayout;
import io.traceroll.archive.ManifestEntry;
import io.traceroll.archive.manifest.ManifestReader;
import io.traceroll.archive.manifest.ManifestScan;
import io.traceroll.archive.s3.S3ArchiveStore;
import io.traceroll.serdes.SpanFormat;
import io.traceroll.topology.Names;
import io.traceroll.topology.metrics.TracerollMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every input format, from concurrent producers through a real broker into a real S3 API. */
@Tag("integration")
@Timeout(600)
class EndToEndTest extends RealComponents {


  @TempDir Path state;

  @ParameterizedTest
  @EnumSource(SpanFormat.class)
  void shouldArchiveEveryRequestWithExactlyItsSpansAndIndexEachPartOnce(SpanFormat format)
      throws Exception {
    String app = "e2e-" + format.configName().replace('_', '-');
    String input = app + "-spans";
    Map<String, String> config =
        PipelineFixture.config(broker, app, input + ":" + format.configName(), state);
    String index = config.get(Names.Config.INDEX_TOPIC);
    broker.createTopics(input, index, config.get(Names.Config.DEAD_LETTER_TOPIC));
    List<Workload.Request> requests = Workload.requests(200, 2, format.ordinal());
    long produced = requests.stream().mapToLong(r -> r.spans().size()).sum();

    try (S3ArchiveStore store = s3.store(app);
        PipelineFixture pipeline = PipelineFixture.start(config, store)) {
      Workload.publish(broker, input, format, requests, 4);
      Await.until(Duration.ofSeconds(180), produced + " spans indexed", () -> {
        pipeline.assertHealthy();
        return IndexReader.spans(IndexReader.read(broker, index)) >= produced;
      });

      ArchiveReader archive = new ArchiveReader(store, pipeline.layout());
      List<String> partsOfRequests = new ArrayList<>();
      Map<String, Integer> spansPerPart = new HashMap<>();
      for (Workload.Request r : requests) {
        ArchiveReader.ArchivedRequest found = archive.request(r.key());
        assertThat(found.spanIds()).as("spans of request %s", r.key())
            .containsExactlyInAnyOrderElementsOf(r.spanIds());
        partsOfRequests.addAll(found.partKeys());
        spansPerPart.putAll(found.spansPerPart());
      }
      assertThat(archive.allParts()).as("no part belongs to no request")
          .containsExactlyInAnyOrderElementsOf(partsOfRequests);

      List<IndexReader.Entry> entries = IndexReader.read(broker, index);
      assertThat(entries.stream().map(IndexReader.Entry::key).toList())
          .as("one index entry per part").doesNotHaveDuplicates()
          .hasSize(partsOfRequests.size());
      assertThat(entries.stream().map(e -> e.value().getObjectKey().toString()).toList())
          .containsExactlyInAnyOrderElementsOf(partsOfRequests);
      assertThat(IndexReader.spans(entries)).isEqualTo(produced);
      assertThat(entries).allSatisfy(e -> assertThat(e.value().getSpanCount())
          .as("span count indexed for %s", e.key())
          .isEqualTo(spansPerPart.get(e.value().getObjectKey().toString())));
      assertThat(pipeline.metrics.total(TracerollMetrics.DEAD_LETTERS)).isZero();
      Set<String> keys = new HashSet<>();
      entries.forEach(e -> keys.add(e.value().getTraceKey().toString()));
      assertThat(keys).hasSize(requests.size());

      // the same parts are findable by time from the object store alone
      Await.until(Duration.ofSeconds(30), "every part in a manifest", () ->
          manifestedParts(store, pipeline, entries).size() >= partsOfRequests.size());
      assertThat(manifestedParts(store, pipeline, entries))
          .containsExactlyInAnyOrderElementsOf(partsOfRequests);
    }
  }

  private static List<String> manifestedParts(S3ArchiveStore store, PipelineFixture pipeline,
      List<IndexReader.Entry> entries) throws Exception {
    long first = entries.stream().mapToLong(e -> e.value().getStartNanos()).min().orElseThrow();
    long last = entries.stream().mapToLong(e -> e.value().getStartNanos()).max().orElseThrow();
    ManifestScan scan = new ManifestReader(store, pipeline.layout())
        .read(ArchiveLayout.hourOf(first), ArchiveLayout.hourOf(last));
    assertThat(scan.problems()).isEmpty();
    return scan.entries().stream().map(ManifestEntry::objectKey).toList();
  }
}
