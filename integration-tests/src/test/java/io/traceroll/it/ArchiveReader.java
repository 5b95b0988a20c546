package io.traceroll.it;

import io.traceroll.archive.ArchiveLayout;
import io.traceroll.archive.ArchiveStore;
import io.traceroll.perfetto.check.CheckedSlice;
import io.traceroll.perfetto.check.CheckedTrace;
import io.traceroll.perfetto.check.TraceChecker;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads back what the pipeline archived, the way an SRE's tooling would: list a request's prefix,
 * download each part, gunzip, and decode it with the Perfetto {@link TraceChecker} (which fails on
 * any structural violation). Spans are counted as the slices carrying a {@code span_id}.
 */
final class ArchiveReader {

  private final ArchiveStore store;
  private final ArchiveLayout layout;

  ArchiveReader(ArchiveStore store, ArchiveLayout layout) {
    this.store = store;
    this.layout = layout;
  }

  /**
   * One request as found in the archive.
   *
   * @param spansPerPart span slices in each part object, to hold against the index's span counts
   */
  record ArchivedRequest(String key, List<String> partKeys, List<String> spanIds,
      Map<String, Integer> spansPerPart) {}

  /** Every part object under the layout's traces prefix (sidecars and other objects excluded). */
  List<String> allParts() throws IOException {
    return store.list(layout.tracesPrefix()).stream()
        .filter(k -> layout.partNumber(k).isPresent()).toList();
  }

  /** Every object under the store's root the pipeline wrote, parts or not. */
  List<String> allObjects() throws IOException {
    return store.list("");
  }

  ArchivedRequest request(String key) throws IOException {
    List<String> parts = new ArrayList<>();
    List<String> spanIds = new ArrayList<>();
    Map<String, Integer> perPart = new LinkedHashMap<>();
    for (String objectKey : store.list(layout.requestPrefix(key))) {
      if (layout.partNumber(objectKey).isEmpty()) {
        continue;
      }
      parts.add(objectKey);
      int before = spanIds.size();
      for (CheckedSlice s : part(objectKey).slices()) {
        if (!s.instant() && s.arg("span_id") instanceof String id) {
          spanIds.add(id);
        }
      }
      perPart.put(objectKey, spanIds.size() - before);
    }
    return new ArchivedRequest(key, parts, spanIds, perPart);
  }

  CheckedTrace part(String objectKey) throws IOException {
    try (InputStream in = store.get(objectKey)
        .orElseThrow(() -> new AssertionError("missing object " + objectKey))) {
      return TraceChecker.check(in);
    }
  }
}
