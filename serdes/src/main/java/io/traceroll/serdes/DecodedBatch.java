package io.traceroll.serdes;

import io.traceroll.span.Span;
import java.util.List;

/** What one record decoded into: the spans to keep and the spans to dead-letter with a reason. */
public record DecodedBatch(List<Span> spans, List<InvalidSpan> invalid) {
  public DecodedBatch {
    spans = List.copyOf(spans);
    invalid = List.copyOf(invalid);
  }

  /** A span that was read but cannot be archived (as far as it was read), and why. */
  public record InvalidSpan(Span span, String reason) {}
}
