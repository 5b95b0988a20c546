package io.traceroll.serdes;

import io.traceroll.span.Attribute;
import io.traceroll.span.AttributeValue;
import io.traceroll.span.Mark;
import io.traceroll.span.Span;
import io.traceroll.span.SpanEvent;
import io.traceroll.span.SpanLink;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.header.Headers;

/**
 * The one place that decides, for every format alike, whether a decoded span is archived and what
 * is unusual about it.
 *
 * <p>Decoders hand over the span as read: ids as lower- or upper-case hex text exactly as found
 * ({@link TraceIds#toHex} of the raw bytes for binary formats), {@code ""} when missing, parent
 * {@code null}/{@code ""}/all zeros for a root. Only a span without a usable trace id or span id is
 * invalid (nothing could group or identify it); everything else is kept with a {@link Mark}, because
 * an SRE would rather see a span with an odd timestamp than wonder where it went.
 *
 * <p>Thread-safe and allocation-free for a span that needs no change beyond its trace key.
 */
public final class SpanSanitizer {

  /** 2000-01-01T00:00:00Z: earlier timestamps are unset clocks or unit mistakes, not real spans. */
  public static final long EARLIEST_PLAUSIBLE_NANOS = 946_684_800L * 1_000_000_000L;

  public static final String MISSING_TRACE_ID = "missing_trace_id";
  public static final String MALFORMED_TRACE_ID = "malformed_trace_id";
  public static final String ALL_ZERO_TRACE_ID = "all_zero_trace_id";
  public static final String MISSING_SPAN_ID = "missing_span_id";
  public static final String MALFORMED_SPAN_ID = "malformed_span_id";
  public static final String ALL_ZERO_SPAN_ID = "all_zero_span_id";

  private final DecoderSettings settings;
  private final long futureToleranceNanos;

  public SpanSanitizer(DecoderSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.futureToleranceNanos = saturatedNanos(settings.futureTolerance());
  }

  public DecoderSettings settings() {
    return settings;
  }

  /** Outcome of {@link #sanitize}: exactly one of a kept span or an invalid one with its reason. */
  public sealed interface Outcome permits Kept, Invalid {}

  public record Kept(Span span) implements Outcome {}

  public record Invalid(DecodedBatch.InvalidSpan invalid) implements Outcome {}

  public Outcome sanitize(Span raw, Headers headers) {
    String traceId = TraceIds.traceIdFromHex(raw.traceId());
    String spanId = TraceIds.spanIdFromHex(raw.spanId());
    if (traceId == null || spanId == null) {
      return new Invalid(new DecodedBatch.InvalidSpan(raw, idProblem(raw, traceId)));
    }
    return new Kept(keep(raw, traceId, spanId, headers));
  }

  /** As {@link #sanitize}, adding the result to the matching list; what decoders call per span. */
  public void sanitizeInto(Span raw, Headers headers, List<Span> kept,
      List<DecodedBatch.InvalidSpan> invalid) {
    String traceId = TraceIds.traceIdFromHex(raw.traceId());
    String spanId = TraceIds.spanIdFromHex(raw.spanId());
    if (traceId == null || spanId == null) {
      invalid.add(new DecodedBatch.InvalidSpan(raw, idProblem(raw, traceId)));
    } else {
      kept.add(keep(raw, traceId, spanId, headers));
    }
  }

  /** Why the ids are unusable; only called once normalisation has failed for one of them. */
  private static String idProblem(Span raw, String normalisedTraceId) {
    if (normalisedTraceId == null) {
      String t = raw.traceId();
      if (t.isEmpty()) {
        return MISSING_TRACE_ID;
      }
      return TraceIds.isAllZeroHex(t) && (t.length() == 32 || t.length() == 16)
          ? ALL_ZERO_TRACE_ID : MALFORMED_TRACE_ID;
    }
    String s = raw.spanId();
    if (s.isEmpty()) {
      return MISSING_SPAN_ID;
    }
    return TraceIds.isAllZeroHex(s) && s.length() == 16 ? ALL_ZERO_SPAN_ID : MALFORMED_SPAN_ID;
  }

