package io.traceroll.serdes.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class OtlpJsonSpanDecoderTest {

  private static byte[] resource(String name) throws Exception {
    try (InputStream in = OtlpJsonSpanDecoderTest.class.getResourceAsStream(name)) {
      return in.readAllBytes();
    }
  }

  private static DecodedBatch decode(String json) throws SpanDecodeException {
    return decode(json, TestSettings.fixedClock());
  }

  private static DecodedBatch decode(String json, DecoderSettings settings)
      throws SpanDecodeException {
    return new OtlpJsonSpanDecoder(settings)
        .decode(json.getBytes(StandardCharsets.UTF_8), new RecordHeaders());
  }

  /** One span inside the usual envelope with the given resource attributes JSON. */
  private static String envelope(String resourceAttributes, String spanJson) {
    return "{\"resourceSpans\":[{\"resource\":{\"attributes\":[" + resourceAttributes + "]},"
        + "\"scopeSpans\":[{\"spans\":[" + spanJson + "]}]}]}";
  }

  private static final String SERVICE = "{\"key\":\"service.name\",\"value\":{\"stringValue\":\"svc\"}}";

  @Test
  void shouldDecodeTheDocumentedOtlpExample() throws Exception {
    DecodedBatch batch = new OtlpJsonSpanDecoder(TestSettings.fixedClock())
        .decode(resource("/otlp/trace.json"), new RecordHeaders());

    assertThat(batch.invalid()).isEmpty();
    assertThat(batch.spans()).containsExactly(Span.builder()
        .traceId("5b8efff798038103d269b633813fc60c").spanId("eee19b7ec3c1b174")
        .parentSpanId("eee19b7ec3c1b173").traceKey("5b8efff798038103d269b633813fc60c")
        .serviceName("my.service").name("I'm a server span").kind(SpanKind.SERVER)
        .startNanos(1544712660000000000L).endNanos(1544712661000000000L)
        .attributes(List.of(Attribute.of("my.span.attr", "some value")))
        .resourceAttributes(List.of(Attribute.of("service.name", "my.service")))
        .build());
  }

  @Test
  void shouldReadEveryAttributeValueType() throws Exception {
    String span = "{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\","
        + "\"name\":\"op\",\"startTimeUnixNano\":\"1735689000000000000\","
        + "\"endTimeUnixNano\":\"1735689000000001000\",\"attributes\":["
        + "{\"key\":\"s\",\"value\":{\"stringValue\":\"x\"}},"
        + "{\"key\":\"b\",\"value\":{\"boolValue\":true}},"
        + "{\"key\":\"i\",\"value\":{\"intValue\":\"-9223372036854775808\"}},"
        + "{\"key\":\"i2\",\"value\":{\"intValue\":17}},"
        + "{\"key\":\"d\",\"value\":{\"doubleValue\":1.5}},"
        + "{\"key\":\"nan\",\"value\":{\"doubleValue\":\"NaN\"}},"
        + "{\"key\":\"y\",\"value\":{\"bytesValue\":\"AQID\"}},"
        + "{\"key\":\"a\",\"value\":{\"arrayValue\":{\"values\":[{\"stringValue\":\"p\"},{\"intValue\":\"2\"}]}}},"
        + "{\"key\":\"m\",\"value\":{\"kvlistValue\":{\"values\":[{\"key\":\"k\",\"value\":{\"boolValue\":false}}]}}},"
        + "{\"key\":\"empty\",\"value\":{}}]}";

    Span decoded = decode(envelope(SERVICE, span)).spans().get(0);

    assertThat(decoded.attributes()).containsExactly(
        Attribute.of("s", "x"),
        Attribute.of("b", true),
        Attribute.of("i", Long.MIN_VALUE),
        Attribute.of("i2", 17L),
        Attribute.of("d", 1.5),
        Attribute.of("nan", Double.NaN),
        new Attribute("y", new AttributeValue.BytesValue(new byte[] {1, 2, 3})),
        new Attribute("a", new AttributeValue.ArrayValue(List.of(
            new AttributeValue.StringValue("p"), new AttributeValue.LongValue(2)))),
        new Attribute("m", new AttributeValue.MapValue(List.of(Attribute.of("k", false)))),
        Attribute.of("empty", ""));
    assertThat(decoded.marks()).containsExactly(new Mark("non_finite_double", "nan=NaN"));
  }

  @Test
  void shouldAcceptSnakeCaseNamesAndEnumNames() throws Exception {
    String span = "{\"trace_id\":\"5b8efff798038103d269b633813fc60c\",\"span_id\":\"eee19b7ec3c1b174\","
        + "\"parent_span_id\":\"\",\"name\":\"op\",\"kind\":\"SPAN_KIND_PRODUCER\","
        + "\"start_time_unix_nano\":1735689000000000000,\"end_time_unix_nano\":1735689000000000500,"
        + "\"status\":{\"code\":\"STATUS_CODE_ERROR\",\"message\":\"failed\"}}";
    String json = "{\"resource_spans\":[{\"resource\":{\"attributes\":[" + SERVICE + "]},"
        + "\"scope_spans\":[{\"spans\":[" + span + "]}]}]}";

    Span decoded = decode(json).spans().get(0);

    assertThat(decoded.kind()).isEqualTo(SpanKind.PRODUCER);
    assertThat(decoded.isRoot()).isTrue();
    assertThat(decoded.statusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(decoded.statusMessage()).isEqualTo("failed");
    assertThat(decoded.endNanos()).isEqualTo(1735689000000000500L);
  }

  @Test
  void shouldDecodeEventsLinksThreadAndProcess() throws Exception {
    String resource = SERVICE + ",{\"key\":\"process.pid\",\"value\":{\"intValue\":\"321\"}},"
        + "{\"key\":\"service.instance.id\",\"value\":{\"stringValue\":\"svc-1\"}}";
    String span = "{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\","
        + "\"name\":\"op\",\"kind\":3,\"startTimeUnixNano\":\"1735689000000000000\","
        + "\"endTimeUnixNano\":\"1735689000000001000\","
        + "\"attributes\":[{\"key\":\"thread.id\",\"value\":{\"intValue\":\"12\"}},"
        + "{\"key\":\"thread.name\",\"value\":{\"stringValue\":\"main\"}}],"
        + "\"events\":[{\"timeUnixNano\":\"1735689000000000100\",\"name\":\"retry\","
        + "\"attributes\":[{\"key\":\"n\",\"value\":{\"intValue\":\"1\"}}]}],"
        + "\"links\":[{\"traceId\":\"0AF7651916CD43DD8448EB211C80319C\",\"spanId\":\"00F067AA0BA902B7\"}],"
        + "\"status\":{\"code\":1}}";

    Span decoded = decode(envelope(resource, span)).spans().get(0);

    assertThat(decoded.kind()).isEqualTo(SpanKind.CLIENT);
    assertThat(decoded.pid()).isEqualTo(321);
    assertThat(decoded.serviceInstance()).isEqualTo("svc-1");
    assertThat(decoded.tid()).isEqualTo(12);
    assertThat(decoded.threadName()).isEqualTo("main");
    assertThat(decoded.statusCode()).isEqualTo(StatusCode.OK);
    assertThat(decoded.events()).containsExactly(new SpanEvent(1735689000000000100L, "retry",
        List.of(Attribute.of("n", 1L))));
    assertThat(decoded.links()).containsExactly(
        new SpanLink("0af7651916cd43dd8448eb211c80319c", "00f067aa0ba902b7", List.of()));
  }

  @Test
  void shouldDeadLetterOnlyTheSpanWithAWrongTypedField() throws Exception {
    String good = "{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\","
        + "\"startTimeUnixNano\":\"1735689000000000000\",\"endTimeUnixNano\":\"1735689000000000000\"}";
    String bad = "{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"1111111111111111\","
        + "\"startTimeUnixNano\":\"yesterday\"}";

    DecodedBatch batch = decode(envelope(SERVICE, good + "," + bad));

    assertThat(batch.spans()).extracting(Span::spanId).containsExactly("eee19b7ec3c1b174");
    assertThat(batch.invalid()).singleElement().satisfies(inv -> {
      assertThat(inv.reason()).isEqualTo("invalid_field:startTimeUnixNano");
      assertThat(inv.span().spanId()).isEqualTo("1111111111111111");
    });
  }

  @Test
  void shouldResolveTheResourceEvenWhenItFollowsTheSpans() throws Exception {
    String json = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":"
        + "\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\"}]}],"
        + "\"resource\":{\"attributes\":[" + SERVICE + "]}}]}";

    assertThat(decode(json).spans()).extracting(Span::serviceName).containsExactly("svc");
  }

  @Test
  void shouldKeyByAResourceAttribute() throws Exception {
    String span = "{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\"}";
    DecodedBatch batch = decode(envelope(SERVICE, span),
        TestSettings.fixedClock().withKeyRule(TraceKeyRule.attribute("service.name")));

    assertThat(batch.spans()).extracting(Span::traceKey).containsExactly("svc");
  }

  @Test
  void shouldDecodeTheSameSpansAsTheProtobufDecoderForTheSameRequest() throws Exception {
    List<Span> spans = io.traceroll.span.TestSpans.request(60, 11);

    DecodedBatch fromJson = new OtlpJsonSpanDecoder(TestSettings.fixedClock())
        .decode(OtlpEncoder.toJson(spans), new RecordHeaders());
    DecodedBatch fromProto = new OtlpProtoSpanDecoder(TestSettings.fixedClock())
        .decode(OtlpEncoder.toProto(spans), new RecordHeaders());

    assertThat(fromJson.spans()).hasSize(60);
    assertThat(fromJson).isEqualTo(fromProto);
  }

  @Test
  void shouldRejectBrokenJsonAsAWhole() {
    assertThatThrownBy(() -> decode("{\"resourceSpans\":[{\"scopeSpans\":"))
        .isInstanceOfSatisfying(SpanDecodeException.class,
            e -> assertThat(e.reason()).isEqualTo("malformed_json"));
    assertThatThrownBy(() -> decode("{} trailing"))
        .isInstanceOfSatisfying(SpanDecodeException.class,
            e -> assertThat(e.reason()).isEqualTo("malformed_json"));
  }

  @Test
  void shouldRejectADocumentThatIsNotAnObject() {
    assertThatThrownBy(() -> decode("[]"))
        .isInstanceOfSatisfying(SpanDecodeException.class,
            e -> assertThat(e.reason()).isEqualTo("malformed_otlp_json"));
  }

  @Test
  void shouldRejectAWrongTypedResourceBecauseItConcernsEverySpan() {
    assertThatThrownBy(() -> decode("{\"resourceSpans\":[{\"resource\":{\"attributes\":5}}]}"))
        .isInstanceOfSatisfying(SpanDecodeException.class,
            e -> assertThat(e.reason()).isEqualTo("malformed_otlp_json"));
  }

  @Test
  void shouldRejectDeepNestingWithoutOverflowingTheStack() {
    String deep = "{\"resourceSpans\":" + "[".repeat(100_000);

    assertThatThrownBy(() -> decode(deep))
        .isInstanceOfSatisfying(SpanDecodeException.class,
            e -> assertThat(e.reason()).isEqualTo("malformed_json"));
  }
}
