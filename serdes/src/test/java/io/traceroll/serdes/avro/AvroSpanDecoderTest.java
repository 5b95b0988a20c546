package io.traceroll.serdes.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.traceroll.serdes.DecodedBatch;
import io.traceroll.serdes.DecoderSettings;
import io.traceroll.serdes.SpanArbitraries;
import io.traceroll.serdes.SpanDecodeException;
import io.traceroll.serdes.SpanSanitizer;
import io.traceroll.serdes.TraceKeyRule;
import io.traceroll.span.Attribute;
import io.traceroll.span.AttributeValue;
import io.traceroll.span.Span;
import io.traceroll.span.SpanKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class AvroSpanDecoderTest {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private final AvroSpanDecoder decoder = new AvroSpanDecoder(DecoderSettings.defaults());

  @Provide
  Arbitrary<List<Span>> cleanBatches() {
    return SpanArbitraries.cleanSpans().list().ofMaxSize(20);
  }

  @Property(tries = 200)
  void shouldDecodeCleanSpansUnchangedApartFromTheTraceKeyTheRuleGives(
      @ForAll("cleanBatches") List<Span> spans) throws SpanDecodeException {
    DecodedBatch decoded = decoder.decode(AvroSpanEncoder.encodeBatch(spans), new RecordHeaders());

    assertThat(decoded.invalid()).isEmpty();
    assertThat(decoded.spans())
        .containsExactlyElementsOf(spans.stream().map(s -> s.withTraceKey(s.traceId())).toList());
  }

  @Test
  void shouldDecodeASingleSpanPayload() throws SpanDecodeException {
    Span span = span("00f067aa0ba902b7").build();

    DecodedBatch decoded = decoder.decode(AvroSpanEncoder.encodeSpan(span), new RecordHeaders());

    assertThat(decoded.spans()).containsExactly(span.withTraceKey(TRACE));
  }

  @Test
  void shouldAcceptWhatAvrosOwnSingleObjectEncoderWrites() throws IOException, SpanDecodeException {
    Span span = span("00f067aa0ba902b7").build();
    io.traceroll.avro.SpanBatch batch = new io.traceroll.avro.SpanBatch(
        List.of(GeneratedAvro.toAvro(span)), List.of());

    DecodedBatch decoded = decoder.decode(bytes(batch.toByteBuffer()), new RecordHeaders());

    assertThat(decoded.spans()).containsExactly(span.withTraceKey(TRACE));
  }

  @Test
  void shouldWriteWhatAvrosOwnSingleObjectDecoderReads() throws IOException {
    Span span = span("00f067aa0ba902b7").threadName("worker-1").build();

    io.traceroll.avro.SpanBatch read = io.traceroll.avro.SpanBatch.fromByteBuffer(
        ByteBuffer.wrap(AvroSpanEncoder.encodeBatch(List.of(span))));

    assertThat(read.getSpans()).containsExactly(GeneratedAvro.toAvro(span));
  }

  @Test
  void shouldReadABatchWrittenWithTheV1SchemaFillingInFieldsAddedSince()
      throws IOException, SpanDecodeException {
    GenericRecord v1Span = new GenericData.Record(AvroSchemas.SPAN_V1);
    v1Span.put("traceId", TRACE);
    v1Span.put("spanId", "00f067aa0ba902b7");
    v1Span.put("parentSpanId", null);
    v1Span.put("traceKey", null);
    v1Span.put("serviceName", "checkout");
    v1Span.put("serviceInstance", "pod-7");
    v1Span.put("pid", 42);
    v1Span.put("tid", 43L);
    v1Span.put("name", "GET /cart");
    v1Span.put("kind", new GenericData.EnumSymbol(
        AvroSchemas.SPAN_V1.getField("kind").schema(), "SERVER"));
    v1Span.put("startTimeUnixNano", 1_700_000_000_000_000_000L);
    v1Span.put("endTimeUnixNano", 1_700_000_000_250_000_000L);
    v1Span.put("statusCode", new GenericData.EnumSymbol(
        AvroSchemas.SPAN_V1.getField("statusCode").schema(), "OK"));
    v1Span.put("statusMessage", null);
    v1Span.put("attributes", List.of());
    v1Span.put("events", List.of());
    v1Span.put("links", List.of());
    v1Span.put("resourceAttributes", List.of());
    GenericRecord v1Batch = new GenericData.Record(AvroSchemas.SPAN_BATCH_V1);
    v1Batch.put("spans", List.of(v1Span));
    v1Batch.put("resourceAttributes", List.of());
    byte[] payload = bytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(),
        AvroSchemas.SPAN_BATCH_V1).encode(v1Batch));

    DecodedBatch decoded = decoder.decode(payload, new RecordHeaders());

    assertThat(AvroSchemas.fingerprint(AvroSchemas.SPAN_BATCH_V1))
        .isNotEqualTo(AvroSchemas.fingerprint(AvroSchemas.SPAN_BATCH));
    assertThat(decoded.spans()).containsExactly(Span.builder().traceId(TRACE)
        .spanId("00f067aa0ba902b7").traceKey(TRACE).serviceName("checkout")
        .serviceInstance("pod-7").pid(42).tid(43).name("GET /cart").kind(SpanKind.SERVER)
        .startNanos(1_700_000_000_000_000_000L).endNanos(1_700_000_000_250_000_000L)
        .statusCode(io.traceroll.span.StatusCode.OK).build());
  }

  @Test
  void shouldRejectAnUnknownSchemaFingerprintNamingIt() {
    byte[] payload = AvroSpanEncoder.encodeBatch(List.of(span("00f067aa0ba902b7").build()));
    payload[2] ^= 0x01;

    assertThatThrownBy(() -> decoder.decode(payload, new RecordHeaders()))
        .isInstanceOfSatisfying(SpanDecodeException.class,
            e -> assertThat(e.reason()).isEqualTo("unknown_schema_fingerprint"))
        .hasMessageContaining("fingerprint");
  }

  @Test
  void shouldRejectAPayloadWithoutTheSingleObjectMarker() {
    byte[] payload = "{\"spans\":[]}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    assertThatThrownBy(() -> decoder.decode(payload, new RecordHeaders()))
        .isInstanceOfSatisfying(SpanDecodeException.class,
            e -> assertThat(e.reason()).isEqualTo("not_avro_single_object"));
  }

  @Test
  void shouldRejectEveryTruncationOfAValidPayloadAsMalformed() {
    byte[] payload = AvroSpanEncoder.encodeBatch(List.of(
        span("00f067aa0ba902b7").attributes(List.of(Attribute.of("http.method", "GET"))).build()));

    for (int len = 0; len < payload.length; len++) {
      byte[] cut = Arrays.copyOf(payload, len);
      assertThat(catchThrowable(() -> decoder.decode(cut, new RecordHeaders())))
          .as("prefix of %d bytes", len)
          .isInstanceOf(SpanDecodeException.class);
    }
  }

  @Test
  void shouldRejectTrailingBytesAfterTheBatch() {
    byte[] payload = AvroSpanEncoder.encodeBatch(List.of(span("00f067aa0ba902b7").build()));
    byte[] longer = Arrays.copyOf(payload, payload.length + 1);

    assertThatThrownBy(() -> decoder.decode(longer, new RecordHeaders()))
        .isInstanceOfSatisfying(SpanDecodeException.class,
            e -> assertThat(e.reason()).isEqualTo("malformed_avro"));
  }

  @Test
  void shouldRejectAHugeDeclaredLengthWithoutAllocatingIt() {
    // header, one-block array of 1 span, then a trace id claiming 2^40 bytes
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(SingleObjectFraming.header(AvroSchemas.SPAN_BATCH));
    b.write(0x02);
    b.writeBytes(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x40});

    assertThatThrownBy(() -> decoder.decode(b.toByteArray(), new RecordHeaders()))
        .isInstanceOfSatisfying(SpanDecodeException.class,
            e -> assertThat(e.reason()).isEqualTo("malformed_avro"))
        .hasMessageContaining("bytes left");
  }

  @Test
  void shouldRejectAttributeValuesNestedDeeperThanTheLimit() {
    AttributeValue deep = new AttributeValue.LongValue(1);
    for (int i = 0; i <= AvroSpanReader.MAX_VALUE_DEPTH; i++) {
      deep = new AttributeValue.ArrayValue(List.of(deep));
    }
    byte[] payload = AvroSpanEncoder.encodeBatch(List.of(
        span("00f067aa0ba902b7").attributes(List.of(new Attribute("deep", deep))).build()));

    assertThatThrownBy(() -> decoder.decode(payload, new RecordHeaders()))
        .isInstanceOfSatisfying(SpanDecodeException.class,
            e -> assertThat(e.reason()).isEqualTo("malformed_avro"))
        .hasMessageContaining("nested");
  }

  @Provide
  Arbitrary<byte[]> garbageBodies() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
  }

  @Property(tries = 1000)
  void shouldFailOnlyWithSpanDecodeExceptionWhateverTheBodyBytes(
      @ForAll("garbageBodies") byte[] body) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(SingleObjectFraming.header(AvroSchemas.SPAN_BATCH));
    b.writeBytes(body);

    Throwable thrown = catchThrowable(() -> decoder.decode(b.toByteArray(), new RecordHeaders()));

    assertThat(thrown == null || thrown instanceof SpanDecodeException)
        .as("unexpected %s", thrown).isTrue();
  }

  @Property(tries = 1000)
  void shouldFailOnlyWithSpanDecodeExceptionWhateverTheBodyBytesOfAnOldVersion(
      @ForAll("garbageBodies") byte[] body) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(SingleObjectFraming.header(AvroSchemas.SPAN_BATCH_V1));
    b.writeBytes(body);

    Throwable thrown = catchThrowable(() -> decoder.decode(b.toByteArray(), new RecordHeaders()));

    assertThat(thrown == null || thrown instanceof SpanDecodeException)
        .as("unexpected %s", thrown).isTrue();
  }

  @Test
  void shouldRejectABlockCountOfLongMinValue() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(SingleObjectFraming.header(AvroSchemas.SPAN_BATCH));
    // zig-zag varint of Long.MIN_VALUE: ten bytes, 0xff x9 then 0x01
    b.writeBytes(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1, -1, 0x01, 0x00});

    assertThatThrownBy(() -> decoder.decode(b.toByteArray(), new RecordHeaders()))
        .isInstanceOfSatisfying(SpanDecodeException.class,
            e -> assertThat(e.reason()).isEqualTo("malformed_avro"));
  }

  @Test
  void shouldSeparateSpansWithUnusableIdsFromTheRestOfTheBatch() throws SpanDecodeException {
    Span good = span("00f067aa0ba902b7").build();
    Span zeroSpanId = span("0000000000000000").build();

    DecodedBatch decoded = decoder.decode(
        AvroSpanEncoder.encodeBatch(List.of(good, zeroSpanId)), new RecordHeaders());

    assertThat(decoded.spans()).containsExactly(good.withTraceKey(TRACE));
    assertThat(decoded.invalid()).singleElement().satisfies(i -> {
      assertThat(i.reason()).isEqualTo(SpanSanitizer.ALL_ZERO_SPAN_ID);
      assertThat(i.span().spanId()).isEqualTo("0000000000000000");
    });
  }

  @Test
  void shouldGiveBatchResourceAttributesOnlyToSpansWithoutTheirOwn() throws SpanDecodeException {
    List<Attribute> batchResource = List.of(Attribute.of("service.name", "checkout"));
    List<Attribute> own = List.of(Attribute.of("host.name", "h1"));
    Span bare = span("00f067aa0ba902b7").build();
    Span withOwn = span("00f067aa0ba902b8").resourceAttributes(own).build();

    DecodedBatch decoded = decoder.decode(
        AvroSpanEncoder.encodeBatch(List.of(bare, withOwn), batchResource), new RecordHeaders());

    assertThat(decoded.spans()).extracting(Span::resourceAttributes)
        .containsExactly(batchResource, own);
  }

  @Test
  void shouldUseTheProducersTraceKeyOnlyWhereTheConfiguredRuleFindsNone()
      throws SpanDecodeException {
    AvroSpanDecoder byAttribute = new AvroSpanDecoder(
        DecoderSettings.defaults().withKeyRule(TraceKeyRule.attribute("request.id")));
    Span tagged = span("00f067aa0ba902b7").traceKey("from-producer")
        .attributes(List.of(Attribute.of("request.id", "r-1"))).build();
    Span untagged = span("00f067aa0ba902b8").traceKey("from-producer").build();
    Span neither = span("00f067aa0ba902b9").build();

    DecodedBatch decoded = byAttribute.decode(
        AvroSpanEncoder.encodeBatch(List.of(tagged, untagged, neither)), new RecordHeaders());

    assertThat(decoded.spans()).extracting(Span::traceKey)
        .containsExactly("r-1", "from-producer", null);
  }

  @Test
  void shouldRegisterEveryAcceptedSchemaUnderADistinctFingerprint() {
    assertThat(AvroSpanDecoder.knownFingerprints()).containsExactlyInAnyOrder(
        AvroSchemas.fingerprint(AvroSchemas.SPAN_BATCH), AvroSchemas.fingerprint(AvroSchemas.SPAN),
        AvroSchemas.fingerprint(AvroSchemas.SPAN_BATCH_V1),
        AvroSchemas.fingerprint(AvroSchemas.SPAN_V1));
  }

  /**
   * Producers hard-code these (AVRO.md lists them): changing a published schema must add a
   * history version instead, which this makes impossible to forget.
   */
  @Test
  void shouldKeepThePublishedFingerprintOfEverySchemaVersion() {
    assertThat(String.format("%016x", AvroSchemas.fingerprint(AvroSchemas.SPAN_BATCH)))
        .isEqualTo("89fc0be4ab575824");
    assertThat(String.format("%016x", AvroSchemas.fingerprint(AvroSchemas.SPAN)))
        .isEqualTo("d081b44d775db51a");
    assertThat(String.format("%016x", AvroSchemas.fingerprint(AvroSchemas.SPAN_BATCH_V1)))
        .isEqualTo("0dee9dee0b67d951");
    assertThat(String.format("%016x", AvroSchemas.fingerprint(AvroSchemas.SPAN_V1)))
        .isEqualTo("e2fb57b8e78eba62");
  }

  private static Span.Builder span(String spanId) {
    return Span.builder().traceId(TRACE).spanId(spanId).serviceName("checkout").name("GET /cart")
        .kind(SpanKind.SERVER).startNanos(1_700_000_000_000_000_000L)
        .endNanos(1_700_000_000_250_000_000L);
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.get(out);
    return out;
  }
}