  private Span keep(Span raw, String traceId, String spanId, Headers headers) {
    List<Mark> marks = null; // allocated on the first anomaly only

    String parent = raw.parentSpanId();
    if (parent != null) {
      if (parent.isEmpty() || TraceIds.isAllZeroHex(parent)) {
        parent = null; // OTLP and Zipkin both spell "root" as absent or zero
      } else {
        String normalised = TraceIds.spanIdFromHex(parent);
        if (normalised == null) {
          marks = add(marks, raw, new Mark("malformed_parent_id", parent));
        }
        parent = normalised;
      }
    }

    long start = raw.startNanos();
    long end = raw.endNanos();
    if (end < start) {
      marks = add(marks, raw, new Mark("end_before_start", "start=" + start + " end=" + end));
    }
    if (start < EARLIEST_PLAUSIBLE_NANOS || end < EARLIEST_PLAUSIBLE_NANOS) {
      marks = add(marks, raw,
          new Mark("timestamp_before_2000", "start=" + start + " end=" + end));
    }
    long latest = saturatedAdd(settings.clock().millis() * 1_000_000L, futureToleranceNanos);
    if (start > latest || end > latest) {
      marks = add(marks, raw, new Mark("timestamp_in_future", "start=" + start + " end=" + end));
    }

    MarkSink sink = new MarkSink(marks, raw);
    List<Attribute> attributes = limitCount(raw.attributes(), sink);
    attributes = cleanAttributes(attributes, sink);
    List<Attribute> resource = cleanAttributes(raw.resourceAttributes(), sink);
    List<SpanEvent> events = cleanEvents(raw.events(), sink);
    List<SpanLink> links = cleanLinks(raw.links(), sink);
    marks = sink.marks;

    // The default rule needs only the trace id, so the span is built once. Other rules read the
    // key from the raw span: a key is an identifier, and truncating it (or dropping it with the
    // attributes over the count limit) would merge distinct requests; the archive layout hashes
    // keys too long for a path, so any length is safe there.
    boolean byTraceId = settings.keyRule() == TraceKeyRule.traceId();
    Span kept = new Span(traceId, spanId, parent, byTraceId ? traceId : null, raw.serviceName(),
        raw.serviceInstance(), raw.pid(), raw.tid(), raw.threadName(), raw.name(), raw.kind(),
        start, end, raw.statusCode(), raw.statusMessage(), attributes, events, links, resource,
        marks == null ? raw.marks() : marks);
    return byTraceId ? kept : kept.withTraceKey(settings.keyRule().candidateKey(raw, headers));
  }

  private List<Attribute> limitCount(List<Attribute> attributes, MarkSink sink) {
    int max = settings.maxAttributesPerSpan();
    if (attributes.size() <= max) {
      return attributes;
    }
    int dropped = attributes.size() - max;
    sink.add(new Mark("too_many_attributes", "dropped=" + dropped + " kept=" + max));
    return attributes.subList(0, max);
  }

  /** Returns the same list when nothing needs changing, which is the common case. */
  private List<Attribute> cleanAttributes(List<Attribute> attributes, MarkSink sink) {
    List<Attribute> out = null;
    for (int i = 0; i < attributes.size(); i++) {
      Attribute a = attributes.get(i);
      AttributeValue cleaned = cleanValue(a.key(), a.value(), sink);
      if (cleaned != a.value() && out == null) {
        out = new ArrayList<>(attributes.size());
        out.addAll(attributes.subList(0, i));
      }
      if (out != null) {
        out.add(cleaned == a.value() ? a : new Attribute(a.key(), cleaned));
      }
    }
    return out == null ? attributes : out;
  }

  private AttributeValue cleanValue(String key, AttributeValue value, MarkSink sink) {
    int max = settings.maxAttributeValueBytes();
    if (value instanceof AttributeValue.StringValue s) {
      String v = s.value();
      if (v.length() <= max / 3) {
        return value; // even all 3-byte chars fit: skip the byte count
      }
      int bytes = utf8Length(v);
      if (bytes <= max) {
        return value;
      }
      sink.add(new Mark("attribute_truncated", key + " original_length=" + bytes));
      return new AttributeValue.StringValue(truncateUtf8(v, max));
    }
    if (value instanceof AttributeValue.DoubleValue d) {
      if (!Double.isFinite(d.value())) {
        sink.add(new Mark("non_finite_double", key + "=" + d.value()));
      }
      return value; // kept as sent: the mark explains it
    }
    if (value instanceof AttributeValue.BytesValue b) {
      byte[] v = b.value();
      if (v.length <= max) {
        return value;
      }
      sink.add(new Mark("attribute_truncated", key + " original_length=" + v.length));
      return new AttributeValue.BytesValue(java.util.Arrays.copyOf(v, max));
    }
    if (value instanceof AttributeValue.ArrayValue arr) {
      List<AttributeValue> out = null;
      List<AttributeValue> values = arr.values();
      for (int i = 0; i < values.size(); i++) {
        AttributeValue e = values.get(i);
        AttributeValue c = cleanValue(key, e, sink);
        if (c != e && out == null) {
          out = new ArrayList<>(values.size());
          out.addAll(values.subList(0, i));
        }
        if (out != null) {
          out.add(c);
        }
      }
      return out == null ? value : new AttributeValue.ArrayValue(out);
    }
    if (value instanceof AttributeValue.MapValue map) {
      List<Attribute> cleaned = cleanNested(key, map.entries(), sink);
      return cleaned == map.entries() ? value : new AttributeValue.MapValue(cleaned);
    }
    return value;
  }

