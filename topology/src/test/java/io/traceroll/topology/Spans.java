package io.traceroll.topology;

import io.traceroll.span.Attribute;
import io.traceroll.span.Span;
import io.traceroll.span.SpanKind;
import java.util.ArrayList;
import java.util.List;

/** Hand-built spans for topology tests: small, with exactly the shape a test needs. */
final class Spans {

  static final long T = 1_772_366_400_000_000_000L; // 2026-03-01T12:00:00Z in epoch nanos

  private Spans() {}

  static String traceId(int n) {
    return String.format("%032x", 0x1000L + n);
  }

  static String spanId(int trace, int n) {
    return String.format("%08x%08x", 0x100 + trace, n + 1);
  }

  static Span span(int trace, int n, Integer parent, long startMs, long endMs) {
    return Span.builder().traceId(traceId(trace)).spanId(spanId(trace, n))
        .parentSpanId(parent == null ? null : spanId(trace, parent))
        .serviceName("svc-" + (n % 3)).name("op-" + n).kind(SpanKind.SERVER)
        .startNanos(T + startMs * 1_000_000L).endNanos(T + endMs * 1_000_000L).build();
  }

  static Span withAttribute(Span s, String key, String value) {
    List<Attribute> a = new ArrayList<>(s.attributes());
    a.add(Attribute.of(key, value));
    return Span.builder().traceId(s.traceId()).spanId(s.spanId()).parentSpanId(s.parentSpanId())
        .serviceName(s.serviceName()).name(s.name()).kind(s.kind()).startNanos(s.startNanos())
        .endNanos(s.endNanos()).attributes(a).build();
  }

  /** {@code count} children of span 0 (which is not included): a request whose root is not seen. */
  static List<Span> children(int trace, int count) {
    List<Span> out = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      out.add(span(trace, i, 0, i, i + 5));
    }
    return out;
  }
}
