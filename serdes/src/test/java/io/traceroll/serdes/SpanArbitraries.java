package io.traceroll.serdes;

import io.traceroll.span.Attribute;
import io.traceroll.span.AttributeValue;
import io.traceroll.span.Mark;
import io.traceroll.span.Span;
import io.traceroll.span.SpanEvent;
import io.traceroll.span.SpanKind;
import io.traceroll.span.SpanLink;
import io.traceroll.span.StatusCode;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik generators for the span model, shared with other modules through serdes' test-jar.
 *
 * <p>{@link #spans()} is anything the model can hold (what a store serde must round-trip):
 * empty and absent strings, non-BMP text, NaN and infinities, negative numbers, end before start,
 * odd ids, deep attribute values. {@link #cleanSpans()} is what a decoder keeps unchanged: valid
 * lower-case ids, plausible timestamps, finite doubles, short values, no trace key.
 */
public final class SpanArbitraries {
  /** 2001-01-01 .. 2025-01-01 in epoch ns: after the sanitizer's floor, before any "now". */
  private static final long PLAUSIBLE_FROM = 978_307_200L * 1_000_000_000L;
  private static final long PLAUSIBLE_TO = 1_735_689_600L * 1_000_000_000L;

  private SpanArbitraries() {}

  /** Text of valid Unicode scalar values (no lone surrogates: UTF-8 cannot carry them). */
  public static Arbitrary<String> text() {
    Arbitrary<String> ascii = Arbitraries.strings().ascii().ofMaxLength(24);
    Arbitrary<String> unicode = Arbitraries.integers().between(0, 0x10FFFF)
        .filter(cp -> cp < 0xD800 || cp > 0xDFFF)
        .list().ofMaxSize(12)
        .map(cps -> {
          StringBuilder b = new StringBuilder();
          cps.forEach(b::appendCodePoint);
          return b.toString();
        });
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, ascii), net.jqwik.api.Tuple.of(2, unicode),
        net.jqwik.api.Tuple.of(1, Arbitraries.just("")));
  }

  public static Arbitrary<String> nullableText() {
    return text().injectNull(0.3);
  }

  public static Arbitrary<String> lowerHex(int length) {
    return Arbitraries.strings().withChars("0123456789abcdef").ofLength(length)
        .filter(s -> !s.chars().allMatch(c -> c == '0'));
  }

  /** Ids as the model may hold them: usually normalised hex, sometimes anything at all. */
  public static Arbitrary<String> anyId(int hexLength) {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(8, lowerHex(hexLength)),
        net.jqwik.api.Tuple.of(1, Arbitraries.strings().withChars("0123456789ABCDEFxyz")
            .ofMaxLength(40)),
        net.jqwik.api.Tuple.of(1, text()));
  }

  public static Arbitrary<Double> anyDouble() {
    return Arbitraries.oneOf(
        Arbitraries.doubles(),
        Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0,
            Double.MIN_VALUE, -Double.MAX_VALUE, Double.longBitsToDouble(0x7ff8_0000_0000_0001L)));
  }

  public static Arbitrary<AttributeValue> attributeValues() {
    return attributeValues(3, true);
  }

  private static Arbitrary<AttributeValue> attributeValues(int depth, boolean anyDoubles) {
    Arbitrary<AttributeValue> scalar = Arbitraries.oneOf(
        text().map(AttributeValue.StringValue::new),
        Arbitraries.of(true, false).map(AttributeValue.BoolValue::new),
        Arbitraries.longs().map(AttributeValue.LongValue::new),
        (anyDoubles ? anyDouble() : Arbitraries.doubles()).map(AttributeValue.DoubleValue::new),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(16).map(AttributeValue.BytesValue::new));
    if (depth == 0) {
      return scalar;
    }
    Arbitrary<AttributeValue> nested = Arbitraries.lazy(() -> attributeValues(depth - 1, anyDoubles));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(8, scalar),
        net.jqwik.api.Tuple.of(1, nested.list().ofMaxSize(4).map(AttributeValue.ArrayValue::new)),
        net.jqwik.api.Tuple.of(1, Combinators.combine(text(), nested).as(Attribute::new)
            .list().ofMaxSize(4).map(AttributeValue.MapValue::new)));
  }

  public static Arbitrary<List<Attribute>> attributes(int maxSize) {
    return Combinators.combine(text(), attributeValues()).as(Attribute::new).list()
        .ofMaxSize(maxSize);
  }

  private static Arbitrary<List<Attribute>> cleanAttributes(int maxSize) {
    return Combinators.combine(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12),
        attributeValues(2, false)).as(Attribute::new).list().ofMaxSize(maxSize);
  }

  public static Arbitrary<Mark> marks() {
    return Combinators.combine(text(), text()).as(Mark::new);
  }

  /** Any span the model can hold. */
  public static Arbitrary<Span> spans() {
    Arbitrary<SpanEvent> events = Combinators.combine(Arbitraries.longs(), text(), attributes(3))
        .as(SpanEvent::new);
    Arbitrary<SpanLink> links = Combinators.combine(anyId(32), anyId(16), attributes(3))
        .as(SpanLink::new);
    return Combinators.combine(
        Combinators.combine(anyId(32), anyId(16), anyId(16).injectNull(0.3), nullableText(),
            text(), nullableText(), Arbitraries.integers(), Arbitraries.longs()).as(Ids::new),
        Combinators.combine(nullableText(), text(), Arbitraries.of(SpanKind.class),
            Arbitraries.longs(), Arbitraries.longs(), Arbitraries.of(StatusCode.class),
            nullableText()).as(Body::new),
        Combinators.combine(attributes(6), events.list().ofMaxSize(3), links.list().ofMaxSize(2),
            attributes(3), marks().list().ofMaxSize(2)).as(Lists::new))
        .as(SpanArbitraries::span);
  }

  /** Spans a decoder keeps exactly as sent (with the trace id rule, plus their trace key). */
  public static Arbitrary<Span> cleanSpans() {
    Arbitrary<String> traceIds = Arbitraries.oneOf(lowerHex(32), lowerHex(16));
    Arbitrary<Long> starts = Arbitraries.longs().between(PLAUSIBLE_FROM, PLAUSIBLE_TO);
    Arbitrary<SpanEvent> events = Combinators.combine(starts, text(), cleanAttributes(2))
        .as(SpanEvent::new);
    Arbitrary<SpanLink> links = Combinators.combine(traceIds, lowerHex(16), cleanAttributes(2))
        .as(SpanLink::new);
    return Combinators.combine(
        Combinators.combine(traceIds, lowerHex(16), lowerHex(16).injectNull(0.3),
            Arbitraries.just((String) null), text(), nullableText(),
            Arbitraries.integers().between(0, 1 << 22), Arbitraries.longs().between(0, 1 << 30))
            .as(Ids::new),
        Combinators.combine(nullableText(), text(), Arbitraries.of(SpanKind.class), starts,
            Arbitraries.longs().between(0, 60_000_000_000L), Arbitraries.of(StatusCode.class),
            nullableText()).as((thread, name, kind, start, duration, status, message) ->
            new Body(thread, name, kind, start, start + duration, status, message)),
        Combinators.combine(cleanAttributes(8), events.list().ofMaxSize(3),
            links.list().ofMaxSize(2), cleanAttributes(3), Arbitraries.just(List.<Mark>of()))
            .as(Lists::new))
        .as(SpanArbitraries::span);
  }

  private record Ids(String traceId, String spanId, String parentSpanId, String traceKey,
      String serviceName, String serviceInstance, int pid, long tid) {}

  private record Body(String threadName, String name, SpanKind kind, long start, long end,
      StatusCode status, String statusMessage) {}

  private record Lists(List<Attribute> attributes, List<SpanEvent> events, List<SpanLink> links,
      List<Attribute> resource, List<Mark> marks) {}

  private static Span span(Ids i, Body b, Lists l) {
    return new Span(i.traceId, i.spanId, i.parentSpanId, i.traceKey, i.serviceName,
        i.serviceInstance, i.pid, i.tid, b.threadName, b.name, b.kind, b.start, b.end, b.status,
        b.statusMessage, l.attributes, l.events, l.links, l.resource, l.marks);
  }
}
