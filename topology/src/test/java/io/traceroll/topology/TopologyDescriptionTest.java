package io.traceroll.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.archive.fs.FileSystemArchiveStore;
import io.traceroll.serdes.DecoderSettings;
import io.traceroll.serdes.TraceKeyRule;
import io.traceroll.topology.metrics.TracerollMetrics;
import java.nio.file.Path;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopologyDescriptionTest {

  @TempDir Path dir;

  private String describe(TopologySettings settings) throws Exception {
    try (FileSystemArchiveStore store = new FileSystemArchiveStore(dir)) {
      TopologyDescription d =
          new TraceAssemblyTopology(settings, store, new TracerollMetrics()).get().describe();
      return d.toString();
    }
  }

  @Test
  void shouldDescribeTheSameTopologyWithoutAnArchiveStore() throws Exception {
    TopologySettings settings = TopologyHarness.settings(false);

    assertThat(TraceAssemblyTopology.describe(settings, new TracerollMetrics()).toString())
        .isEqualTo(describe(settings));
  }

  @Test
  void shouldRepartitionByTraceKeyWhenInputsAreNotKeyed() throws Exception {
    String d = describe(TopologyHarness.settings(false));

    assertThat(d).contains(Names.Processor.BY_TRACE + "-repartition")
        .contains(Names.Processor.COLLECT).contains(Names.Store.SPANS)
        .contains(Names.Store.REQUESTS).contains(Names.Store.DEADLINES)
        .contains(Names.Processor.INDEX_SINK).doesNotContain(Names.Processor.RESOLVE_KEYS);
  }

  @Test
  void shouldCreateNoRepartitionTopicWhenInputsAreAlreadyKeyedByTraceId() throws Exception {
    String d = describe(TopologyHarness.settings(true));

    assertThat(d).doesNotContain("repartition").contains(Names.Processor.COLLECT);
  }

  @Test
  void shouldResolveCorrelationKeysBeforeCollectingWhenKeyedByAnAttribute() throws Exception {
    String d = describe(TopologyHarness.settings(true)
        .withDecoder(DecoderSettings.defaults().withKeyRule(TraceKeyRule.attribute("order.id"))));

    assertThat(d).contains(Names.Processor.RESOLVE_KEYS).contains(Names.Store.TRACE_KEYS)
        .contains(Names.Store.PENDING_SPANS).contains(Names.Processor.BY_REQUEST + "-repartition")
        .doesNotContain(Names.Processor.BY_TRACE + "-repartition");
  }
}
