package io.traceroll.serdes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.traceroll.span.Attribute;
import io.traceroll.span.AttributeValue;
import io.traceroll.span.Span;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class TraceKeyRuleTest {
  private static final Span SPAN = Span.builder()
      .traceId("5b8efff798038103d269b633813fc60c").spanId("eee19b7ec3c1b174").name("op")
      .attributes(List.of(Attribute.of("order.id", "o-span"), Attribute.of("retry", 3L)))
      .resourceAttributes(List.of(Attribute.of("order.id", "o-resource"),
          Attribute.of("tenant", "acme")))
      .build();

  @Test
  void shouldUseTheTraceIdByDefault() {
    assertThat(DecoderSettings.defaults().keyRule().candidateKey(SPAN, new RecordHeaders()))
        .isEqualTo("5b8efff798038103d269b633813fc60c");
  }

  @Test
  void shouldPreferTheSpanAttributeOverTheResourceAttribute() {
    assertThat(TraceKeyRule.attribute("order.id").candidateKey(SPAN, new RecordHeaders()))
        .isEqualTo("o-span");
  }

  @Test
  void shouldFallBackToTheResourceAttribute() {
    assertThat(TraceKeyRule.attribute("tenant").candidateKey(SPAN, new RecordHeaders()))
        .isEqualTo("acme");
  }

  @Test
  void shouldRenderANumericAttributeAsDecimalText() {
    assertThat(TraceKeyRule.attribute("retry").candidateKey(SPAN, new RecordHeaders()))
        .isEqualTo("3");
  }

  @Test
  void shouldReturnNullWhenTheAttributeIsAbsentOrNotAScalar() {
    Span withList = Span.builder().traceId("a".repeat(32)).spanId("b".repeat(16))
        .attributes(List.of(new Attribute("k", new AttributeValue.ArrayValue(List.of())))).build();
    assertThat(TraceKeyRule.attribute("missing").candidateKey(SPAN, new RecordHeaders())).isNull();
    assertThat(TraceKeyRule.attribute("k").candidateKey(withList, new RecordHeaders())).isNull();
  }

  @Test
  void shouldReadTheLastHeaderOfThatName() {
    RecordHeaders headers = new RecordHeaders();
    headers.add("x-request-id", "first".getBytes(StandardCharsets.UTF_8));
    headers.add("x-request-id", "req-42".getBytes(StandardCharsets.UTF_8));
    assertThat(TraceKeyRule.header("x-request-id").candidateKey(SPAN, headers)).isEqualTo("req-42");
  }

  @Test
  void shouldReturnNullWhenTheHeaderIsAbsentOrEmpty() {
    RecordHeaders headers = new RecordHeaders();
    headers.add("empty", new byte[0]);
    assertThat(TraceKeyRule.header("x-request-id").candidateKey(SPAN, headers)).isNull();
    assertThat(TraceKeyRule.header("empty").candidateKey(SPAN, headers)).isNull();
  }

  @Test
  void shouldParseEveryConfigForm() {
    assertThat(TraceKeyRule.parse("trace_id")).isEqualTo(TraceKeyRule.traceId());
    assertThat(TraceKeyRule.parse("Attribute:order.id"))
        .isEqualTo(TraceKeyRule.attribute("order.id"));
    assertThat(TraceKeyRule.parse("header:X-Request-Id"))
        .isEqualTo(TraceKeyRule.header("X-Request-Id"));
    assertThat(TraceKeyRule.parse(TraceKeyRule.header("h").configValue()))
        .isEqualTo(TraceKeyRule.header("h"));
  }

  @Test
  void shouldRejectAnUnknownConfigForm() {
    assertThatThrownBy(() -> TraceKeyRule.parse("attribute:"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TraceKeyRule.parse("span_id"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
