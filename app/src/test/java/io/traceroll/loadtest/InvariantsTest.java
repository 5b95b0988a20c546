package io.traceroll.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.avro.TraceIndexEntry;
import io.traceroll.generator.GeneratorSettings;
import io.traceroll.generator.SizeMix;
import io.traceroll.serdes.SpanFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InvariantsTest {

  private static final Workload WORKLOAD = Workload.generate(
      GeneratorSettings.defaults(4).withSizes(SizeMix.smallOnly()), SpanFormat.OTLP_PROTO, 10,
      Long.MAX_VALUE);

  private static ChildStats stats(long in, long archived, long deadLetters) {
    return new ChildStats(in, archived, deadLetters, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, "");
  }

  private static Map<String, TraceIndexEntry> index(long spans) {
    return Map.of("t/0", TraceIndexEntry.newBuilder().setTraceKey("t").setPart(0)
        .setObjectKey("traces/t/part-00000.pftrace.gz").setStartNanos(0).setEndNanos(1)
        .setDurationNanos(1).setSpanCount((int) spans).setServices(List.of()).setErrorCount(0)
        .setBytes(1).build());
  }

  @Test
  void shouldHoldWhenEverySpanReadIsArchivedAndListed() {
    long n = WORKLOAD.spans();

    assertThat(EndToEndBench.problems(n, WORKLOAD.deadLetters(), stats(n, n, 0), index(n)))
        .isEmpty();
  }

  @Test
  void shouldNameEveryCountThatDoesNotAddUp() {
    long n = WORKLOAD.spans();

    assertThat(EndToEndBench.problems(n, 0, stats(n - 1, n - 4, 1), index(n - 3)))
        .containsExactly(
            "index lists " + (n - 3) + " spans, published " + n,
            "pipeline read " + (n - 1) + " valid spans, published " + n,
            "pipeline counted " + (n - 4) + " spans archived, the index lists " + (n - 3),
            "dead-lettered 1, expected 0");
  }

  @Test
  void shouldHoldWhenCountersRunAheadOfTheIndexAfterRedoneWork() {
    long n = WORKLOAD.spans();

    // an aborted transaction: its spans were read, archived and counted twice, indexed once
    assertThat(EndToEndBench.problems(n, 0, stats(n + 40, n + 68, 0), index(n))).isEmpty();
  }

  @Test
  void shouldFailWhenTheIndexMissesSpansTheCountersClaim() {
    long n = WORKLOAD.spans();

    assertThat(EndToEndBench.problems(n, 0, stats(n, n, 0), index(n - 1)))
        .containsExactly("index lists " + (n - 1) + " spans, published " + n);
  }
}