  private List<Attribute> cleanNested(String parentKey, List<Attribute> entries, MarkSink sink) {
    List<Attribute> out = null;
    for (int i = 0; i < entries.size(); i++) {
      Attribute a = entries.get(i);
      AttributeValue c = cleanValue(parentKey + "." + a.key(), a.value(), sink);
      if (c != a.value() && out == null) {
        out = new ArrayList<>(entries.size());
        out.addAll(entries.subList(0, i));
      }
      if (out != null) {
        out.add(c == a.value() ? a : new Attribute(a.key(), c));
      }
    }
    return out == null ? entries : out;
  }

  private List<SpanEvent> cleanEvents(List<SpanEvent> events, MarkSink sink) {
    List<SpanEvent> out = null;
    for (int i = 0; i < events.size(); i++) {
      SpanEvent e = events.get(i);
      List<Attribute> attrs = cleanAttributes(e.attributes(), sink);
      if (attrs != e.attributes() && out == null) {
        out = new ArrayList<>(events.size());
        out.addAll(events.subList(0, i));
      }
      if (out != null) {
        out.add(attrs == e.attributes() ? e : new SpanEvent(e.timeNanos(), e.name(), attrs));
      }
    }
    return out == null ? events : out;
  }

  /** A link we cannot resolve is dropped, but with a mark naming what it pointed at. */
  private List<SpanLink> cleanLinks(List<SpanLink> links, MarkSink sink) {
    List<SpanLink> out = null;
    for (int i = 0; i < links.size(); i++) {
      SpanLink l = links.get(i);
      String t = TraceIds.traceIdFromHex(l.traceId());
      String s = TraceIds.spanIdFromHex(l.spanId());
      SpanLink cleaned;
      if (t == null || s == null) {
        sink.add(new Mark("invalid_link", "trace_id=" + l.traceId() + " span_id=" + l.spanId()));
        cleaned = null;
      } else {
        List<Attribute> attrs = cleanAttributes(l.attributes(), sink);
        cleaned = t.equals(l.traceId()) && s.equals(l.spanId()) && attrs == l.attributes()
            ? l : new SpanLink(t, s, attrs);
      }
      if (cleaned != l && out == null) {
        out = new ArrayList<>(links.size());
        out.addAll(links.subList(0, i));
      }
      if (out != null && cleaned != null) {
        out.add(cleaned);
      }
    }
    return out == null ? links : out;
  }

  private static List<Mark> add(List<Mark> marks, Span raw, Mark mark) {
    if (marks == null) {
      marks = new ArrayList<>(raw.marks().size() + 2);
      marks.addAll(raw.marks());
    }
    marks.add(mark);
    return marks;
  }

  /** Collects marks lazily so a clean span allocates no list. */
  private static final class MarkSink {
    List<Mark> marks;
    final Span raw;

    MarkSink(List<Mark> marks, Span raw) {
      this.marks = marks;
      this.raw = raw;
    }

    void add(Mark mark) {
      marks = SpanSanitizer.add(marks, raw, mark);
    }
  }

  static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3; // lone surrogates are encoded as '?' (1 byte) by Java, 3 is a safe upper bound
      }
    }
    return n;
  }

  /** Longest prefix whose UTF-8 encoding fits {@code maxBytes}, never splitting a code point. */
  static String truncateUtf8(String s, int maxBytes) {
    int n = 0;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      int width;
      int chars = 1;
      if (c < 0x80) {
        width = 1;
      } else if (c < 0x800) {
        width = 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        width = 4;
        chars = 2;
      } else {
        width = 3;
      }
      if (n + width > maxBytes) {
        break;
      }
      n += width;
      i += chars;
    }
    return s.substring(0, i);
  }

  private static long saturatedNanos(java.time.Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }
}
