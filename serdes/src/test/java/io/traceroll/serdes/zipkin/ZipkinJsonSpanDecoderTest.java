package io.traceroll.serdes.zipkin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.traceroll.serdes.DecodedBatch;
import io.traceroll.serdes.DecoderSettings;
import io.traceroll.serdes.SpanDecodeException;
import io.traceroll.serdes.TestSettings;
import io.traceroll.serdes.TraceKeyRule;
import io.traceroll.span.Attribute;
import io.traceroll.span.Mark;
import io.traceroll.span.Span;
import io.traceroll.span.SpanEvent;
import io.traceroll.span.SpanKind;
import io.traceroll.span.StatusCode;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class ZipkinJsonSpanDecoderTest {
  private static final String IDS =
      "\"traceId\":\"5af7183fb1d4cf5f\",\"id\":\"352bff9a74ca9ad2\"";

  private static DecodedBatch decode(String json) throws SpanDecodeException {
    return decode(json, TestSettings.fixedClock());
  }

  private static DecodedBatch decode(String json, DecoderSettings settings)
      throws SpanDecodeException {
    return new ZipkinJsonSpanDecoder(settings)
        .decode(json.getBytes(StandardCharsets.UTF_8), new RecordHeaders());
  }

  @Test
  void shouldDecodeTheZipkinApiExample() throws Exception {
    byte[] json;
    try (InputStream in = getClass().getResourceAsStream("/zipkin/api-example.json")) {
      json = in.readAllBytes();
    }

    DecodedBatch batch = new ZipkinJsonSpanDecoder(TestSettings.fixedClock())
        .decode(json, new RecordHeaders());

    assertThat(batch.invalid()).isEmpty();
    assertThat(batch.spans()).containsExactly(Span.builder()
        .traceId("5af7183fb1d4cf5f").spanId("352bff9a74ca9ad2").parentSpanId("6b221d5bc9e6496c")
        .traceKey("5af7183fb1d4cf5f")
        .serviceName("backend").serviceInstance("192.168.99.1:3306")
        .name("get /api").kind(SpanKind.SERVER)
        .startNanos(1556604172355737_000L).endNanos((1556604172355737L + 1431) * 1000)
        .attributes(List.of(
            Attribute.of("http.method", "GET"),
            Attribute.of("http.path", "/api"),
            Attribute.of("net.peer.ip", "172.19.0.2"),
            Attribute.of("net.peer.port", 58648L)))
        .resourceAttributes(List.of(
            Attribute.of("service.name", "backend"),
            Attribute.of("net.host.ip", "192.168.99.1"),
            Attribute.of("net.host.port", 3306L)))
        .build());
  }

  @Test
  void shouldAcceptASingleSpanObject() throws Exception {
    DecodedBatch batch = decode("{" + IDS + ",\"timestamp\":1556604172355737,\"duration\":1}");

    assertThat(batch.spans()).extracting(Span::spanId).containsExactly("352bff9a74ca9ad2");
  }

  @Test
  void shouldTurnTheErrorTagIntoErrorStatusWithItsMessage() throws Exception {
    Span span = decode("[{" + IDS + ",\"timestamp\":1556604172355737,\"duration\":5,"
        + "\"tags\":{\"error\":\"connection refused\"}}]").spans().get(0);

    assertThat(span.statusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.statusMessage()).isEqualTo("connection refused");
    assertThat(span.attributes()).contains(Attribute.of("error", "connection refused"));
  }

  @Test
  void shouldMapAnnotationsRemoteServiceIpv6AndFlags() throws Exception {
    Span span = decode("[{" + IDS + ",\"kind\":\"CLIENT\",\"timestamp\":1556604172355737,"
        + "\"duration\":100,\"debug\":true,\"shared\":true,"
        + "\"localEndpoint\":{\"serviceName\":\"frontend\",\"ipv6\":\"2001:db8::c001\",\"port\":8080},"
        + "\"remoteEndpoint\":{\"serviceName\":\"backend\",\"ipv4\":\"10.0.0.2\",\"ipv6\":\"::1\"},"
        + "\"annotations\":[{\"timestamp\":1556604172355800,\"value\":\"ws\"}]}]").spans().get(0);

    assertThat(span.kind()).isEqualTo(SpanKind.CLIENT);
    assertThat(span.serviceInstance()).isEqualTo("[2001:db8::c001]:8080");
    assertThat(span.events()).containsExactly(new SpanEvent(1556604172355800_000L, "ws", List.of()));
    assertThat(span.attributes()).containsExactly(
        Attribute.of("peer.service", "backend"),
        Attribute.of("net.peer.ip", "10.0.0.2"),
        Attribute.of("net.peer.ipv6", "::1"),
        Attribute.of("zipkin.debug", true),
        Attribute.of("zipkin.shared", true));
  }

  @Test
  void shouldTreatASpanWithoutKindAsInternalAndMarkAnUnknownKind() throws Exception {
    DecodedBatch batch = decode("[{" + IDS + ",\"timestamp\":1556604172355737,\"duration\":1},"
        + "{\"traceId\":\"5af7183fb1d4cf5f\",\"id\":\"1111111111111111\",\"kind\":\"PEER\","
        + "\"timestamp\":1556604172355737,\"duration\":1}]");

    assertThat(batch.spans()).extracting(Span::kind)
        .containsExactly(SpanKind.INTERNAL, SpanKind.UNSPECIFIED);
    assertThat(batch.spans().get(1).marks()).contains(new Mark("unknown_span_kind", "PEER"));
  }

  @Test
  void shouldMarkAMissingServiceNameAndAMissingDuration() throws Exception {
    Span span = decode("[{" + IDS + ",\"timestamp\":1556604172355737}]").spans().get(0);

    assertThat(span.serviceName()).isEqualTo("unknown_service");
    assertThat(span.endNanos()).isEqualTo(span.startNanos());
    assertThat(span.marks()).extracting(Mark::code)
        .containsExactly("missing_duration", "missing_service_name");
  }

  @Test
  void shouldDeadLetterOnlyTheInvalidSpansOfAList() throws Exception {
    DecodedBatch batch = decode("[{" + IDS + ",\"timestamp\":1556604172355737,\"duration\":1},"
        + "{\"traceId\":\"0000000000000000\",\"id\":\"1111111111111111\"},"
        + "{\"traceId\":\"5af7183fb1d4cf5f\",\"id\":\"2222222222222222\",\"timestamp\":\"soon\"},"
        + "42]");

    assertThat(batch.spans()).extracting(Span::spanId).containsExactly("352bff9a74ca9ad2");
    assertThat(batch.invalid()).extracting(DecodedBatch.InvalidSpan::reason)
        .containsExactly("all_zero_trace_id", "invalid_field:timestamp", "not_a_span_object");
  }

  @Test
  void shouldKeepNumericTagsAsText() throws Exception {
    Span span = decode("[{" + IDS + ",\"timestamp\":1556604172355737,\"duration\":1,"
        + "\"tags\":{\"http.status_code\":200,\"cached\":false}}]").spans().get(0);

    assertThat(span.attributes()).containsExactly(
        Attribute.of("http.status_code", "200"), Attribute.of("cached", "false"));
  }

  @Test
  void shouldKeyByATagOrAHeader() throws Exception {
    String json = "[{" + IDS + ",\"timestamp\":1556604172355737,\"duration\":1,"
        + "\"tags\":{\"request.id\":\"r-1\"}}]";
    RecordHeaders headers = new RecordHeaders();
    headers.add("request-id", "r-2".getBytes(StandardCharsets.UTF_8));

    assertThat(decode(json, TestSettings.fixedClock()
        .withKeyRule(TraceKeyRule.attribute("request.id"))).spans().get(0).traceKey())
        .isEqualTo("r-1");
    assertThat(new ZipkinJsonSpanDecoder(TestSettings.fixedClock()
        .withKeyRule(TraceKeyRule.header("request-id")))
        .decode(json.getBytes(StandardCharsets.UTF_8), headers).spans().get(0).traceKey())
        .isEqualTo("r-2");
  }

  @Test
  void shouldRejectBrokenJsonAndNonSpanDocuments() {
    assertThatThrownBy(() -> decode("[{" + IDS))
        .isInstanceOfSatisfying(SpanDecodeException.class,
            e -> assertThat(e.reason()).isEqualTo("malformed_json"));
    assertThatThrownBy(() -> decode("\"span\""))
        .isInstanceOfSatisfying(SpanDecodeException.class,
            e -> assertThat(e.reason()).isEqualTo("malformed_zipkin_json"));
  }

  @Test
  void shouldRejectDeepNestingWithoutOverflowingTheStack() {
    assertThatThrownBy(() -> decode("[".repeat(100_000)))
        .isInstanceOfSatisfying(SpanDecodeException.class,
            e -> assertThat(e.reason()).isEqualTo("malformed_json"));
  }
}
