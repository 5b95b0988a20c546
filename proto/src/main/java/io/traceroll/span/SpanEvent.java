package io.traceroll.span;

import java.util.List;
import java.util.Objects;

/** A timestamped event inside a span (OTLP Span.Event, Zipkin annotation). */
public record SpanEvent(long timeNanos, String name, List<Attribute> attributes) {
  public SpanEvent {
    Objects.requireNonNull(name, "name");
    attributes = List.copyOf(attributes);
  }
}
