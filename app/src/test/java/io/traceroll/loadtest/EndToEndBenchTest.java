package io.traceroll.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.cli.Main;
import io.traceroll.generator.GeneratorSettings;
import io.traceroll.serdes.SpanFormat;
import io.traceroll.span.Span;
import io.traceroll.span.SpanKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class EndToEndBenchTest {

  @Test
  @Timeout(180)
  void shouldArchiveOrDeadLetterEverySpanOfAReplayedWorkloadAndReportEveryMeasure(
      @TempDir Path dir) throws Exception {
    Workload generated = Workload.generate(GeneratorSettings.defaults(3), SpanFormat.OTLP_PROTO,
        Long.MAX_VALUE, 2_000);
    List<WorkloadRecord> records = new ArrayList<>(generated.records());
    // one unreadable record and one readable record with one invalid span: both dead letters
    records.add(new WorkloadRecord(SpanFormat.OTLP_PROTO, "poison".getBytes(
        StandardCharsets.UTF_8), new byte[] {0x0a, (byte) 0xff, 0x7f, 0x12}, 0, 0, true,
        List.of()));
    long now = System.currentTimeMillis() * 1_000_000L;
    Span zeroTrace = Span.builder().traceId("00000000000000000000000000000000")
        .spanId("00f067aa0ba902b7").serviceName("poison").name("all-zero trace id")
        .kind(SpanKind.INTERNAL).startNanos(now).endNanos(now + 1000).build();
    records.addAll(Workload.records(List.of(zeroTrace), SpanFormat.OTLP_PROTO));
    Path file = dir.resolve("workload.jsonl");
    WorkloadFile.write(new Workload(records), file);
    Path out = dir.resolve("out");

    int exit = Main.run("bench", "--workload", file.toString(), "--gap", "1s",
        "--partitions", "2", "--warmup-spans", "300", "--out", out.toString());

    assertThat(exit).isZero();
    Map<String, Object> r = FlatJson.read(Files.readString(out.resolve("bench-result.json")));
    long spans = generated.spans();
    long warmup = (long) r.get("warmupSpans");
    assertThat(warmup).isGreaterThanOrEqualTo(300);
    // the measured counts are the workload's alone; the index lists the warm-up's parts too
    assertThat(r).containsEntry("spans", spans).containsEntry("spansIn", spans)
        .containsEntry("spansArchived", spans).containsEntry("indexSpans", spans + warmup)
        .containsEntry("deadLetters", 2L).containsEntry("expectedDeadLetters", 2L)
        .containsEntry("invariantsHold", true)
        .containsEntry("delayRequests", generated.traces())
        .containsEntry("traces", generated.traces());
    assertThat((double) r.get("rawRecordsPerSecond")).isPositive();
    assertThat((double) r.get("rawMegabytesPerSecond")).isPositive();
    assertThat((double) r.get("sustainedSpansPerSecond")).isPositive();
    assertThat((double) r.get("fractionOfRaw")).isPositive();
    // the delay net of the gap can be slightly negative: a request closes on the punctuation
    // after its gap, measured here from the broker's append time, not from the pipeline's read
    assertThat((long) r.get("delayP99Ms")).isGreaterThanOrEqualTo((long) r.get("delayP50Ms"))
        .isGreaterThan(-1_000L);
    // gzip'd Perfetto of realistic spans: tens to a few hundred bytes per span, never zero
    assertThat((double) r.get("archiveBytesPerSpan")).isBetween(10.0, 2_000.0);
    assertThat((double) r.get("changelogBytesPerSpan")).isPositive();
    assertThat((double) r.get("changelogRecordsPerSpan")).isPositive();
    assertThat((double) r.get("cpuSecondsPerMillionSpans")).isPositive();
    assertThat((long) r.get("maxHeapAfterGcBytes")).isPositive();
    try (var parts = Files.walk(out.resolve("archive"))) {
      assertThat(parts.filter(p -> p.getFileName().toString().startsWith("part-")).count())
          .isEqualTo((long) r.get("indexEntries"));
    }
  }
}
