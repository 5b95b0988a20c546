package io.traceroll.serdes;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.span.Attribute;
import io.traceroll.span.AttributeValue;
import io.traceroll.span.Mark;
import io.traceroll.span.Span;
import io.traceroll.span.SpanEvent;
import io.traceroll.span.SpanLink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class SpanSanitizerTest {
  private static final long T0 = TestSettings.NOW.minusSeconds(60).toEpochMilli() * 1_000_000L;

  private final SpanSanitizer sanitizer = new SpanSanitizer(TestSettings.fixedClock());

  private static Span.Builder valid() {
    return Span.builder()
        .traceId("5B8EFFF798038103D269B633813FC60C")
        .spanId("EEE19B7EC3C1B174")
        .name("op")
        .startNanos(T0)
        .endNanos(T0 + 1_000_000);
  }

  private Span kept(Span raw) {
    SpanSanitizer.Outcome outcome = sanitizer.sanitize(raw, new RecordHeaders());
    assertThat(outcome).isInstanceOf(SpanSanitizer.Kept.class);
    return ((SpanSanitizer.Kept) outcome).span();
  }

  private String invalidReason(Span raw) {
    SpanSanitizer.Outcome outcome = sanitizer.sanitize(raw, new RecordHeaders());
    assertThat(outcome).isInstanceOf(SpanSanitizer.Invalid.class);
    return ((SpanSanitizer.Invalid) outcome).invalid().reason();
  }

  private static List<String> codes(Span span) {
    return span.marks().stream().map(Mark::code).toList();
  }

  @Test
  void shouldNormaliseIdsAndSetTheTraceIdAsKeyForACleanSpan() {
    Span span = kept(valid().parentSpanId("EEE19B7EC3C1B173").build());
    assertThat(span.traceId()).isEqualTo("5b8efff798038103d269b633813fc60c");
    assertThat(span.spanId()).isEqualTo("eee19b7ec3c1b174");
    assertThat(span.parentSpanId()).isEqualTo("eee19b7ec3c1b173");
    assertThat(span.traceKey()).isEqualTo("5b8efff798038103d269b633813fc60c");
    assertThat(span.marks()).isEmpty();
  }

  @Test
  void shouldRejectMissingMalformedAndAllZeroTraceIds() {
    assertThat(invalidReason(valid().traceId("").build())).isEqualTo("missing_trace_id");
    assertThat(invalidReason(valid().traceId("xyz").build())).isEqualTo("malformed_trace_id");
    assertThat(invalidReason(valid().traceId("0".repeat(32)).build()))
        .isEqualTo("all_zero_trace_id");
  }

  @Test
  void shouldRejectMissingMalformedAndAllZeroSpanIds() {
    assertThat(invalidReason(valid().spanId("").build())).isEqualTo("missing_span_id");
    assertThat(invalidReason(valid().spanId("abc").build())).isEqualTo("malformed_span_id");
    assertThat(invalidReason(valid().spanId("0".repeat(16)).build()))
        .isEqualTo("all_zero_span_id");
  }

  @Test
  void shouldKeepTheRawSpanInTheDeadLetterSoTheReasonCanBeTraced() {
    Span raw = valid().traceId("zz").name("checkout").build();
    SpanSanitizer.Outcome outcome = sanitizer.sanitize(raw, new RecordHeaders());
    assertThat(((SpanSanitizer.Invalid) outcome).invalid().span()).isEqualTo(raw);
  }

  @Test
  void shouldTreatAnAllZeroParentAsRootWithoutMark() {
    Span span = kept(valid().parentSpanId("0000000000000000").build());
    assertThat(span.isRoot()).isTrue();
    assertThat(span.marks()).isEmpty();
  }

  @Test
  void shouldTreatAMalformedParentAsRootAndMarkIt() {
    Span span = kept(valid().parentSpanId("not-a-span-id").build());
    assertThat(span.isRoot()).isTrue();
    assertThat(span.marks()).containsExactly(new Mark("malformed_parent_id", "not-a-span-id"));
  }

  @Test
  void shouldMarkEndBeforeStartButKeepTheTimes() {
    Span span = kept(valid().startNanos(T0 + 5).endNanos(T0).build());
    assertThat(codes(span)).containsExactly("end_before_start");
    assertThat(span.startNanos()).isEqualTo(T0 + 5);
    assertThat(span.endNanos()).isEqualTo(T0);
  }

  @Test
  void shouldMarkTimestampsBefore2000() {
    Span span = kept(valid().startNanos(1_000).endNanos(2_000).build());
    assertThat(codes(span)).containsExactly("timestamp_before_2000");
  }

  @Test
  void shouldMarkTimestampsBeyondTheFutureTolerance() {
    long twoHoursAhead = TestSettings.NOW.plus(Duration.ofHours(2)).toEpochMilli() * 1_000_000L;
    Span span = kept(valid().startNanos(twoHoursAhead).endNanos(twoHoursAhead).build());
    assertThat(codes(span)).containsExactly("timestamp_in_future");
  }

  @Test
  void shouldNotMarkTimestampsWithinTheFutureTolerance() {
    long tenMinutesAhead = TestSettings.NOW.plusSeconds(600).toEpochMilli() * 1_000_000L;
    Span span = kept(valid().startNanos(tenMinutesAhead).endNanos(tenMinutesAhead).build());
    assertThat(span.marks()).isEmpty();
  }

  @Test
  void shouldMarkNonFiniteDoublesAndKeepTheirValue() {
    Span span = kept(valid().attributes(List.of(Attribute.of("ratio", Double.NaN))).build());
    assertThat(span.marks()).containsExactly(new Mark("non_finite_double", "ratio=NaN"));
    assertThat(span.attributes()).containsExactly(Attribute.of("ratio", Double.NaN));
  }

  @Test
  void shouldTruncateLongStringsToTheByteLimitAndRecordTheOriginalLength() {
    SpanSanitizer small = new SpanSanitizer(TestSettings.fixedClock().withMaxAttributeValueBytes(10));
    Span raw = valid().attributes(List.of(Attribute.of("sql", "é".repeat(8)))).build();
    Span span = ((SpanSanitizer.Kept) small.sanitize(raw, new RecordHeaders())).span();
    // 'é' is two UTF-8 bytes: five of them fill the ten bytes, a sixth would split nothing but exceed
    assertThat(span.attributes()).containsExactly(Attribute.of("sql", "é".repeat(5)));
    assertThat(span.marks()).containsExactly(new Mark("attribute_truncated", "sql original_length=16"));
  }

  @Test
  void shouldNeverSplitASurrogatePairWhenTruncating() {
    String emoji = "\uD83D\uDE00"; // 4 UTF-8 bytes
    assertThat(SpanSanitizer.truncateUtf8("a" + emoji, 4)).isEqualTo("a");
    assertThat(SpanSanitizer.truncateUtf8("a" + emoji, 5)).isEqualTo("a" + emoji);
  }

  @Test
  void shouldTruncateBytesValuesAndStringsNestedInArraysAndMaps() {
    SpanSanitizer small = new SpanSanitizer(TestSettings.fixedClock().withMaxAttributeValueBytes(4));
    AttributeValue nested = new AttributeValue.MapValue(List.of(
        new Attribute("list", new AttributeValue.ArrayValue(
            List.of(new AttributeValue.StringValue("abcdef"))))));
    Span raw = valid().attributes(List.of(
        new Attribute("blob", new AttributeValue.BytesValue(new byte[] {1, 2, 3, 4, 5, 6})),
        new Attribute("m", nested))).build();
    Span span = ((SpanSanitizer.Kept) small.sanitize(raw, new RecordHeaders())).span();
    assertThat(span.attributes()).containsExactly(
        new Attribute("blob", new AttributeValue.BytesValue(new byte[] {1, 2, 3, 4})),
        new Attribute("m", new AttributeValue.MapValue(List.of(new Attribute("list",
            new AttributeValue.ArrayValue(List.of(new AttributeValue.StringValue("abcd"))))))));
    assertThat(span.marks()).containsExactly(
        new Mark("attribute_truncated", "blob original_length=6"),
        new Mark("attribute_truncated", "m.list original_length=6"));
  }

  @Test
  void shouldDropAttributesBeyondTheLimitWithAMarkSayingHowMany() {
    SpanSanitizer two = new SpanSanitizer(TestSettings.fixedClock().withMaxAttributesPerSpan(2));
    List<Attribute> five = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      five.add(Attribute.of("k" + i, (long) i));
    }
    Span span = ((SpanSanitizer.Kept) two.sanitize(valid().attributes(five).build(),
        new RecordHeaders())).span();
    assertThat(span.attributes()).containsExactly(Attribute.of("k0", 0L), Attribute.of("k1", 1L));
    assertThat(span.marks()).containsExactly(new Mark("too_many_attributes", "dropped=3 kept=2"));
  }

  @Test
  void shouldSanitiseEventAndResourceAttributesToo() {
    Span span = kept(valid()
        .events(List.of(new SpanEvent(T0, "e", List.of(Attribute.of("x", Double.NEGATIVE_INFINITY)))))
        .resourceAttributes(List.of(Attribute.of("y", Double.POSITIVE_INFINITY)))
        .build());
    assertThat(span.marks()).extracting(Mark::detail)
        .containsExactlyInAnyOrder("x=-Infinity", "y=Infinity");
  }

  @Test
  void shouldNormaliseLinksAndDropInvalidOnesWithAMark() {
    Span span = kept(valid().links(List.of(
        new SpanLink("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "BBBBBBBBBBBBBBBB", List.of()),
        new SpanLink("", "BBBBBBBBBBBBBBBB", List.of()))).build());
    assertThat(span.links()).containsExactly(
        new SpanLink("a".repeat(32), "b".repeat(16), List.of()));
    assertThat(span.marks()).containsExactly(
        new Mark("invalid_link", "trace_id= span_id=BBBBBBBBBBBBBBBB"));
  }

  @Test
  void shouldKeepMarksTheDecoderAlreadyAdded() {
    Mark decoderMark = new Mark("missing_service_name", "x");
    Span span = kept(valid().marks(List.of(decoderMark)).startNanos(T0 + 1).endNanos(T0).build());
    assertThat(span.marks()).containsExactly(decoderMark,
        new Mark("end_before_start", "start=" + (T0 + 1) + " end=" + T0));
  }

  @Test
  void shouldReuseTheAttributeListWhenNothingChanges() {
    List<Attribute> attributes = List.of(Attribute.of("a", "b"));
    assertThat(kept(valid().attributes(attributes).build()).attributes()).isSameAs(attributes);
  }

  @Test
  void shouldTakeTheRequestKeyFromTheUntruncatedAttributeSoLongKeysStayDistinct() {
    SpanSanitizer byRequestId = new SpanSanitizer(
        TestSettings.fixedClock().withKeyRule(TraceKeyRule.attribute("request.id")));
    String longKey = "k".repeat(10_239) + "a";
    Span raw = valid().attributes(List.of(Attribute.of("request.id", longKey))).build();

    SpanSanitizer.Outcome outcome = byRequestId.sanitize(raw, new RecordHeaders());

    Span kept = ((SpanSanitizer.Kept) outcome).span();
    assertThat(kept.traceKey()).isEqualTo(longKey);
    assertThat(codes(kept)).contains("attribute_truncated"); // the shown value is still bounded
  }
}
