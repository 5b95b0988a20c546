package io.traceroll.span;

import java.util.List;
import java.util.Objects;

/** A link from a span to another span, possibly of another trace. */
public record SpanLink(String traceId, String spanId, List<Attribute> attributes) {
  public SpanLink {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(spanId, "spanId");
    attributes = List.copyOf(attributes);
  }
}
