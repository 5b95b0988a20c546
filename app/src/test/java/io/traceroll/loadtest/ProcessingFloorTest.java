package io.traceroll.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.generator.GeneratorSettings;
import io.traceroll.generator.SizeMix;
import io.traceroll.serdes.SpanFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProcessingFloorTest {

  @Test
  void shouldTimeEachStageOverEverySpanOfASmallWorkload() {
    Workload w = Workload.generate(GeneratorSettings.defaults(3), SpanFormat.OTLP_PROTO, 40,
        Long.MAX_VALUE);

    ProcessingFloor.Result f = ProcessingFloor.measure(w, 6);

    assertThat(f.spans()).isEqualTo(w.spans());
    assertThat(f.requests()).isEqualTo((int) w.traces());
    assertThat(f.decodeMicros()).isPositive();
    assertThat(f.encodeMicros()).isPositive();
    assertThat(f.gzipMicros()).isPositive();
    assertThat(f.spansPerCoreSecond()).isEqualTo(1e6 / f.totalMicros());
  }

  @Test
  void shouldTakeWholeRequestsUpToTheCapIncludingTheirLaterRecords() {
    // a 3,000-span request is 15 records of 200; with small ones around it
    SizeMix mix = new SizeMix(5, 50, 0, 1_000, 0.3, 3_000);
    Workload w = Workload.generate(GeneratorSettings.defaults(4).withSizes(mix),
        SpanFormat.OTLP_PROTO, 40, Long.MAX_VALUE);

    List<WorkloadRecord> taken = ProcessingFloor.wholeRequests(w.records(), 500);

    Set<String> ids = new HashSet<>();
    taken.forEach(r -> ids.addAll(r.traceIds()));
    long expected = w.records().stream()
        .filter(r -> r.traceIds().stream().anyMatch(ids::contains))
        .mapToLong(WorkloadRecord::spans).sum();
    assertThat(taken.stream().mapToLong(WorkloadRecord::spans).sum()).isEqualTo(expected)
        .isGreaterThanOrEqualTo(500).isLessThan(w.spans());
  }
}
