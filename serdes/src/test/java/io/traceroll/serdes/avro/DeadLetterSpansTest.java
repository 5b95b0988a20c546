package io.traceroll.serdes.avro;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.avro.DeadLetterSpan;
import io.traceroll.serdes.SpanArbitraries;
import io.traceroll.serdes.SpanFormat;
import io.traceroll.span.Span;
import java.io.IOException;
import java.nio.ByteBuffer;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class DeadLetterSpansTest {

  @Provide
  Arbitrary<Span> anySpan() {
    return SpanArbitraries.spans();
  }

  @Property(tries = 100)
  void shouldCarryTheSpanAsReadWithReasonAndSource(@ForAll("anySpan") Span span)
      throws IOException {
    byte[] bytes = DeadLetterSpans.encode(span, "all_zero_span_id", "spans.otlp", 3, 1234L,
        SpanFormat.OTLP_PROTO);

    assertThat(DeadLetterSpans.decode(bytes)).isEqualTo(new DeadLetterSpans.DeadLetter(
        span, "all_zero_span_id", "spans.otlp", 3, 1234L, "otlp_proto"));
  }

  @Test
  void shouldBeReadableWithAvrosOwnSingleObjectDecoder() throws IOException {
    Span span = Span.builder().traceId("00").spanId("").serviceName("svc").name("op").build();

    DeadLetterSpan read = DeadLetterSpan.fromByteBuffer(ByteBuffer.wrap(
        DeadLetterSpans.encode(span, "missing_span_id", null, -1, -1L, SpanFormat.ZIPKIN_JSON)));

    assertThat(read).isEqualTo(new DeadLetterSpan(GeneratedAvro.toAvro(span), "missing_span_id",
        null, -1, -1L, "zipkin_json"));
  }

  /** Dead-letter consumers match on it (AVRO.md): a schema change must be deliberate. */
  @Test
  void shouldKeepThePublishedFingerprint() {
    assertThat(String.format("%016x", AvroSchemas.fingerprint(AvroSchemas.DEAD_LETTER_SPAN)))
        .isEqualTo("d3920cd1ea3327df");
  }
}
