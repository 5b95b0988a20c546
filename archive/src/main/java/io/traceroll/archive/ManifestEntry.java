package io.traceroll.archive;

import java.util.List;
import java.util.Objects;

/**
 * One archived trace part as recorded in an hourly manifest, so archives can be searched by time,
 * service or root span from object storage alone.
 *
 * @param traceKey the request's full trace key (also for keys whose path segment is shortened)
 * @param part the 0-based part number
 * @param objectKey the key of the part object in the store
 * @param startNanos earliest span start in the part, epoch nanoseconds
 * @param endNanos latest span end in the part, epoch nanoseconds
 * @param spanCount spans in the part
 * @param services distinct service names in the part
 * @param rootSpanName name of the root span, or {@code null} when the part holds none
 * @param errorCount spans with error status
 * @param bytes stored size of the part object
 * @param late whether the part was emitted for spans arriving after the request was closed
 * @param traceIds distinct trace ids in the part (a request may span several)
 */
public record ManifestEntry(
    String traceKey,
    int part,
    String objectKey,
    long startNanos,
    long endNanos,
    int spanCount,
    List<String> services,
    String rootSpanName,
    int errorCount,
    long bytes,
    boolean late,
    List<String> traceIds) {

  public ManifestEntry {
    Objects.requireNonNull(traceKey, "traceKey");
    Objects.requireNonNull(objectKey, "objectKey");
    if (part < 0 || spanCount < 0 || errorCount < 0 || bytes < 0) {
      throw new IllegalArgumentException("part, spanCount, errorCount and bytes must be >= 0");
    }
    services = List.copyOf(services);
    traceIds = List.copyOf(traceIds);
  }
}
