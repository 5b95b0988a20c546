package io.traceroll.serdes.zipkin;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.serdes.DecodedBatch;
import io.traceroll.serdes.DecoderSettings;
import io.traceroll.serdes.SpanFormat;
import io.traceroll.span.Attribute;
import io.traceroll.span.AttributeValue;
import io.traceroll.span.Span;
import io.traceroll.span.SpanEvent;
import io.traceroll.span.SpanKind;
import io.traceroll.span.StatusCode;
import io.traceroll.span.TestSpans;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class ZipkinJsonEncoderTest {

  static final long T0 = 1_767_225_600_000_000_000L;

  static Span.Builder base() {
    return Span.builder().traceId("0af7651916cd43dd8448eb211c80319c").spanId("b7ad6b7169203331")
        .serviceName("orders").name("get /orders").kind(SpanKind.SERVER)
        .startNanos(T0 + 1_234_567).endNanos(T0 + 3_234_567);
  }

  static String json(Span... spans) {
    return new String(ZipkinJsonEncoder.toJson(List.of(spans)), StandardCharsets.UTF_8);
  }

  @Test
  void shouldWriteMicrosecondTimestampAndDuration() {
    assertThat(json(base().build())).isEqualTo("[{\"traceId\":\"0af7651916cd43dd8448eb211c80319c\","
        + "\"id\":\"b7ad6b7169203331\",\"kind\":\"SERVER\",\"name\":\"get /orders\","
        + "\"timestamp\":" + (T0 / 1000 + 1234) + ",\"duration\":2000,"
        + "\"localEndpoint\":{\"serviceName\":\"orders\"}}]");
  }

  @Test
  void shouldRoundSubMicrosecondDurationsUpToOne() {
    assertThat(json(base().endNanos(T0 + 1_234_900).build())).contains("\"duration\":1,");
  }

  @Test
  void shouldOmitDurationAndKindWhereZipkinHasNone() {
    String json = json(base().kind(SpanKind.INTERNAL).endNanos(T0 + 1_234_567).build());

    assertThat(json).doesNotContain("duration").doesNotContain("kind");
  }

  @Test
  void shouldWriteEveryAttributeTypeAsAStringTag() {
    Span s = base().attributes(List.of(
        Attribute.of("http.response.status_code", 503L), Attribute.of("ratio", 0.25),
        Attribute.of("cached", false),
        new Attribute("flags", new AttributeValue.ArrayValue(List.of(
            new AttributeValue.StringValue("a"), new AttributeValue.LongValue(2)))),
        new Attribute("m", new AttributeValue.MapValue(List.of(Attribute.of("k", "v")))),
        new Attribute("raw", new AttributeValue.BytesValue(new byte[] {0, -1, 7})))).build();

    assertThat(json(s)).contains("\"tags\":{\"http.response.status_code\":\"503\","
        + "\"ratio\":\"0.25\",\"cached\":\"false\",\"flags\":\"[\\\"a\\\",2]\","
        + "\"m\":\"{\\\"k\\\":\\\"v\\\"}\",\"raw\":\"AP8H\"}");
  }

  @Test
  void shouldCarryResourceProcessAndThreadAsTagsWithSpanAttributesWinning() {
    Span s = base().serviceInstance("orders-1").pid(42).tid(7).threadName("worker-7")
        .resourceAttributes(List.of(Attribute.of("service.name", "orders"),
            Attribute.of("host.name", "node-1"), Attribute.of("env", "prod")))
        .attributes(List.of(Attribute.of("env", "canary"))).build();

    assertThat(json(s)).contains("\"tags\":{\"host.name\":\"node-1\",\"env\":\"canary\","
        + "\"service.instance.id\":\"orders-1\",\"process.pid\":\"42\",\"thread.id\":\"7\","
        + "\"thread.name\":\"worker-7\"}");
  }

  @Test
  void shouldTurnEventsIntoAnnotationsKeepingTheirAttributes() {
    Span s = base().events(List.of(
        new SpanEvent(T0 + 2_000_000, "cache.miss", List.of()),
        new SpanEvent(T0 + 2_500_000, "exception", List.of(
            Attribute.of("exception.type", "java.io.IOException"),
            Attribute.of("exception.stacktrace", "java.io.IOException: x\n\tat A.b(A.java:1)")))))
        .build();

    assertThat(json(s)).contains("\"annotations\":[{\"timestamp\":" + (T0 / 1000 + 2000)
        + ",\"value\":\"cache.miss\"},{\"timestamp\":" + (T0 / 1000 + 2500)
        + ",\"value\":\"exception:{\\\"exception.type\\\":\\\"java.io.IOException\\\","
        + "\\\"exception.stacktrace\\\":\\\"java.io.IOException: x\\\\n\\\\tat A.b(A.java:1)\\\"}\"}]");
  }

  @Test
  void shouldMarkErrorStatusWithTheErrorTag() {
    String withMessage = json(base().statusCode(StatusCode.ERROR).statusMessage("timeout").build());
    String without = json(base().statusCode(StatusCode.ERROR).build());
    String ok = json(base().statusCode(StatusCode.OK).build());

    assertThat(withMessage).contains("\"otel.status_code\":\"ERROR\",\"error\":\"timeout\"");
    assertThat(without).contains("\"error\":\"\"");
    assertThat(ok).contains("\"otel.status_code\":\"OK\"").doesNotContain("\"error\"");
  }

  @Test
  void shouldWriteParentIdOnlyForChildSpans() {
    assertThat(json(base().parentSpanId("00f067aa0ba902b7").build()))
        .contains("\"parentId\":\"00f067aa0ba902b7\"");
    assertThat(json(base().build())).doesNotContain("parentId");
  }

  @Test
  void shouldWriteAnEmptyArrayForNoSpans() {
    assertThat(json()).isEqualTo("[]");
  }

  @Test
  void shouldRoundTripThroughTheDecoderModuloZipkinsLosses() throws Exception {
    List<Span> spans = new ArrayList<>(TestSpans.request(300, 21));
    spans.add(base().serviceInstance("orders-1").pid(42).tid(7).threadName("w-7")
        .kind(SpanKind.UNSPECIFIED).endNanos(T0 + 1_234_567).statusCode(StatusCode.ERROR)
        .build());

    DecodedBatch decoded = SpanFormat.ZIPKIN_JSON.decoder(DecoderSettings.defaults())
        .decode(ZipkinJsonEncoder.toJson(spans), new RecordHeaders());

    assertThat(decoded.invalid()).isEmpty();
    assertThat(byId(decoded.spans()))
        .isEqualTo(byId(spans.stream().map(ZipkinJsonEncoderTest::asDecodedFromZipkin).toList()));
  }

  /**
   * The documented losses: µs times, string tags (resource, instance, pid and thread among them),
   * events as annotation text, no links, no resource beyond the service, INTERNAL for kinds Zipkin
   * lacks; the default key rule sets the trace key. Marks are the decoder's business.
   */
  static Span asDecodedFromZipkin(Span s) {
    Map<String, String> tags = new LinkedHashMap<>();
    s.resourceAttributes().stream().filter(a -> !a.key().equals("service.name"))
        .forEach(a -> tags.put(a.key(), ZipkinJsonEncoder.tagText(a.value())));
    if (s.serviceInstance() != null) {
      tags.put("service.instance.id", s.serviceInstance());
    }
    if (s.pid() != 0) {
      tags.put("process.pid", Integer.toString(s.pid()));
    }
    if (s.tid() != 0) {
      tags.put("thread.id", Long.toString(s.tid()));
    }
    if (s.threadName() != null) {
      tags.put("thread.name", s.threadName());
    }
    s.attributes().forEach(a -> tags.put(a.key(), ZipkinJsonEncoder.tagText(a.value())));
    if (s.statusCode() != StatusCode.UNSET) {
      tags.put("otel.status_code", s.statusCode().name());
    }
    if (s.statusCode() == StatusCode.ERROR) {
      tags.put("error", s.statusMessage() == null ? "" : s.statusMessage());
    }
    List<Attribute> attributes = new ArrayList<>();
    tags.forEach((k, v) -> attributes.add(Attribute.of(k, v)));
    List<SpanEvent> events = s.events().stream()
        .map(e -> new SpanEvent(e.timeNanos() / 1000 * 1000, annotationText(e), List.of()))
        .toList();
    long start = s.startNanos() / 1000 * 1000;
    long end = s.endNanos() > s.startNanos()
        ? start + Math.max(1, (s.endNanos() - s.startNanos()) / 1000) * 1000 : start;
    SpanKind kind = switch (s.kind()) {
      case UNSPECIFIED, INTERNAL -> SpanKind.INTERNAL;
      default -> s.kind();
    };
    String message = s.statusCode() == StatusCode.ERROR && s.statusMessage() != null
        && !s.statusMessage().isEmpty() ? s.statusMessage() : null;
    return new Span(s.traceId(), s.spanId(), s.parentSpanId(), s.traceId(), s.serviceName(),
        null, 0, 0, null, s.name(), kind, start, end,
        s.statusCode() == StatusCode.ERROR ? StatusCode.ERROR : StatusCode.UNSET, message,
        attributes, events, List.of(), List.of(Attribute.of("service.name", s.serviceName())),
        List.of());
  }

  private static String annotationText(SpanEvent e) {
    if (e.attributes().isEmpty()) {
      return e.name();
    }
    StringBuilder sb = new StringBuilder(e.name()).append(":{");
    for (int i = 0; i < e.attributes().size(); i++) {
      Attribute a = e.attributes().get(i);
      sb.append(i == 0 ? "" : ",").append(jsonString(a.key())).append(':');
      String v = ZipkinJsonEncoder.tagText(a.value());
      boolean quoted = a.value() instanceof AttributeValue.StringValue
          || a.value() instanceof AttributeValue.BytesValue;
      sb.append(quoted ? jsonString(v) : v);
    }
    return sb.append('}').toString();
  }

  private static String jsonString(String v) {
    return '"' + v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")
        .replace("\t", "\\t") + '"';
  }

  private static Map<String, Span> byId(List<Span> spans) {
    Map<String, Span> map = new TreeMap<>();
    spans.forEach(s -> map.put(s.spanId(), new Span(s.traceId(), s.spanId(), s.parentSpanId(),
        s.traceKey(), s.serviceName(), s.serviceInstance(), s.pid(), s.tid(), s.threadName(),
        s.name(), s.kind(), s.startNanos(), s.endNanos(), s.statusCode(), s.statusMessage(),
        s.attributes(), s.events(), s.links(), s.resourceAttributes(), List.of())));
    return map;
  }
}
