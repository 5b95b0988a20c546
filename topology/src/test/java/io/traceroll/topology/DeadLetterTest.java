package io.traceroll.topology;

import static io.traceroll.topology.Spans.span;
import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.serdes.avro.DeadLetterSpans;
import io.traceroll.span.Span;
import io.traceroll.topology.metrics.TracerollMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLetterTest {

  /** See {@link TopologyHarness#TopologyHarness(Path, TopologySettings, String)}. */
  private static final String AT_LEAST_ONCE = org.apache.kafka.streams.StreamsConfig.AT_LEAST_ONCE;

  @TempDir Path dir;

  @Test
  void shouldDeadLetterAnUndecodableRecordWithReasonAndFormatHeaders() {
    byte[] garbage = {0x0a, (byte) 0xff, (byte) 0xff, 0x01, 0x02};
    try (TopologyHarness h = new TopologyHarness(dir, TopologyHarness.settings(false), AT_LEAST_ONCE)) {
      h.send(null, garbage);
      h.send(Spans.children(1, 2)); // the stream goes on after a bad record

      TestRecord<byte[], byte[]> letter = h.deadLetters().get(0);
      assertThat(letter.value()).isEqualTo(garbage);
      assertThat(header(letter, Names.Header.FORMAT)).isEqualTo("otlp_proto");
      assertThat(header(letter, Names.Header.REASON)).isNotBlank();
      assertThat(h.metrics.total(TracerollMetrics.DEAD_LETTERS)).isEqualTo(1);
      h.advanceWallClock(Duration.ofSeconds(31));
      assertThat(h.index()).singleElement()
          .satisfies(r -> assertThat(r.value().getSpanCount()).isEqualTo(2));
    }
  }

  @Test
  void shouldDeadLetterAnInvalidSpanAndArchiveItsValidSiblings() throws Exception {
    Span bad = Span.builder().traceId("00000000000000000000000000000000").spanId("00000000000000aa")
        .serviceName("svc").name("broken").startNanos(Spans.T).endNanos(Spans.T + 5).build();
    try (TopologyHarness h = new TopologyHarness(dir, TopologyHarness.settings(false), AT_LEAST_ONCE)) {
      h.send(List.of(span(1, 1, 0, 0, 5), bad, span(1, 2, 0, 1, 6)));
      h.advanceWallClock(Duration.ofSeconds(31));

      TestRecord<byte[], byte[]> letter = h.deadLetters().get(0);
      assertThat(h.deadLetters()).hasSize(1);
      DeadLetterSpans.DeadLetter decoded = DeadLetterSpans.decode(letter.value());
      assertThat(decoded.span().spanId()).isEqualTo("00000000000000aa");
      assertThat(header(letter, Names.Header.REASON)).isEqualTo(decoded.reason());
      assertThat(header(letter, Names.Header.SOURCE_TOPIC)).isEqualTo(TopologyHarness.INPUT);
      assertThat(header(letter, Names.Header.FORMAT)).isEqualTo("otlp_proto");
      assertThat(h.index()).singleElement()
          .satisfies(r -> assertThat(r.value().getSpanCount()).isEqualTo(2));
      assertThat(h.metrics.count(TracerollMetrics.DEAD_LETTERS, "reason", decoded.reason()))
          .isEqualTo(1);
    }
  }

  private static String header(TestRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
