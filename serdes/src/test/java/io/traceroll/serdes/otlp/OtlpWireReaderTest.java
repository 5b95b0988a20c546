package io.traceroll.serdes.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Status;
import io.traceroll.serdes.DecodedBatch;
import io.traceroll.serdes.PayloadMutations;
import io.traceroll.serdes.SpanDecodeException;
import io.traceroll.serdes.SpanDecoder;
import io.traceroll.serdes.TestSettings;
import io.traceroll.span.TestSpans;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.statistics.Statistics;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The hand-written wire reader must be indistinguishable from the generated classes: same spans
 * from valid requests, same accept/reject decision and same spans from corrupted ones.
 */
class OtlpWireReaderTest {
  private static final SpanDecoder WIRE = new OtlpProtoSpanDecoder(TestSettings.fixedClock());
  private static final SpanDecoder GENERATED = new GeneratedOtlpDecoder(TestSettings.fixedClock());
  private static final List<byte[]> SEEDS = List.of(
      OtlpProtoSpanDecoderTest.request().toByteArray(),
      io.traceroll.serdes.otlp.OtlpEncoder.toProto(TestSpans.request(20, 3)));

  /** Decodes with both; equal batches, or both reject with the same reason. */
  private static void assertSameAsGenerated(byte[] payload) {
    Object wire = outcome(WIRE, payload);
    Object generated = outcome(GENERATED, payload);
    assertThat(wire).isEqualTo(generated);
    // Shown in the jqwik report: the property is only meaningful if many inputs still decode.
    Statistics.collect(wire instanceof DecodedBatch ? "decoded" : "rejected");
  }

  private static Object outcome(SpanDecoder decoder, byte[] payload) {
    try {
      return decoder.decode(payload, new RecordHeaders());
    } catch (SpanDecodeException e) {
      return e.reason();
    }
  }

  @Example
  void shouldDecodeEveryFieldLikeTheGeneratedClasses() {
    for (byte[] seed : SEEDS) {
      assertThat(outcome(WIRE, seed)).isInstanceOf(DecodedBatch.class);
      assertSameAsGenerated(seed);
    }
  }

  @Example
  void shouldMergeRepeatedSingularMessagesLikeParseFrom() {
    // Concatenated protobuf messages merge: status, resource and an attribute's value appear
    // twice here, with arrays that must be appended and scalars that must be overwritten.
    io.opentelemetry.proto.trace.v1.Span first = io.opentelemetry.proto.trace.v1.Span.newBuilder()
        .setTraceId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
        .setSpanId(ByteString.copyFrom(new byte[] {9, 9, 9, 9, 9, 9, 9, 9}))
        .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("a"))
        .addAttributes(KeyValue.newBuilder().setKey("k").setValue(AnyValue.newBuilder()
            .setArrayValue(ArrayValue.newBuilder().addValues(AnyValue.newBuilder().setIntValue(1)))))
        .build();
    byte[] statusAgain = io.opentelemetry.proto.trace.v1.Span.newBuilder()
        .setStatus(Status.newBuilder().setMessage("b")).build().toByteArray();
    byte[] valueAgain = concat(tag(9), lengthPrefixed(concat(
        tag(1), lengthPrefixed("k".getBytes()), tag(2), lengthPrefixed(AnyValue.newBuilder()
            .setArrayValue(ArrayValue.newBuilder().addValues(AnyValue.newBuilder().setIntValue(2)))
            .build().toByteArray()),
        tag(2), lengthPrefixed(AnyValue.newBuilder()
            .setArrayValue(ArrayValue.newBuilder().addValues(AnyValue.newBuilder().setBoolValue(true)))
            .build().toByteArray()))));
    byte[] span = concat(first.toByteArray(), statusAgain, valueAgain);
    ResourceSpans withResource = ResourceSpans.newBuilder()
        .setResource(io.opentelemetry.proto.resource.v1.Resource.newBuilder()
            .addAttributes(KeyValue.newBuilder().setKey("service.name")
                .setValue(AnyValue.newBuilder().setStringValue("one"))))
        .build();
    byte[] resourceAgain = ResourceSpans.newBuilder()
        .setResource(io.opentelemetry.proto.resource.v1.Resource.newBuilder()
            .addAttributes(KeyValue.newBuilder().setKey("host.name")
                .setValue(AnyValue.newBuilder().setStringValue("h"))))
        .build().toByteArray();
    byte[] scope = concat(tag(2), lengthPrefixed(span));
    byte[] resourceSpans = concat(withResource.toByteArray(), tag(2), lengthPrefixed(scope),
        resourceAgain);
    byte[] request = concat(tag(1), lengthPrefixed(resourceSpans));

    DecodedBatch batch = (DecodedBatch) outcome(WIRE, request);
    assertThat(batch.spans()).hasSize(1);
    assertThat(batch.spans().get(0).statusMessage()).isEqualTo("b");
    assertThat(batch.spans().get(0).attributes()).hasSize(2);
    assertSameAsGenerated(request);
  }

  @Example
  void shouldRejectInvalidUtf8InAnIgnoredStringLikeParseFrom() {
    byte[] badScopeName = concat(tag(1), lengthPrefixed(new byte[] {(byte) 0xC3, 0x28}));
    byte[] scopeSpans = concat(tag(1), lengthPrefixed(badScopeName));
    byte[] request = concat(tag(1), lengthPrefixed(concat(tag(2), lengthPrefixed(scopeSpans))));

    assertThat(outcome(WIRE, request)).isEqualTo("malformed_protobuf");
    assertSameAsGenerated(request);
  }

  @Property(tries = 2000, shrinking = ShrinkingMode.OFF)
  void shouldAgreeWithTheGeneratedClassesOnMutatedRequests(@ForAll("mutated") byte[] payload) {
    assertSameAsGenerated(payload);
  }

  @Property(tries = 500, shrinking = ShrinkingMode.OFF)
  void shouldAgreeWithTheGeneratedClassesOnRandomBytes(
      @ForAll("randomBytes") byte[] payload) {
    assertSameAsGenerated(payload);
  }

  @Provide
  Arbitrary<byte[]> mutated() {
    return Combinators.combine(Arbitraries.of(SEEDS), Arbitraries.of(SEEDS),
            Arbitraries.integers().between(0, 3), Arbitraries.longs())
        .as((seed, other, how, rnd) -> PayloadMutations.mutate(seed, other, how, new Random(rnd)));
  }

  @Provide
  Arbitrary<byte[]> randomBytes() {
    return Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(512);
  }

  private static byte[] tag(int field) {
    return new byte[] {(byte) (field << 3 | 2)};
  }

  private static byte[] lengthPrefixed(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int v = body.length;
    while ((v & ~0x7F) != 0) {
      out.write((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out.write(v);
    out.writeBytes(body);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
