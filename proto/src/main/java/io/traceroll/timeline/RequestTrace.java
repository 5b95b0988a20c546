package io.traceroll.timeline;

import io.traceroll.span.Mark;
import io.traceroll.span.Span;
import java.util.List;
import java.util.Objects;

/**
 * All spans of one request part, in any order.
 *
 * @param traceKey the request's correlation key (an integer key becomes Perfetto's numeric
 *     {@code correlation_id}, anything else an interned string correlation id)
 * @param part 0 for the first archive of a request; later parts hold spans that arrived after an
 *     earlier part was written. Part files concatenated byte-for-byte remain one valid trace.
 * @param notes request-level marks (e.g. conflicting correlation keys, late part)
 */
public record RequestTrace(String traceKey, int part, List<Span> spans, List<Mark> notes) {
  public RequestTrace {
    Objects.requireNonNull(traceKey, "traceKey");
    if (part < 0) {
      throw new IllegalArgumentException("part must be >= 0: " + part);
    }
    spans = List.copyOf(spans);
    notes = List.copyOf(notes);
  }
}
