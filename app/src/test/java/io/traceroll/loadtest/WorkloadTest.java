package io.traceroll.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.generator.GeneratorSettings;
import io.traceroll.generator.SizeMix;
import io.traceroll.serdes.SpanFormat;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WorkloadTest {

  @Test
  void shouldStopGeneratingOnceTheSpanTargetIsReached() {
    Workload w = Workload.generate(GeneratorSettings.defaults(1).withSizes(SizeMix.smallOnly()),
        SpanFormat.OTLP_PROTO, Long.MAX_VALUE, 1_000);

    // the last request may overshoot by at most its own size (50 spans)
    assertThat(w.spans()).isBetween(1_000L, 1_050L);
  }

  @Test
  void shouldSplitAHugeRequestIntoRecordsOfAtMost200SpansKeyedByTraceId() {
    SizeMix huge = new SizeMix(5, 50, 0, 1_000, 1.0, 3_000);
    Workload w = Workload.generate(GeneratorSettings.defaults(2).withSizes(huge),
        SpanFormat.ZIPKIN_JSON, 1, Long.MAX_VALUE);

    assertThat(w.spans()).isEqualTo(3_000);
    assertThat(w.records()).allSatisfy(r -> {
      assertThat(r.spans()).isBetween(1, Workload.MAX_SPANS_PER_RECORD);
      assertThat(r.traceIds()).hasSize(1);
      assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(r.traceIds().get(0));
    });
    assertThat(w.records().size()).isGreaterThanOrEqualTo(15);
  }

  @Test
  void shouldCountTheSpansTheDecoderFindsInEachGeneratedRecord() {
    Workload w = Workload.generate(GeneratorSettings.defaults(9), SpanFormat.AVRO, 30,
        Long.MAX_VALUE);

    var decoders = Workload.decoders();
    assertThat(w.records()).allSatisfy(r -> assertThat(
        Workload.describe(r.format(), r.key(), r.value(), decoders).spans())
        .isEqualTo(r.spans()));
    assertThat(w.deadLetters()).isZero();
  }
}
