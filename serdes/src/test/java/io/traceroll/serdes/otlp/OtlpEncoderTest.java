package io.traceroll.serdes.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Status;
import io.traceroll.serdes.DecodedBatch;
import io.traceroll.serdes.DecoderSettings;
import io.traceroll.serdes.SpanFormat;
import io.traceroll.span.Attribute;
import io.traceroll.span.AttributeValue;
import io.traceroll.span.Span;
import io.traceroll.span.SpanEvent;
import io.traceroll.span.SpanKind;
import io.traceroll.span.SpanLink;
import io.traceroll.span.StatusCode;
import io.traceroll.span.TestSpans;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class OtlpEncoderTest {

  /** Every attribute value type, defaults that proto3 would skip outside a oneof, a 64-bit id. */
  static Span everyFieldSpan() {
    AttributeValue nested = new AttributeValue.MapValue(List.of(
        new Attribute("inner.list", new AttributeValue.ArrayValue(List.of(
            new AttributeValue.LongValue(-1), new AttributeValue.BoolValue(false),
            new AttributeValue.MapValue(List.of())))),
        Attribute.of("inner.empty", "")));
    return Span.builder()
        .traceId("463ac35c9f6413ad").spanId("a2fb4a1d1a96d312").parentSpanId("0020000000000001")
        .serviceName("payments").serviceInstance("payments-7f9c").pid(4242).tid(77)
        .threadName("grpc-default-executor-3").name("charge").kind(SpanKind.PRODUCER)
        .startNanos(TestSpans.EPOCH_START + 5).endNanos(TestSpans.EPOCH_START + 1_000_005)
        .statusCode(StatusCode.ERROR).statusMessage("card declined: ünïcødé ✓")
        .attributes(List.of(
            Attribute.of("s", "value"), Attribute.of("empty", ""), Attribute.of("t", true),
            Attribute.of("f", false), Attribute.of("zero", 0L), Attribute.of("neg", Long.MIN_VALUE),
            Attribute.of("d", 0.0), Attribute.of("nan", Double.NaN),
            Attribute.of("inf", Double.NEGATIVE_INFINITY),
            new Attribute("b", new AttributeValue.BytesValue(new byte[] {0, -1, 7})),
            new Attribute("", new AttributeValue.BytesValue(new byte[0])),
            new Attribute("m", nested)))
        .events(List.of(
            new SpanEvent(TestSpans.EPOCH_START + 10, "retry", List.of(Attribute.of("n", 2L))),
            new SpanEvent(0, "", List.of())))
        .links(List.of(
            new SpanLink("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
                List.of(Attribute.of("link.kind", "follows_from"))),
            new SpanLink("0af7651916cd43dd8448eb211c80319d", "b7ad6b7169203332", List.of())))
        .resourceAttributes(List.of(Attribute.of("host.name", "node-1"),
            Attribute.of("service.version", "2.3.4")))
        .build();
  }

  static List<Span> mixedSpans() {
    List<Span> spans = new ArrayList<>(TestSpans.request(300, 11));
    spans.add(everyFieldSpan());
    spans.addAll(TestSpans.request(40, 12));
    spans.add(TestSpans.span("bare", "00f067aa0ba902b7", null, 0, 0)); // no resource, no times
    return spans;
  }

  @Test
  void shouldWriteExactlyTheBytesOfTheGeneratedClasses() {
    List<Span> spans = mixedSpans();

    assertThat(OtlpEncoder.toProto(spans)).isEqualTo(viaGeneratedClasses(spans).toByteArray());
  }

  @Property(tries = 300)
  void shouldWriteExactlyTheBytesOfTheGeneratedClassesForAnySpans(
      @ForAll("batches") List<Span> spans) {
    assertThat(OtlpEncoder.toProto(spans)).isEqualTo(viaGeneratedClasses(spans).toByteArray());
  }

  @Provide
  Arbitrary<List<Span>> batches() {
    Arbitrary<String> text = Arbitraries.strings().all().ofMaxLength(12);
    Arbitrary<List<Attribute>> attributes = attribute(text, 2).list().ofMaxSize(4);
    Arbitrary<String> hex8 = Arbitraries.longs().map(l -> String.format("%016x", l | 1));
    Arbitrary<Span> span = Combinators.combine(
        Arbitraries.of("a", "b"), Arbitraries.of(0, 7), Arbitraries.longs().between(0, 3),
        text.injectNull(0.3), Arbitraries.of(SpanKind.values()), Arbitraries.of(StatusCode.values()),
        attributes, attributes)
        .flatAs((service, pid, tid, message, kind, status, attrs, resource) ->
            Combinators.combine(hex8, hex8.injectNull(0.3), Arbitraries.longs(),
                Arbitraries.longs().between(0, Long.MAX_VALUE))
            .as((id, parent, start, end) -> Span.builder()
                .traceId(id + id).spanId(id).parentSpanId(parent).serviceName(service)
                .serviceInstance(pid == 0 ? null : service + "-1").pid(pid).tid(tid)
                .threadName(tid == 0 ? null : "t" + tid).name(service + kind).kind(kind)
                .startNanos(start).endNanos(end).statusCode(status).statusMessage(message)
                .attributes(attrs).resourceAttributes(resource)
                .events(List.of(new SpanEvent(end, "e", attrs)))
                .links(parent == null ? List.of() : List.of(new SpanLink(id + id, parent, attrs)))
                .build()));
    return span.list().ofMaxSize(6);
  }

  private static Arbitrary<Attribute> attribute(Arbitrary<String> text, int depth) {
    return Combinators.combine(text, value(text, depth)).as(Attribute::new);
  }

  private static Arbitrary<AttributeValue> value(Arbitrary<String> text, int depth) {
    List<Arbitrary<? extends AttributeValue>> choices = new ArrayList<>(List.of(
        text.map(AttributeValue.StringValue::new),
        Arbitraries.of(true, false).map(AttributeValue.BoolValue::new),
        Arbitraries.longs().map(AttributeValue.LongValue::new),
        Arbitraries.doubles().map(AttributeValue.DoubleValue::new),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(5).map(AttributeValue.BytesValue::new)));
    if (depth > 0) {
      choices.add(value(text, depth - 1).list().ofMaxSize(3).map(AttributeValue.ArrayValue::new));
      choices.add(attribute(text, depth - 1).list().ofMaxSize(3).map(AttributeValue.MapValue::new));
    }
    return Arbitraries.oneOf(choices);
  }

  @Test
  void shouldWriteAnEmptyRequestForNoSpans() throws Exception {
    assertThat(OtlpEncoder.toProto(List.of())).isEmpty();
    assertThat(ExportTraceServiceRequest.parseFrom(OtlpEncoder.toProto(List.of()))
        .getResourceSpansCount()).isZero();
  }

  @Test
  void shouldGroupSpansOfOneResourceIntoOneResourceSpans() throws Exception {
    List<Span> spans = TestSpans.request(500, 3);
    long resources = spans.stream()
        .map(s -> List.of(s.serviceName(), String.valueOf(s.serviceInstance()), s.pid(),
            s.resourceAttributes()))
        .distinct().count();

    ExportTraceServiceRequest request =
        ExportTraceServiceRequest.parseFrom(OtlpEncoder.toProto(spans));

    assertThat(request.getResourceSpansCount()).isEqualTo((int) resources);
    assertThat(request.getResourceSpansList().stream()
        .mapToInt(rs -> rs.getScopeSpans(0).getSpansCount()).sum()).isEqualTo(500);
  }

  @Test
  void shouldRoundTripThroughTheProtoDecoder() throws Exception {
    List<Span> spans = mixedSpans();

    DecodedBatch decoded = SpanFormat.OTLP_PROTO.decoder(DecoderSettings.defaults())
        .decode(OtlpEncoder.toProto(spans), new RecordHeaders());

    assertThat(decoded.invalid()).isEmpty();
    assertThat(byId(decoded.spans())).isEqualTo(byId(spans.stream()
        .map(OtlpEncoderTest::asDecodedFromOtlp).toList()));
  }

  @Test
  void shouldRoundTripThroughTheJsonDecoder() throws Exception {
    List<Span> spans = mixedSpans();

    DecodedBatch decoded = SpanFormat.OTLP_JSON.decoder(DecoderSettings.defaults())
        .decode(OtlpEncoder.toJson(spans), new RecordHeaders());

    assertThat(decoded.invalid()).isEmpty();
    assertThat(byId(decoded.spans())).isEqualTo(byId(spans.stream()
        .map(OtlpEncoderTest::asDecodedFromOtlp).toList()));
  }

  @Test
  void shouldBeStableUnderReencodingWhatWasDecoded() throws Exception {
    List<Span> decoded = SpanFormat.OTLP_PROTO.decoder(DecoderSettings.defaults())
        .decode(OtlpEncoder.toProto(mixedSpans()), new RecordHeaders()).spans();

    List<Span> again = SpanFormat.OTLP_PROTO.decoder(DecoderSettings.defaults())
        .decode(OtlpEncoder.toProto(decoded), new RecordHeaders()).spans();

    assertThat(again).isEqualTo(decoded);
  }

  @Test
  void shouldWriteJsonAsTheCollectorDoes() {
    String json = new String(OtlpEncoder.toJson(List.of(everyFieldSpan())), StandardCharsets.UTF_8);

    assertThat(json)
        .contains("\"traceId\":\"463ac35c9f6413ad\"")
        .contains("\"parentSpanId\":\"0020000000000001\"")
        .contains("\"startTimeUnixNano\":\"" + (TestSpans.EPOCH_START + 5) + "\"")
        .contains("\"intValue\":\"-9223372036854775808\"")
        .contains("\"doubleValue\":\"NaN\"")
        .contains("\"doubleValue\":\"-Infinity\"")
        .contains("\"bytesValue\":\"AP8H\"")
        .contains("\"kind\":4")
        .contains("\"status\":{\"message\":\"card declined: ünïcødé ✓\",\"code\":2}")
        .contains("{\"key\":\"process.pid\",\"value\":{\"intValue\":\"4242\"}}");
  }

  /**
   * What an OTLP decoder gives back: the model's fields reappear as the attributes they travel as
   * (added first when absent), the default key rule sets the trace key, and without
   * service.instance.id the decoder names the instance after host.name.
   */
  static Span asDecodedFromOtlp(Span s) {
    List<Attribute> resource = new ArrayList<>();
    if (absent(s.resourceAttributes(), "service.name")) {
      resource.add(Attribute.of("service.name", s.serviceName()));
    }
    if (s.serviceInstance() != null && absent(s.resourceAttributes(), "service.instance.id")) {
      resource.add(Attribute.of("service.instance.id", s.serviceInstance()));
    }
    if (s.pid() != 0 && absent(s.resourceAttributes(), "process.pid")) {
      resource.add(Attribute.of("process.pid", (long) s.pid()));
    }
    resource.addAll(s.resourceAttributes());
    List<Attribute> attributes = new ArrayList<>();
    if (s.tid() != 0 && absent(s.attributes(), "thread.id")) {
      attributes.add(Attribute.of("thread.id", s.tid()));
    }
    if (s.threadName() != null && absent(s.attributes(), "thread.name")) {
      attributes.add(Attribute.of("thread.name", s.threadName()));
    }
    attributes.addAll(s.attributes());
    String instance = s.serviceInstance();
    if (instance == null) {
      instance = resource.stream().filter(a -> a.key().equals("host.name"))
          .map(a -> ((AttributeValue.StringValue) a.value()).value()).findFirst().orElse(null);
    }
    return new Span(s.traceId(), s.spanId(), s.parentSpanId(), s.traceId(), s.serviceName(),
        instance, s.pid(), s.tid(), s.threadName(), s.name(), s.kind(), s.startNanos(),
        s.endNanos(), s.statusCode(), s.statusMessage(), attributes, s.events(), s.links(),
        resource, s.marks());
  }

  private static boolean absent(List<Attribute> attributes, String key) {
    return attributes.stream().noneMatch(a -> a.key().equals(key));
  }

  /**
   * Decoders emit spans grouped by resource, so compare by span id, not in sending order; marks are
   * the decoder's own findings (e.g. the non-finite doubles here), tested with the decoders.
   */
  static Map<String, Span> byId(List<Span> spans) {
    Map<String, Span> map = new java.util.TreeMap<>();
    spans.forEach(s -> map.put(s.spanId(), new Span(s.traceId(), s.spanId(), s.parentSpanId(),
        s.traceKey(), s.serviceName(), s.serviceInstance(), s.pid(), s.tid(), s.threadName(),
        s.name(), s.kind(), s.startNanos(), s.endNanos(), s.statusCode(), s.statusMessage(),
        s.attributes(), s.events(), s.links(), s.resourceAttributes(), List.of())));
    return map;
  }

  // ---- the reference encoding, with protobuf's generated classes -------------------------------

  static ExportTraceServiceRequest viaGeneratedClasses(List<Span> spans) {
    Map<List<Object>, ResourceSpans.Builder> groups = new LinkedHashMap<>();
    for (Span s : spans) {
      List<Object> key = List.of(s.serviceName(), String.valueOf(s.serviceInstance()), s.pid(),
          s.resourceAttributes());
      ResourceSpans.Builder rs = groups.computeIfAbsent(key, k -> {
        Resource.Builder r = Resource.newBuilder();
        if (absent(s.resourceAttributes(), "service.name")) {
          r.addAttributes(kv(Attribute.of("service.name", s.serviceName())));
        }
        if (s.serviceInstance() != null && absent(s.resourceAttributes(), "service.instance.id")) {
          r.addAttributes(kv(Attribute.of("service.instance.id", s.serviceInstance())));
        }
        if (s.pid() != 0 && absent(s.resourceAttributes(), "process.pid")) {
          r.addAttributes(kv(Attribute.of("process.pid", (long) s.pid())));
        }
        s.resourceAttributes().forEach(a -> r.addAttributes(kv(a)));
        return ResourceSpans.newBuilder().setResource(r).addScopeSpans(ScopeSpans.newBuilder());
      });
      rs.getScopeSpansBuilder(0).addSpans(span(s));
    }
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    groups.values().forEach(request::addResourceSpans);
    return request.build();
  }

  private static io.opentelemetry.proto.trace.v1.Span span(Span s) {
    var b = io.opentelemetry.proto.trace.v1.Span.newBuilder()
        .setTraceId(id(s.traceId())).setSpanId(id(s.spanId())).setName(s.name())
        .setKindValue(s.kind().ordinal())
        .setStartTimeUnixNano(s.startNanos()).setEndTimeUnixNano(s.endNanos());
    if (s.parentSpanId() != null) {
      b.setParentSpanId(id(s.parentSpanId()));
    }
    if (s.tid() != 0 && absent(s.attributes(), "thread.id")) {
      b.addAttributes(kv(Attribute.of("thread.id", s.tid())));
    }
    if (s.threadName() != null && absent(s.attributes(), "thread.name")) {
      b.addAttributes(kv(Attribute.of("thread.name", s.threadName())));
    }
    s.attributes().forEach(a -> b.addAttributes(kv(a)));
    for (SpanEvent e : s.events()) {
      var eb = io.opentelemetry.proto.trace.v1.Span.Event.newBuilder()
          .setTimeUnixNano(e.timeNanos()).setName(e.name());
      e.attributes().forEach(a -> eb.addAttributes(kv(a)));
      b.addEvents(eb);
    }
    for (SpanLink l : s.links()) {
      var lb = io.opentelemetry.proto.trace.v1.Span.Link.newBuilder()
          .setTraceId(id(l.traceId())).setSpanId(id(l.spanId()));
      l.attributes().forEach(a -> lb.addAttributes(kv(a)));
      b.addLinks(lb);
    }
    // proto3: an empty status equals none, and OTLP exporters leave it out
    if (s.statusCode() != StatusCode.UNSET
        || (s.statusMessage() != null && !s.statusMessage().isEmpty())) {
      Status.Builder st = Status.newBuilder().setCodeValue(s.statusCode().ordinal());
      if (s.statusMessage() != null) {
        st.setMessage(s.statusMessage());
      }
      b.setStatus(st);
    }
    return b.build();
  }

  private static KeyValue kv(Attribute a) {
    return KeyValue.newBuilder().setKey(a.key()).setValue(any(a.value())).build();
  }

  private static AnyValue any(AttributeValue v) {
    AnyValue.Builder b = AnyValue.newBuilder();
    if (v instanceof AttributeValue.StringValue s) {
      b.setStringValue(s.value());
    } else if (v instanceof AttributeValue.BoolValue x) {
      b.setBoolValue(x.value());
    } else if (v instanceof AttributeValue.LongValue x) {
      b.setIntValue(x.value());
    } else if (v instanceof AttributeValue.DoubleValue x) {
      b.setDoubleValue(x.value());
    } else if (v instanceof AttributeValue.BytesValue x) {
      b.setBytesValue(ByteString.copyFrom(x.value()));
    } else if (v instanceof AttributeValue.ArrayValue x) {
      ArrayValue.Builder arr = ArrayValue.newBuilder();
      x.values().forEach(e -> arr.addValues(any(e)));
      b.setArrayValue(arr);
    } else {
      KeyValueList.Builder list = KeyValueList.newBuilder();
      ((AttributeValue.MapValue) v).entries().forEach(e -> list.addValues(kv(e)));
      b.setKvlistValue(list);
    }
    return b.build();
  }

  private static ByteString id(String hex) {
    return ByteString.copyFrom(HexFormat.of().parseHex(hex));
  }
}
