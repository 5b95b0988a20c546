package io.traceroll.topology.collect;

import io.traceroll.avro.TraceIndexEntry;

/** Maps an archived part onto the Avro index record of the compacted index topic. */
public final class IndexEntries {

  private IndexEntries() {}

  public static TraceIndexEntry of(ArchivedPart p) {
    return TraceIndexEntry.newBuilder()
        .setTraceKey(p.traceKey())
        .setPart(p.part())
        .setObjectKey(p.objectKey())
        .setStartNanos(p.startNanos())
        .setEndNanos(p.endNanos())
        .setDurationNanos(Math.max(0, p.endNanos() - p.startNanos()))
        .setSpanCount(p.spanCount())
        .setServices(p.services())
        .setRootSpanName(p.rootSpanName())
        .setErrorCount(p.errorCount())
        .setBytes(p.storedBytes())
        .setLate(p.late())
        .setTraceIds(p.traceIds())
        .build();
  }
}
