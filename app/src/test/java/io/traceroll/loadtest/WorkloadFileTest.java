package io.traceroll.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.traceroll.generator.GeneratorSettings;
import io.traceroll.generator.SizeMix;
import io.traceroll.serdes.SpanFormat;
import io.traceroll.span.Span;
import io.traceroll.span.SpanKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WorkloadFileTest {

  private static Workload generated(SpanFormat format) {
    return Workload.generate(GeneratorSettings.defaults(5).withSizes(SizeMix.smallOnly()),
        format, 40, Long.MAX_VALUE);
  }

  @ParameterizedTest
  @EnumSource(SpanFormat.class)
  void shouldReadBackTheSameRecordsItWrote(SpanFormat format, @TempDir Path dir)
      throws IOException {
    Workload written = generated(format);
    Path file = dir.resolve("w.jsonl");

    WorkloadFile.write(written, file);
    Workload read = WorkloadFile.read(file, Optional.empty());

    assertThat(read.records()).hasSameSizeAs(written.records());
    for (int i = 0; i < read.records().size(); i++) {
      WorkloadRecord a = written.records().get(i);
      WorkloadRecord b = read.records().get(i);
      assertThat(b.format()).isEqualTo(a.format());
      assertThat(b.key()).isEqualTo(a.key());
      assertThat(b.value()).isEqualTo(a.value());
      assertThat(b.spans()).isEqualTo(a.spans());
      assertThat(b.traceIds()).isEqualTo(a.traceIds());
    }
    assertThat(read.spans()).isEqualTo(written.spans()).isPositive();
  }

  @Test
  void shouldWriteJsonValuesAsTextAndBinaryValuesAsBase64(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("w.jsonl");
    WorkloadFile.write(generated(SpanFormat.ZIPKIN_JSON), file);
    WorkloadFile.write(generated(SpanFormat.OTLP_PROTO), dir.resolve("p.jsonl"));

    assertThat(Files.readAllLines(file).get(0)).contains("\"value\":\"[{")
        .doesNotContain("value_b64");
    assertThat(Files.readAllLines(dir.resolve("p.jsonl")).get(0)).contains("\"value_b64\":");
  }

  @Test
  void shouldKeepABinaryKeyExact(@TempDir Path dir) throws IOException {
    byte[] key = {(byte) 0xff, 0, (byte) 0xc3};
    WorkloadRecord r = generated(SpanFormat.AVRO).records().get(0);
    Workload w = new Workload(List.of(new WorkloadRecord(r.format(), key, r.value(), r.spans(),
        0, false, r.traceIds())));
    Path file = dir.resolve("w.jsonl");

    WorkloadFile.write(w, file);

    assertThat(Files.readString(file)).contains("\"key_b64\":\"/wDD\"");
    assertThat(WorkloadFile.read(file, Optional.empty()).records().get(0).key()).isEqualTo(key);
  }

  @Test
  void shouldCountAnUnreadableRecordAsADeadLetterNotDropIt(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("w.jsonl");
    Files.writeString(file, "{\"key\":\"k\",\"value\":\"[{\\\"traceId\\\":\"}\n");

    Workload w = WorkloadFile.read(file, Optional.of(SpanFormat.ZIPKIN_JSON));

    assertThat(w.records()).hasSize(1);
    assertThat(w.records().get(0).undecodable()).isTrue();
    assertThat(w.spans()).isZero();
    assertThat(w.deadLetters()).isEqualTo(1);
  }

  @Test
  void shouldCountEachInvalidSpanOfAReadableRecord(@TempDir Path dir) throws IOException {
    List<Span> spans = new ArrayList<>();
    long now = System.currentTimeMillis() * 1_000_000L;
    spans.add(Span.builder().traceId("00000000000000000000000000000000")
        .spanId("00f067aa0ba902b7").serviceName("svc").name("zero trace")
        .kind(SpanKind.INTERNAL).startNanos(now).endNanos(now + 1000).build());
    spans.add(Span.builder().traceId("4bf92f3577b34da6a3ce929d0e0e4736")
        .spanId("00f067aa0ba902b8").serviceName("svc").name("fine")
        .kind(SpanKind.INTERNAL).startNanos(now).endNanos(now + 1000).build());
    Path file = dir.resolve("w.jsonl");
    WorkloadFile.write(new Workload(Workload.records(spans, SpanFormat.OTLP_PROTO)), file);

    Workload w = WorkloadFile.read(file, Optional.empty());

    assertThat(w.spans()).isEqualTo(1);
    assertThat(w.deadLetters()).isEqualTo(1);
    assertThat(w.traces()).isEqualTo(1);
  }

  @Test
  void shouldNameTheLineOfAMalformedRecord(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("w.jsonl");
    Files.writeString(file, WorkloadFile.line(generated(SpanFormat.OTLP_JSON).records().get(0))
        + "\n\n{\"format\":\"otlp_json\",\"key\":\"k\"}\n", StandardCharsets.UTF_8);

    assertThatThrownBy(() -> WorkloadFile.read(file, Optional.empty()))
        .isInstanceOf(IOException.class).hasMessageContaining("w.jsonl:3")
        .hasMessageContaining("no 'value'");
  }

  @Test
  void shouldRequireAFormatWhenTheLineHasNone(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("w.jsonl");
    Files.writeString(file, "{\"value\":\"[]\"}\n");

    assertThatThrownBy(() -> WorkloadFile.read(file, Optional.empty()))
        .hasMessageContaining("no 'format'");
    assertThat(WorkloadFile.read(file, Optional.of(SpanFormat.ZIPKIN_JSON)).records())
        .hasSize(1);
  }
}
