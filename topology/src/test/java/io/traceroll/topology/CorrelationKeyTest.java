package io.traceroll.topology;

import static io.traceroll.topology.Spans.children;
import static io.traceroll.topology.Spans.span;
import static io.traceroll.topology.Spans.traceId;
import static io.traceroll.topology.Spans.withAttribute;
import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.avro.TraceIndexEntry;
import io.traceroll.serdes.DecoderSettings;
import io.traceroll.serdes.TraceKeyRule;
import io.traceroll.topology.metrics.TracerollMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorrelationKeyTest {

  private static final String KEY = "order.id";

  @TempDir Path dir;

  private TopologyHarness harness() {
    return new TopologyHarness(dir, TopologyHarness.settings(false)
        .withDecoder(DecoderSettings.defaults().withKeyRule(TraceKeyRule.attribute(KEY))));
  }

  @Test
  void shouldJoinSpansWithoutTheKeyToTheKeyOfTheirTraceWhicheverArrivesFirst() {
    try (TopologyHarness h = harness()) {
      h.send(children(1, 3)); // held: no key yet
      h.send(List.of(withAttribute(span(1, 0, null, 0, 100), KEY, "42")));
      h.advanceWallClock(Duration.ofSeconds(31));

      assertThat(h.index()).singleElement().satisfies(r -> {
        assertThat(r.value().getTraceKey()).isEqualTo("42");
        assertThat(r.value().getSpanCount()).isEqualTo(4);
      });
      assertThat(h.metrics.count(TracerollMetrics.TRACE_KEYS, "outcome", "resolved")).isEqualTo(1);
      Archives.check(h.part("42", 0));
    }
  }

  @Test
  void shouldFormOneRequestFromSeveralTracesWithOneKey() {
    try (TopologyHarness h = harness()) {
      h.send(List.of(withAttribute(span(1, 0, null, 0, 100), KEY, "42")));
      h.send(children(1, 2));
      // a queue consumer starts trace 2 but carries the same correlation id
      h.send(List.of(withAttribute(span(2, 0, null, 200, 300), KEY, "42")));
      h.send(children(2, 3));
      h.advanceWallClock(Duration.ofSeconds(31));

      TraceIndexEntry entry = h.index().get(0).value();
      assertThat(h.index()).hasSize(1);
      assertThat(entry.getTraceKey()).isEqualTo("42");
      assertThat(entry.getSpanCount()).isEqualTo(7);
      assertThat(entry.getTraceIds()).containsExactlyInAnyOrder(traceId(1), traceId(2));
    }
  }

  @Test
  void shouldFallBackToTheTraceIdWhenNoSpanOfTheTraceCarriesTheKey() {
    try (TopologyHarness h = harness()) {
      h.send(children(3, 4));
      h.advanceWallClock(Duration.ofSeconds(31)); // the trace's spans are released
      assertThat(h.index()).isEmpty();
      h.advanceWallClock(Duration.ofSeconds(31)); // and its request closes

      assertThat(h.index()).singleElement().satisfies(r -> {
        assertThat(r.value().getTraceKey()).isEqualTo(traceId(3));
        assertThat(r.value().getSpanCount()).isEqualTo(4);
      });
      assertThat(h.metrics.count(TracerollMetrics.TRACE_KEYS, "outcome", "fallback")).isEqualTo(1);
      assertThat(Archives.hasSpanMark(Archives.check(h.part(traceId(3), 0)),
          "trace_key_fallback")).isTrue();
    }
  }

  @Test
  void shouldGroupByARecordHeaderWhenTheKeyRuleNamesOne() {
    TopologySettings settings = TopologyHarness.settings(false).withDecoder(
        DecoderSettings.defaults().withKeyRule(TraceKeyRule.header("x-request-id")));
    try (TopologyHarness h = new TopologyHarness(dir, settings)) {
      h.send(children(5, 2)); // a record without the header: held until the key shows up
      h.send(List.of(span(5, 0, null, 0, 100)), new org.apache.kafka.common.header.internals
          .RecordHeaders().add("x-request-id", "req-7".getBytes(StandardCharsets.UTF_8)));
      h.advanceWallClock(Duration.ofSeconds(31));

      assertThat(h.index()).singleElement().satisfies(r -> {
        assertThat(r.value().getTraceKey()).isEqualTo("req-7");
        assertThat(r.value().getSpanCount()).isEqualTo(3);
      });
    }
  }

  @Test
  void shouldArchiveATraceWithTwoKeysUnderTheFirst() {
    try (TopologyHarness h = harness()) {
      h.send(List.of(withAttribute(span(4, 0, null, 0, 100), KEY, "x")));
      h.send(List.of(withAttribute(span(4, 1, 0, 10, 20), KEY, "y")));
      h.advanceWallClock(Duration.ofSeconds(31));

      assertThat(h.index()).singleElement().satisfies(r -> {
        assertThat(r.value().getTraceKey()).isEqualTo("x");
        assertThat(r.value().getSpanCount()).isEqualTo(2);
      });
      assertThat(Archives.hasSpanMark(Archives.check(h.part("x", 0)), "trace_key_conflict"))
          .isTrue();
    }
  }
}
