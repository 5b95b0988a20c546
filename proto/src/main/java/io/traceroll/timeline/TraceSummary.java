package io.traceroll.timeline;

import java.util.List;

/**
 * What an archive index needs to know about one written request part, without reading the trace.
 *
 * @param startNanos earliest span start (0 when there are no spans)
 * @param endNanos latest span end, never before {@code startNanos}
 * @param services distinct service names, sorted
 * @param rootSpanName name of the earliest root span (canonical order), {@code null} when the part
 *     has no root
 * @param traceIds distinct trace ids, sorted (one request may span several traces when it is
 *     correlated by another key)
 */
public record TraceSummary(
    int spanCount,
    long startNanos,
    long endNanos,
    List<String> services,
    String rootSpanName,
    int errorCount,
    List<String> traceIds) {
  public TraceSummary {
    services = List.copyOf(services);
    traceIds = List.copyOf(traceIds);
  }
}
