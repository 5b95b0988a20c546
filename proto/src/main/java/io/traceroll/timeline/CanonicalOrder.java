package io.traceroll.timeline;

import io.traceroll.span.Span;
import java.util.Comparator;

/**
 * The one order every span set is written in, whatever order the spans arrived in: that is what
 * makes a rewritten archive byte-identical.
 *
 * <p>Start ascending then effective end descending puts an enclosing span before the spans it
 * contains (also at equal timestamps), which lane packing relies on. The remaining keys only break
 * ties; the last resort compares the full textual form, so two spans compare equal only when they
 * are indistinguishable, and then their relative order cannot change the output.
 */
public final class CanonicalOrder {
  private CanonicalOrder() {}

  /** End as drawn: a span that ends before it starts is shown with duration 0. */
  public static long effectiveEnd(Span s) {
    return Math.max(s.startNanos(), s.endNanos());
  }

  public static final Comparator<Span> SPANS = CanonicalOrder::compare;

  public static int compare(Span a, Span b) {
    if (a == b) {
      return 0;
    }
    int c = Long.compare(a.startNanos(), b.startNanos());
    if (c != 0) {
      return c;
    }
    c = Long.compare(effectiveEnd(b), effectiveEnd(a));
    if (c != 0) {
      return c;
    }
    c = a.serviceName().compareTo(b.serviceName());
    if (c != 0) {
      return c;
    }
    c = a.spanId().compareTo(b.spanId());
    if (c != 0) {
      return c;
    }
    c = a.traceId().compareTo(b.traceId());
    if (c != 0) {
      return c;
    }
    c = nullsFirst(a.parentSpanId(), b.parentSpanId());
    if (c != 0) {
      return c;
    }
    c = a.name().compareTo(b.name());
    if (c != 0) {
      return c;
    }
    c = Long.compare(a.endNanos(), b.endNanos());
    if (c != 0) {
      return c;
    }
    c = Integer.compare(a.kind().ordinal(), b.kind().ordinal());
    if (c != 0) {
      return c;
    }
    c = Integer.compare(a.statusCode().ordinal(), b.statusCode().ordinal());
    if (c != 0) {
      return c;
    }
    c = Integer.compare(a.pid(), b.pid());
    if (c != 0) {
      return c;
    }
    c = Long.compare(a.tid(), b.tid());
    if (c != 0) {
      return c;
    }
    c = nullsFirst(a.threadName(), b.threadName());
    if (c != 0) {
      return c;
    }
    c = nullsFirst(a.serviceInstance(), b.serviceInstance());
    if (c != 0) {
      return c;
    }
    // rare: same span id and times but other content (a duplicate that differs in attributes)
    return a.toString().compareTo(b.toString());
  }

  private static int nullsFirst(String a, String b) {
    if (a == null) {
      return b == null ? 0 : -1;
    }
    return b == null ? 1 : a.compareTo(b);
  }
}
