package io.traceroll.crashloop;

import io.traceroll.archive.ArchiveLayout;
import io.traceroll.archive.ArchiveStore;
import io.traceroll.archive.TraceArchiver;
import io.traceroll.avro.TraceIndexEntry;
import io.traceroll.crashloop.DeliveryReport.Finding;
import io.traceroll.serdes.avro.TraceIndexEntrySerde;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Checks end-to-end delivery: every produced span is in exactly one archived part of its request,
 * and the index has exactly one entry per part object and none without one.
 *
 * <p>It reads what an SRE's tooling would: EVERY part object under the archive's traces prefix
 * (not only the expected requests' prefixes, so a span archived under a wrong key is found too),
 * decoded with the generated Perfetto classes; the index topic's committed records; the dead-letter
 * topic's committed records. It never asks the pipeline what it did.
 */
public final class DeliveryVerifier {

  private final TraceArchiver archive;

  public DeliveryVerifier(ArchiveStore store, ArchiveLayout layout) {
    this.archive = new TraceArchiver(store, layout);
  }

  /**
   * @param index the index topic's committed records
   * @param deadLetters the dead-letter topic's committed records; the crash-loop workload is valid
   *     only, so each one is a finding (a span there is not archived, so it is also missing)
   */
  public DeliveryReport verify(ExpectedSpans expected, List<TopicRecord> index,
      List<TopicRecord> deadLetters) throws IOException {
    Map<Finding, List<String>> findings = new EnumMap<>(Finding.class);
    for (Finding f : Finding.values()) {
      findings.put(f, new ArrayList<>());
    }

    // ---- the archive: where each span id of each request key was found
    Map<String, Map<String, List<String>>> found = new HashMap<>(); // key -> span id -> objects
    Map<String, Integer> spansPerObject = new LinkedHashMap<>();
    long archivedSpans = 0;
    ArchiveLayout layout = archive.layout();
    for (String objectKey : archive.store().list(layout.tracesPrefix())) {
      OptionalInt part = layout.partNumber(objectKey);
      if (part.isEmpty()) {
        continue; // key sidecars
      }
      Optional<String> traceKey = archive.traceKeyOf(objectKey);
      if (traceKey.isEmpty()) {
        findings.get(Finding.UNREADABLE_PART).add(objectKey + ": no trace key (path or sidecar)");
        continue;
      }
      List<String> ids;
      try (InputStream in = archive.openPart(objectKey)
          .orElseThrow(() -> new IOException("listed but gone"))) {
        ids = SpanIdReader.read(in);
      } catch (IOException | RuntimeException e) {
        findings.get(Finding.UNREADABLE_PART).add(objectKey + ": " + e);
        continue;
      }
      spansPerObject.put(objectKey, ids.size());
      archivedSpans += ids.size();
      Map<String, List<String>> ofKey =
          found.computeIfAbsent(traceKey.get(), k -> new HashMap<>());
      for (String id : ids) {
        ofKey.computeIfAbsent(id, k -> new ArrayList<>(1)).add(objectKey);
      }
    }

    // ---- spans: produced vs archived
    Map<String, Set<String>> produced = expected.byKey();
    produced.forEach((key, ids) -> {
      Map<String, List<String>> ofKey = found.getOrDefault(key, Map.of());
      for (String id : ids) {
        List<String> where = ofKey.get(id);
        if (where == null) {
          findings.get(Finding.MISSING_SPAN).add("request " + key + " span " + id);
        } else if (where.size() > 1) {
          findings.get(Finding.DUPLICATED_SPAN).add("request " + key + " span " + id + " in "
              + where);
        }
      }
    });
    found.forEach((key, ofKey) -> {
      Set<String> ids = produced.getOrDefault(key, Set.of());
      ofKey.forEach((id, where) -> {
        if (!ids.contains(id)) {
          findings.get(Finding.UNEXPECTED_SPAN).add("request " + key + " span " + id + " in "
              + where);
        }
      });
    });
    if (expected.duplicates() > 0) {
      findings.get(Finding.WORKLOAD_DUPLICATE).add(expected.duplicates()
          + " span ids acknowledged twice under one key");
    }

    // ---- the index: one entry per part object, each agreeing with its object
    Map<String, List<TopicRecord>> byKey = new LinkedHashMap<>();
    Map<String, TraceIndexEntry> entries = new HashMap<>(); // object key -> entry
    try (TraceIndexEntrySerde serde = new TraceIndexEntrySerde()) {
      Deserializer<TraceIndexEntry> d = serde.deserializer();
      for (TopicRecord r : index) {
        if (r.value() == null) {
          findings.get(Finding.BAD_INDEX_RECORD).add(r.where() + " key " + r.key()
              + ": tombstone");
          continue;
        }
        TraceIndexEntry e;
        try {
          e = d.deserialize("index", r.value());
        } catch (RuntimeException ex) {
          findings.get(Finding.BAD_INDEX_RECORD).add(r.where() + " key " + r.key() + ": " + ex);
          continue;
        }
        byKey.computeIfAbsent(String.valueOf(r.key()), k -> new ArrayList<>()).add(r);
        String traceKey = e.getTraceKey().toString();
        String objectKey = e.getObjectKey().toString();
        String expectedRecordKey = traceKey + '/' + e.getPart();
        if (!expectedRecordKey.equals(r.key())) {
          findings.get(Finding.INDEX_MISMATCH).add(r.where() + " key " + r.key()
              + " holds the entry of " + expectedRecordKey);
        }
        if (e.getPart() >= 0 && !layout.partKey(traceKey, e.getPart()).equals(objectKey)) {
          findings.get(Finding.INDEX_MISMATCH).add(r.where() + " key " + r.key()
              + " names object " + objectKey + ", the layout says "
              + layout.partKey(traceKey, e.getPart()));
        }
        Integer spans = spansPerObject.get(objectKey);
        if (spans == null) {
          if (!findings.get(Finding.UNREADABLE_PART).stream()
              .anyMatch(f -> f.startsWith(objectKey + ": "))) {
            findings.get(Finding.INDEX_WITHOUT_OBJECT).add(r.where() + " key " + r.key()
                + " -> " + objectKey);
          }
        } else if (spans != e.getSpanCount()) {
          findings.get(Finding.INDEX_MISMATCH).add(r.where() + " key " + r.key() + " says "
              + e.getSpanCount() + " spans, " + objectKey + " holds " + spans);
        }
        entries.put(objectKey, e);
      }
    }
    byKey.forEach((key, records) -> {
      if (records.size() > 1) {
        findings.get(Finding.DUPLICATE_INDEX_ENTRY).add("key " + key + " indexed "
            + records.size() + " times at " + records.stream().map(TopicRecord::where).toList());
      }
    });
    for (String objectKey : spansPerObject.keySet()) {
      if (!entries.containsKey(objectKey)) {
        findings.get(Finding.UNINDEXED_PART).add(objectKey);
      }
    }

    for (TopicRecord r : deadLetters) {
      findings.get(Finding.DEAD_LETTER).add(r.where() + " key " + r.key() + " reason "
          + r.headers().getOrDefault("traceroll.reason", "?"));
    }

    return new DeliveryReport(expected.spans(), expected.requests(), spansPerObject.size()
        + findings.get(Finding.UNREADABLE_PART).size(), archivedSpans, index.size(),
        deadLetters.size(), findings);
  }
}
