package io.traceroll.archive.manifest;

import io.traceroll.archive.ArchiveLayout;
import io.traceroll.archive.ArchiveStore;
import io.traceroll.archive.ManifestEntry;
import io.traceroll.archive.ObjectBody;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Writes hourly manifests: each flushed batch of a task becomes one new object per hour it touches,
 * named {@code {task}-{batch}.ndjson} under that hour.
 *
 * <p>Why one object per batch: object stores cannot append, so growing one object per hour would
 * rewrite everything written so far on every flush (quadratic in the hour's entries). Here every
 * entry is written once. Why a caller-chosen batch id: a replayed batch (same task, same id, same
 * entries) lands on the same key with the same bytes, an idempotent overwrite; a replay that
 * batches differently adds objects whose entries duplicate earlier ones, which
 * {@link ManifestReader} removes.
 *
 * <p>An entry belongs to the UTC hour of its {@code startNanos}, so a search by time finds a late
 * part next to the rest of its request rather than in the hour it happened to be written.
 */
public final class ManifestWriter {

  private final ArchiveStore store;
  private final ArchiveLayout layout;

  public ManifestWriter(ArchiveStore store, ArchiveLayout layout) {
    this.store = Objects.requireNonNull(store, "store");
    this.layout = Objects.requireNonNull(layout, "layout");
  }

  /**
   * Writes one batch.
   *
   * @param taskId the emitting task (e.g. Kafka Streams task id {@code 0_3})
   * @param batchId deterministic for the batch under replay, e.g. the lowest source offset it
   *     covers; unique within the task
   * @return the manifest keys written, ascending (none for an empty batch)
   * @throws IOException when the store fails; objects already written for other hours of the batch
   *     stay (they are complete and a retry overwrites them identically)
   */
  public List<String> write(String taskId, String batchId, List<ManifestEntry> entries)
      throws IOException {
    Map<Instant, List<ManifestEntry>> byHour = new TreeMap<>();
    for (ManifestEntry e : entries) {
      byHour.computeIfAbsent(ArchiveLayout.hourOf(e.startNanos()), h -> new ArrayList<>()).add(e);
    }
    List<String> written = new ArrayList<>(byHour.size());
    for (Map.Entry<Instant, List<ManifestEntry>> hour : byHour.entrySet()) {
      String key = layout.manifestKey(hour.getKey(), taskId, batchId);
      store.put(key, ObjectBody.ofBytes(ManifestCodec.encode(hour.getValue())));
      written.add(key);
    }
    return written;
  }
}
