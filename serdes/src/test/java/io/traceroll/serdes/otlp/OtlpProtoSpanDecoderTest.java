package io.traceroll.serdes.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Status;
import io.traceroll.serdes.DecodedBatch;
import io.traceroll.serdes.DecoderSettings;
import io.traceroll.serdes.SpanDecodeException;
import io.traceroll.serdes.TestSettings;
import io.traceroll.serdes.TraceKeyRule;
import io.traceroll.span.Attribute;
import io.traceroll.span.AttributeValue;
import io.traceroll.span.Mark;
import io.traceroll.span.Span;
import io.traceroll.span.SpanEvent;
import io.traceroll.span.SpanKind;
import io.traceroll.span.SpanLink;
import io.traceroll.span.StatusCode;
import io.traceroll.span.TestSpans;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class OtlpProtoSpanDecoderTest {
  static final String TRACE_A = "5b8efff798038103d269b633813fc60c";
  static final String TRACE_B = "0af7651916cd43dd8448eb211c80319c";
  static final long T0 = 1_735_689_000_000_000_000L; // 2024-12-31T23:50:00Z

  private static ByteString id(String hex) {
    return ByteString.copyFrom(HexFormat.of().parseHex(hex));
  }

  private static KeyValue kv(String key, AnyValue value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }

  private static AnyValue str(String s) {
    return AnyValue.newBuilder().setStringValue(s).build();
  }

  private static AnyValue i64(long v) {
    return AnyValue.newBuilder().setIntValue(v).build();
  }

  /** Two resources, three traces' worth of spans, every value type: what a busy Collector sends. */
  static ExportTraceServiceRequest request() {
    io.opentelemetry.proto.trace.v1.Span server = io.opentelemetry.proto.trace.v1.Span.newBuilder()
        .setTraceId(id(TRACE_A)).setSpanId(id("eee19b7ec3c1b174"))
        .setName("GET /checkout").setKind(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER)
        .setStartTimeUnixNano(T0).setEndTimeUnixNano(T0 + 5_000_000)
        .addAttributes(kv("http.request.method", str("GET")))
        .addAttributes(kv("thread.id", i64(42)))
        .addAttributes(kv("thread.name", str("http-exec-1")))
        .addAttributes(kv("ok", AnyValue.newBuilder().setBoolValue(true).build()))
        .addAttributes(kv("ratio", AnyValue.newBuilder().setDoubleValue(0.25).build()))
        .addAttributes(kv("raw", AnyValue.newBuilder()
            .setBytesValue(ByteString.copyFrom(new byte[] {1, 2, 3})).build()))
        .addAttributes(kv("tags", AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
            .addValues(str("a")).addValues(i64(7))).build()))
        .addAttributes(kv("order", AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
            .addValues(kv("id", str("o-1")))).build()))
        .addEvents(io.opentelemetry.proto.trace.v1.Span.Event.newBuilder()
            .setTimeUnixNano(T0 + 1_000).setName("exception")
            .addAttributes(kv("exception.type", str("java.lang.IllegalStateException"))))
        .addLinks(io.opentelemetry.proto.trace.v1.Span.Link.newBuilder()
            .setTraceId(id(TRACE_B)).setSpanId(id("00f067aa0ba902b7"))
            .addAttributes(kv("link.kind", str("follows"))))
        .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR)
            .setMessage("boom"))
        .build();
    io.opentelemetry.proto.trace.v1.Span child = io.opentelemetry.proto.trace.v1.Span.newBuilder()
        .setTraceId(id(TRACE_A)).setSpanId(id("00f067aa0ba902b7"))
        .setParentSpanId(id("eee19b7ec3c1b174"))
        .setName("SELECT orders").setKind(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_CLIENT)
        .setStartTimeUnixNano(T0 + 1_000_000).setEndTimeUnixNano(T0 + 2_000_000)
        .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_OK))
        .build();
    io.opentelemetry.proto.trace.v1.Span zeroTrace = child.toBuilder()
        .setTraceId(ByteString.copyFrom(new byte[16])).setSpanId(id("1111111111111111")).build();
    io.opentelemetry.proto.trace.v1.Span otherTrace = io.opentelemetry.proto.trace.v1.Span.newBuilder()
        .setTraceId(id(TRACE_B)).setSpanId(id("2222222222222222"))
        .setName("consume").setKind(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_CONSUMER)
        .setStartTimeUnixNano(T0).setEndTimeUnixNano(T0 + 10)
        .build();

    ResourceSpans checkout = ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder()
            .addAttributes(kv("service.name", str("checkout")))
            .addAttributes(kv("service.instance.id", str("checkout-7f9c")))
            .addAttributes(kv("host.name", str("node-1")))
            .addAttributes(kv("process.pid", i64(4242))))
        .addScopeSpans(ScopeSpans.newBuilder()
            .setScope(InstrumentationScope.newBuilder().setName("io.opentelemetry.tomcat"))
            .addSpans(server).addSpans(child).addSpans(zeroTrace))
        .build();
    ResourceSpans anonymous = ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(kv("host.name", str("node-2"))))
        .addScopeSpans(ScopeSpans.newBuilder().addSpans(otherTrace))
        .build();
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(checkout).addResourceSpans(anonymous).build();
  }

  private static DecodedBatch decode(byte[] bytes, DecoderSettings settings) throws Exception {
    return new OtlpProtoSpanDecoder(settings).decode(bytes, new RecordHeaders());
  }

  @Test
  void shouldDecodeEveryFieldOfAServerSpan() throws Exception {
    DecodedBatch batch = decode(request().toByteArray(), TestSettings.fixedClock());

    Span server = batch.spans().get(0);
    List<Attribute> resource = List.of(
        Attribute.of("service.name", "checkout"),
        Attribute.of("service.instance.id", "checkout-7f9c"),
        Attribute.of("host.name", "node-1"),
        Attribute.of("process.pid", 4242L));
    Span expected = Span.builder()
        .traceId(TRACE_A).spanId("eee19b7ec3c1b174").traceKey(TRACE_A)
        .serviceName("checkout").serviceInstance("checkout-7f9c").pid(4242)
        .tid(42).threadName("http-exec-1")
        .name("GET /checkout").kind(SpanKind.SERVER)
        .startNanos(T0).endNanos(T0 + 5_000_000)
        .statusCode(StatusCode.ERROR).statusMessage("boom")
        .attributes(List.of(
            Attribute.of("http.request.method", "GET"),
            Attribute.of("thread.id", 42L),
            Attribute.of("thread.name", "http-exec-1"),
            Attribute.of("ok", true),
            Attribute.of("ratio", 0.25),
            new Attribute("raw", new AttributeValue.BytesValue(new byte[] {1, 2, 3})),
            new Attribute("tags", new AttributeValue.ArrayValue(List.of(
                new AttributeValue.StringValue("a"), new AttributeValue.LongValue(7)))),
            new Attribute("order", new AttributeValue.MapValue(List.of(Attribute.of("id", "o-1"))))))
        .events(List.of(new SpanEvent(T0 + 1_000, "exception",
            List.of(Attribute.of("exception.type", "java.lang.IllegalStateException")))))
        .links(List.of(new SpanLink(TRACE_B, "00f067aa0ba902b7",
            List.of(Attribute.of("link.kind", "follows")))))
        .resourceAttributes(resource)
        .build();
    assertThat(server).isEqualTo(expected);
  }

  @Test
  void shouldFanOutOneRequestIntoSpansOfSeveralTraces() throws Exception {
    DecodedBatch batch = decode(request().toByteArray(), TestSettings.fixedClock());

    assertThat(batch.spans()).extracting(Span::traceId, Span::spanId, Span::parentSpanId)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(TRACE_A, "eee19b7ec3c1b174", null),
            org.assertj.core.groups.Tuple.tuple(TRACE_A, "00f067aa0ba902b7", "eee19b7ec3c1b174"),
            org.assertj.core.groups.Tuple.tuple(TRACE_B, "2222222222222222", null));
    assertThat(batch.spans().get(1).statusCode()).isEqualTo(StatusCode.OK);
    assertThat(batch.spans().get(2).kind()).isEqualTo(SpanKind.CONSUMER);
  }

  @Test
  void shouldDeadLetterOnlyTheSpanWithAnAllZeroTraceId() throws Exception {
    DecodedBatch batch = decode(request().toByteArray(), TestSettings.fixedClock());

    assertThat(batch.invalid()).singleElement().satisfies(inv -> {
      assertThat(inv.reason()).isEqualTo("all_zero_trace_id");
      assertThat(inv.span().spanId()).isEqualTo("1111111111111111");
      assertThat(inv.span().serviceName()).isEqualTo("checkout");
    });
  }

  @Test
  void shouldFallBackToHostNameAndMarkAMissingServiceName() throws Exception {
    Span anonymous = decode(request().toByteArray(), TestSettings.fixedClock()).spans().get(2);

    assertThat(anonymous.serviceName()).isEqualTo("unknown_service");
    assertThat(anonymous.serviceInstance()).isEqualTo("node-2");
    assertThat(anonymous.marks()).extracting(Mark::code).containsExactly("missing_service_name");
  }

  @Test
  void shouldKeyByASpanAttributeThenAResourceAttribute() throws Exception {
    DecoderSettings byOrder = TestSettings.fixedClock()
        .withKeyRule(TraceKeyRule.attribute("http.request.method"));
    DecoderSettings byHost = TestSettings.fixedClock().withKeyRule(TraceKeyRule.attribute("host.name"));

    assertThat(decode(request().toByteArray(), byOrder).spans())
        .extracting(Span::traceKey).containsExactly("GET", null, null);
    assertThat(decode(request().toByteArray(), byHost).spans())
        .extracting(Span::traceKey).containsExactly("node-1", "node-1", "node-2");
  }

  @Test
  void shouldKeyEverySpanOfTheRecordByAHeader() throws Exception {
    RecordHeaders headers = new RecordHeaders();
    headers.add("x-request-id", "req-9".getBytes(StandardCharsets.UTF_8));
    DecodedBatch batch = new OtlpProtoSpanDecoder(TestSettings.fixedClock()
        .withKeyRule(TraceKeyRule.header("x-request-id")))
        .decode(request().toByteArray(), headers);

    assertThat(batch.spans()).extracting(Span::traceKey).containsOnly("req-9").hasSize(3);
  }

  @Test
  void shouldMarkWhatTheProducerAlreadyDropped() throws Exception {
    ExportTraceServiceRequest.Builder b = request().toBuilder();
    b.getResourceSpansBuilder(1).getScopeSpansBuilder(0).getSpansBuilder(0)
        .setDroppedAttributesCount(3).setKindValue(99);
    Span span = decode(b.build().toByteArray(), TestSettings.fixedClock()).spans().get(2);

    assertThat(span.kind()).isEqualTo(SpanKind.UNSPECIFIED);
    assertThat(span.marks()).containsExactly(
        new Mark("missing_service_name", "resource has no service.name"),
        new Mark("unknown_span_kind", "99"),
        new Mark("producer_dropped_attributes", "3"));
  }

  @Test
  void shouldRejectBytesThatAreNotAnExportRequest() {
    byte[] garbage = "{\"resourceSpans\":[]}".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> decode(garbage, DecoderSettings.defaults()))
        .isInstanceOfSatisfying(SpanDecodeException.class,
            e -> assertThat(e.reason()).isEqualTo("malformed_protobuf"));
  }

  @Test
  void shouldRejectAnEmptyRecord() {
    assertThatThrownBy(() -> decode(new byte[0], DecoderSettings.defaults()))
        .isInstanceOfSatisfying(SpanDecodeException.class,
            e -> assertThat(e.reason()).isEqualTo("empty_payload"));
  }

  /**
   * What repeats across spans is decoded once per thread and shared: the same attribute
   * instances and trace id on every span and record that carries them.
   */
  @Test
  void shouldShareRepeatedAttributesAndIdsAcrossSpansAndRecords() throws SpanDecodeException {
    byte[] payload = OtlpEncoder.toProto(TestSpans.request(40, 7));
    OtlpProtoSpanDecoder decoder = new OtlpProtoSpanDecoder(DecoderSettings.defaults());

    List<Span> first = decoder.decode(payload, new RecordHeaders()).spans();
    List<Span> again = decoder.decode(payload.clone(), new RecordHeaders()).spans();

    assertThat(again).isEqualTo(first);
    assertThat(again.get(39).traceId()).isSameAs(first.get(0).traceId());
    List<Attribute> schemes = again.stream().flatMap(s -> s.attributes().stream())
        .filter(a -> a.key().equals("url.scheme")).toList();
    assertThat(schemes).hasSizeGreaterThan(2)
        .allSatisfy(a -> assertThat(a).isSameAs(schemes.get(0)));
  }
}
