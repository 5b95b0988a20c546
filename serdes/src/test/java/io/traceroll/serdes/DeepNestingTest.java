package io.traceroll.serdes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Hostile nesting must be rejected as a bad record, never overflow a stream thread's stack. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeepNestingTest {

  @ParameterizedTest
  @EnumSource(SpanFormat.class)
  void shouldRejectAHundredThousandOpenBracketsWithoutStackOverflow(SpanFormat format) {
    byte[] brackets = "[".repeat(100_000).getBytes(StandardCharsets.US_ASCII);

    Throwable thrown = catchThrowable(() ->
        format.decoder(DecoderSettings.defaults()).decode(brackets, new RecordHeaders()));

    assertThat(thrown).isInstanceOf(SpanDecodeException.class);
  }

  @ParameterizedTest
  @EnumSource(SpanFormat.class)
  void shouldRejectDeeplyNestedObjectsWithoutStackOverflow(SpanFormat format) {
    String deep = "{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000);

    Throwable thrown = catchThrowable(() -> format.decoder(DecoderSettings.defaults())
        .decode(deep.getBytes(StandardCharsets.US_ASCII), new RecordHeaders()));

    assertThat(thrown).isInstanceOf(SpanDecodeException.class);
  }

  @ParameterizedTest
  @EnumSource(value = SpanFormat.class, names = "OTLP_PROTO")
  void shouldRejectProtobufAnyValuesNestedPastTheRecursionLimit(SpanFormat format)
      throws Exception {
    // Built by hand: the generated builders would themselves recurse 10k deep to serialize.
    byte[] value = AnyValue.newBuilder().setStringValue("leaf").build().toByteArray();
    for (int i = 0; i < 2_000; i++) {
      byte[] array = wrap(1, value); // ArrayValue.values = 1
      value = wrap(5, array);        // AnyValue.array_value = 5
    }
    byte[] kv = concat(wrap(1, "k".getBytes(StandardCharsets.UTF_8)), wrap(2, value));
    byte[] span = concat(
        wrap(1, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}),
        wrap(2, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}),
        wrap(9, kv)); // Span.attributes = 9
    byte[] request = wrap(1, wrap(2, wrap(2, span))); // resource_spans.scope_spans.spans

    Throwable thrown = catchThrowable(() ->
        format.decoder(DecoderSettings.defaults()).decode(request, new RecordHeaders()));

    assertThat(thrown).isInstanceOfSatisfying(SpanDecodeException.class,
        e -> assertThat(e.reason()).isEqualTo("malformed_protobuf"));
    // sanity: the hand-written framing matches the real schema at shallow depth
    assertThat(ExportTraceServiceRequest.parseFrom(wrap(1, wrap(2, wrap(2, concat(
        wrap(1, new byte[16]), wrap(9, concat(wrap(1, new byte[] {'k'}),
            wrap(2, AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
                .addValues(AnyValue.newBuilder().setIntValue(1))).build().toByteArray())))))))))
        .isEqualTo(ExportTraceServiceRequest.newBuilder().addResourceSpans(
            ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder().addSpans(
                io.opentelemetry.proto.trace.v1.Span.newBuilder()
                    .setTraceId(ByteString.copyFrom(new byte[16]))
                    .addAttributes(KeyValue.newBuilder().setKey("k").setValue(
                        AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
                            .addValues(AnyValue.newBuilder().setIntValue(1)))))))).build());
  }

  /** A length-delimited protobuf field. */
  private static byte[] wrap(int field, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 8);
    writeVarint(out, (field << 3) | 2);
    writeVarint(out, body.length);
    out.writeBytes(body);
    return out.toByteArray();
  }

  private static void writeVarint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
