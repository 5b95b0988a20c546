package io.traceroll.span;

import java.util.Objects;

/**
 * Something unusual about a span that is kept rather than dropped, shown in the trace as an
 * annotation so the SRE sees it: e.g. {@code end_before_start}, {@code attribute_truncated},
 * {@code timestamp_in_future}, {@code missing_parent}, {@code duplicate_span_id}.
 */
public record Mark(String code, String detail) {
  public Mark {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(detail, "detail");
  }
}
