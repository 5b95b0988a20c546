package io.traceroll.crashloop;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The verifier's verdict: counts of what was produced and found, and every finding by kind. The
 * run delivered everything exactly when there is no finding at all.
 *
 * @param findings each kind's findings, one human-readable line each (all of them, not a sample)
 */
public record DeliveryReport(long producedSpans, int requests, int partObjects,
    long archivedSpans, int indexRecords, int deadLetters, Map<Finding, List<String>> findings) {

  /** The verdict line a run prints when nothing is missing, duplicated or inconsistent. */
  public static final String DELIVERED = "ALL-SPANS-DELIVERED";

  /** One kind of failure the verifier looks for. */
  public enum Finding {
    MISSING_SPAN("produced spans in no archived part of their request"),
    DUPLICATED_SPAN("spans archived more than once (several parts, or twice in one part)"),
    UNEXPECTED_SPAN("archived spans never produced under that request key"),
    UNREADABLE_PART("part objects that cannot be read as a trace"),
    UNINDEXED_PART("part objects without an index entry"),
    INDEX_WITHOUT_OBJECT("index entries whose object does not exist"),
    DUPLICATE_INDEX_ENTRY("part keys with more than one index record"),
    INDEX_MISMATCH("index entries disagreeing with their record key or object"),
    BAD_INDEX_RECORD("index records that cannot be decoded, or tombstones"),
    DEAD_LETTER("dead-lettered records (the crash-loop workload is valid-only)"),
    WORKLOAD_DUPLICATE("spans the workload itself acknowledged twice under one key");

    private final String description;

    Finding(String description) {
      this.description = description;
    }

    public String description() {
      return description;
    }
  }

  public DeliveryReport {
    EnumMap<Finding, List<String>> copy = new EnumMap<>(Finding.class);
    for (Finding f : Finding.values()) {
      copy.put(f, List.copyOf(findings.getOrDefault(f, List.of())));
    }
    findings = Collections.unmodifiableMap(copy);
  }

  public boolean delivered() {
    return findings.values().stream().allMatch(List::isEmpty);
  }

  public List<String> findings(Finding kind) {
    return findings.get(kind);
  }

  public int count(Finding kind) {
    return findings.get(kind).size();
  }

  /**
   * The verifier's output: a counts line, one line per kind with a non-zero count followed by its
   * first {@code firstN} findings, and the verdict last so scripts can {@code tail -1}.
   */
  public String render(int firstN) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("verify: produced %,d spans in %,d requests; archive: %,d part objects,"
        + " %,d spans; index: %,d records; dead letters: %,d%n", producedSpans, requests,
        partObjects, archivedSpans, indexRecords, deadLetters));
    int problems = 0;
    for (Finding f : Finding.values()) {
      List<String> list = findings.get(f);
      if (list.isEmpty()) {
        continue;
      }
      problems += list.size();
      sb.append(String.format("  %s: %,d %s%n", f.name().toLowerCase().replace('_', '-'),
          list.size(), f.description()));
      for (String line : list.subList(0, Math.min(firstN, list.size()))) {
        sb.append("    ").append(line).append('\n');
      }
      if (list.size() > firstN) {
        sb.append("    ... and ").append(list.size() - firstN).append(" more\n");
      }
    }
    sb.append(delivered() ? DELIVERED : "NOT-DELIVERED: " + problems + " findings");
    return sb.toString();
  }
}
