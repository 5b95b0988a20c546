package io.traceroll.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.topology.metrics.TracerollMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveOutageTest {

  @TempDir Path dir;

  @Test
  void shouldKeepAPartInStateWhileTheArchiveFailsAndWriteItOnRecovery() throws Exception {
    try (TopologyHarness h = new TopologyHarness(dir)) {
      // a plain file where the store needs its traces directory: every put fails
      Path blocker = h.store.root().resolve("traces");
      Files.write(blocker, new byte[] {1});
      h.send(Spans.children(1, 3));

      h.advanceWallClock(Duration.ofSeconds(31));
      assertThat(h.index()).isEmpty();
      assertThat(h.metrics.total(TracerollMetrics.ARCHIVE_FAILURES)).isGreaterThanOrEqualTo(1);
      assertThat(h.metrics.archiveDegraded()).isTrue();

      Files.delete(blocker);
      h.advanceWallClock(Duration.ofSeconds(1));

      assertThat(h.index()).singleElement()
          .satisfies(r -> assertThat(r.value().getSpanCount()).isEqualTo(3));
      assertThat(h.metrics.archiveDegraded()).isFalse();
      Archives.check(h.part(Spans.traceId(1), 0));
    }
  }
}
