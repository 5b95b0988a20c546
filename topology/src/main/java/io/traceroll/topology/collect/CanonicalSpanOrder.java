package io.traceroll.topology.collect;

import io.traceroll.span.Span;
import java.util.Comparator;

/**
 * A total order on spans independent of arrival: the store returns spans in arrival order, and
 * the archive must not depend on it (out-of-order and in-order delivery give the same bytes).
 */
enum CanonicalSpanOrder implements Comparator<Span> {
  INSTANCE;

  @Override
  public int compare(Span a, Span b) {
    int c = Long.compare(a.startNanos(), b.startNanos());
    if (c != 0) {
      return c;
    }
    c = Long.compare(a.endNanos(), b.endNanos());
    if (c != 0) {
      return c;
    }
    c = a.traceId().compareTo(b.traceId());
    if (c != 0) {
      return c;
    }
    c = a.spanId().compareTo(b.spanId());
    if (c != 0) {
      return c;
    }
    c = a.serviceName().compareTo(b.serviceName());
    if (c != 0) {
      return c;
    }
    c = a.name().compareTo(b.name());
    if (c != 0) {
      return c;
    }
    // Reached only by spans sharing ids, times and names (a producer retry, a buggy SDK): exact
    // duplicates compare equal and are interchangeable; anything differing deeper needs an answer
    // that is stable across JVMs (a record's hashCode is not: enums hash by identity).
    return a.equals(b) ? 0 : a.toString().compareTo(b.toString());
  }
}
