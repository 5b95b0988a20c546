package io.traceroll.topology.collect;

import io.traceroll.topology.metrics.TracerollMetrics.CloseCause;
import java.util.List;

/**
 * What was archived for one part: everything the index record carries.
 *
 * @param storedBytes bytes of the object as stored (after compression)
 */
public record ArchivedPart(
    String traceKey,
    int part,
    String objectKey,
    long startNanos,
    long endNanos,
    int spanCount,
    List<String> services,
    String rootSpanName,
    int errorCount,
    long storedBytes,
    boolean late,
    List<String> traceIds,
    CloseCause cause) {
  public ArchivedPart {
    services = List.copyOf(services);
    traceIds = List.copyOf(traceIds);
  }
}
