package io.traceroll.topology.collect;

import io.traceroll.archive.ManifestEntry;
import io.traceroll.archive.manifest.ManifestCodec;
import io.traceroll.archive.manifest.ManifestWriter;
import io.traceroll.topology.Names;
import io.traceroll.topology.metrics.TracerollMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps archives searchable by time from object storage alone: every archived part is also listed
 * in an hourly manifest of its task ({@code {prefix}/manifests/yyyy/MM/dd/HH/{task}-{batch}.ndjson}).
 *
 * <p>Parts wait in a changelogged store, not only in memory, so a crash loses no manifest entry;
 * each wall-clock punctuation writes everything waiting as one batch and then forgets it. What
 * waits is also held in memory, so a punctuation does not scan the store: a store that every part
 * passes through (a put, then a delete) fills with tombstones that a scan reads again and again
 * until compaction drops them. The store is scanned once, at the task's first punctuation, for
 * what a previous owner left.
 *
 * <p>The batch id is a hash of the entries' keys: a replay of the same batch overwrites its own
 * object with identical bytes, and a replay that batches differently only adds exact duplicates,
 * which the manifest reader drops. A failing store leaves the batch waiting for the next
 * punctuation.
 */
public final class ManifestBatcher implements Processor<String, ArchivedPart, String, ArchivedPart> {

  private static final Logger LOG = LoggerFactory.getLogger(ManifestBatcher.class);
  private static final Comparator<String> BY_UTF8 = (a, b) -> Arrays.compareUnsigned(
      a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

  private final ManifestWriter writer;
  private final Duration interval;
  private final TracerollMetrics metrics;
  private ProcessorContext<String, ArchivedPart> context;
  private KeyValueStore<String, byte[]> pending;
  /** What waits in {@link #pending}, by key; complete once {@link #scanned}. */
  private final Map<String, ManifestEntry> waiting = new HashMap<>();
  private boolean scanned;

  public ManifestBatcher(ManifestWriter writer, Duration interval, TracerollMetrics metrics) {
    this.writer = writer;
    this.interval = interval;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, ArchivedPart> context) {
    if (writer == null) {
      throw new IllegalStateException("topology built for describe() only: no archive store");
    }
    this.context = context;
    this.pending = context.getStateStore(Names.Store.MANIFEST_PENDING);
    waiting.clear(); // the store is the truth for a (re)started task
    scanned = false;
    context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, now -> flush());
  }

  @Override
  public void process(Record<String, ArchivedPart> record) {
    ManifestEntry entry = entry(record.value());
    pending.put(record.key(), ManifestCodec.encode(List.of(entry)));
    waiting.put(record.key(), entry);
    context.forward(record);
  }

  private void flush() {
    if (!scanned) {
      try (KeyValueIterator<String, byte[]> it = pending.all()) {
        while (it.hasNext()) {
          var kv = it.next();
          waiting.putIfAbsent(kv.key,
              ManifestCodec.decodeLine(new String(kv.value, StandardCharsets.UTF_8).strip()));
        }
      }
      scanned = true;
    }
    if (waiting.isEmpty()) {
      return;
    }
    // the store's order (UTF-8 bytes of the keys), so a replayed batch gets the same id
    List<String> keys = new ArrayList<>(waiting.keySet());
    keys.sort(BY_UTF8);
    List<ManifestEntry> entries = new ArrayList<>(keys.size());
    for (String k : keys) {
      entries.add(waiting.get(k));
    }
    try {
      writer.write(context.taskId().toString(), batchId(keys), entries);
      keys.forEach(pending::delete);
      waiting.clear();
    } catch (IOException | RuntimeException e) {
      metrics.archiveFailed();
      LOG.warn("manifest batch of {} parts not written, retrying at the next punctuation: {}",
          entries.size(), e.toString());
    }
  }

  /** Keys in the store's order, so the same batch always gets the same id. */
  private static String batchId(List<String> keys) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String k : keys) {
        sha.update(k.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) '\n');
      }
      return HexFormat.of().formatHex(sha.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  static ManifestEntry entry(ArchivedPart p) {
    return new ManifestEntry(p.traceKey(), p.part(), p.objectKey(), p.startNanos(), p.endNanos(),
        p.spanCount(), p.services(), p.rootSpanName(), p.errorCount(), p.storedBytes(), p.late(),
        p.traceIds());
  }
}
