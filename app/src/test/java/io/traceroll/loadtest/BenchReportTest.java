package io.traceroll.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchReportTest {

  private static Map<String, Object> throughput() {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("mode", "throughput");
    r.put("machine", "2 cores");
    r.put("spans", 1_000L);
    r.put("records", 10L);
    r.put("spansPerRecord", 100.0);
    r.put("traces", 5L);
    r.put("formats", List.of("otlp_proto"));
    r.put("partitions", 4);
    r.put("rawRecordsPerSecond", 1_000.0);
    r.put("rawMegabytesPerSecond", 2.5);
    r.put("rawSpansPerSecond", 100_000.0);
    r.put("sustainedSpansPerSecond", 30_000.0);
    r.put("fractionOfRaw", 0.3);
    r.put("pipelineSeconds", 1.0);
    r.put("sustainedSpansPerSecondNetOfGap", 40_000.0);
    r.put("gapMs", 2_000L);
    r.put("problems", List.of());
    return r;
  }

  @Test
  void shouldShowTheRateAsAFractionOfTheRawRate() {
    assertThat(BenchReport.render(throughput()))
        .contains("100,000 spans/s")
        .contains("30,000 spans/s = 30.0% of raw")
        .doesNotContain("FAILED");
  }

  @Test
  void shouldSayNotAvailableForAMeasureTheRunDidNotTake() {
    // no delay percentiles: e.g. no request of the workload reached the index
    assertThat(BenchReport.render(throughput()))
        .containsPattern("end-to-end delay minus gap\\s+\\| n/a");
  }

  @Test
  void shouldShowTheProcessingFloorPerStageAndAgainstTheRawRate() {
    Map<String, Object> r = throughput();
    r.put("floorDecodeMicrosPerSpan", 1.5);
    r.put("floorEncodeMicrosPerSpan", 2.0);
    r.put("floorGzipMicrosPerSpan", 6.5);
    r.put("floorGzipLevel", 6);
    r.put("floorMicrosPerSpan", 10.0);
    r.put("floorSpansPerCoreSecond", 100_000.0);
    r.put("floorCores", 2);
    r.put("floorMaxSpansPerSecond", 200_000.0);
    r.put("floorFractionOfRaw", 2.0);

    assertThat(BenchReport.render(r)).contains("1.50 + 2.00 + 6.50 (level 6) = 10.00 CPU us/span"
        + " = 100,000 spans/s per core; x 2 cores = 200,000 spans/s = 200.0% of raw");
  }

  @Test
  void shouldListEveryBrokenInvariant() {
    Map<String, Object> r = throughput();
    r.put("problems", List.of("archived 9 of 10 spans", "dead-lettered 0, expected 1"));

    assertThat(BenchReport.render(r)).contains("FAILED:\n  archived 9 of 10 spans\n"
        + "  dead-lettered 0, expected 1\n");
  }
}
