package io.traceroll.topology;

import static io.traceroll.topology.Spans.children;
import static io.traceroll.topology.Spans.traceId;
import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.archive.ArchiveLayout;
import io.traceroll.archive.ManifestEntry;
import io.traceroll.archive.manifest.ManifestCodec;
import io.traceroll.archive.manifest.ManifestReader;
import io.traceroll.archive.manifest.ManifestScan;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestTest {

  @TempDir Path dir;

  @Test
  void shouldListEveryArchivedPartInTheHourlyManifestOfItsStartTime() throws Exception {
    try (TopologyHarness h = new TopologyHarness(dir)) {
      h.send(children(1, 5));
      h.send(children(2, 3));
      h.advanceWallClock(Duration.ofSeconds(31)); // closes both requests
      h.advanceWallClock(Duration.ofSeconds(1)); // the next punctuation writes the manifest batch

      Instant hour = ArchiveLayout.hourOf(h.index().get(0).value().getStartNanos());
      ManifestScan scan = new ManifestReader(h.store, h.settings.layout()).read(hour, hour);

      assertThat(scan.problems()).isEmpty();
      assertThat(scan.entries()).extracting(ManifestEntry::traceKey, ManifestEntry::part,
              ManifestEntry::spanCount, ManifestEntry::objectKey)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple(traceId(1), 0, 5,
                  h.settings.layout().partKey(traceId(1), 0)),
              org.assertj.core.groups.Tuple.tuple(traceId(2), 0, 3,
                  h.settings.layout().partKey(traceId(2), 0)));
    }
  }

  @Test
  void shouldWriteEachPartToTheManifestsOnlyOnce() throws Exception {
    try (TopologyHarness h = new TopologyHarness(dir)) {
      h.send(children(1, 4));
      h.advanceWallClock(Duration.ofSeconds(31));
      h.advanceWallClock(Duration.ofSeconds(1));
      h.send(children(2, 2));
      h.advanceWallClock(Duration.ofSeconds(31));
      h.advanceWallClock(Duration.ofSeconds(5));

      Instant hour = ArchiveLayout.hourOf(h.index().get(0).value().getStartNanos());
      ManifestScan scan = new ManifestReader(h.store, h.settings.layout()).read(hour, hour);

      assertThat(scan.manifests()).hasSize(2);
      assertThat(scan.entries()).extracting(ManifestEntry::traceKey)
          .containsExactlyInAnyOrder(traceId(1), traceId(2));
    }
  }

  @Test
  void shouldWriteTheEntriesAPreviousOwnerLeftWaitingOnceWithTheNewOnes() throws Exception {
    try (TopologyHarness h = new TopologyHarness(dir)) {
      // what a crashed owner of the task archived but had not listed yet
      ManifestEntry left = new ManifestEntry(traceId(9), 0, h.settings.layout().partKey(traceId(9), 0),
          1_772_366_400_000_000_000L, 1_772_366_401_000_000_000L, 7, List.of("api"), "GET /",
          0, 1234, false, List.of(traceId(9)));
      KeyValueStore<String, byte[]> pending =
          h.driver.getKeyValueStore(Names.Store.MANIFEST_PENDING);
      pending.put(traceId(9) + "/0", ManifestCodec.encode(List.of(left)));
      h.send(children(1, 4));
      h.advanceWallClock(Duration.ofSeconds(31));
      h.advanceWallClock(Duration.ofSeconds(1));
      h.advanceWallClock(Duration.ofSeconds(1));

      Instant hour = ArchiveLayout.hourOf(h.index().get(0).value().getStartNanos());
      ManifestScan scan = new ManifestReader(h.store, h.settings.layout()).read(hour, hour);

      assertThat(scan.problems()).isEmpty();
      assertThat(scan.entries()).extracting(ManifestEntry::traceKey)
          .containsExactlyInAnyOrder(traceId(9), traceId(1));
      try (var all = pending.all()) {
        assertThat(all.hasNext()).isFalse();
      }
    }
  }
}
