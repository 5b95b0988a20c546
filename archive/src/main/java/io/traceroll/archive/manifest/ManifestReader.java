package io.traceroll.archive.manifest;

import io.traceroll.archive.ArchiveLayout;
import io.traceroll.archive.ArchiveStore;
import io.traceroll.archive.ManifestEntry;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Finds archived requests by time from the object store alone: lists the manifest objects of each
 * hour in a range and parses them.
 */
public final class ManifestReader {

  /** Refuses ranges longer than this (one listing per hour); page through longer searches. */
  public static final Duration MAX_RANGE = Duration.ofDays(31);
  /** Bounds what one manifest object can make a reader allocate. */
  public static final int MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

  private static final Comparator<ManifestEntry> ORDER = Comparator
      .comparingLong(ManifestEntry::startNanos)
      .thenComparing(ManifestEntry::traceKey)
      .thenComparingInt(ManifestEntry::part)
      .thenComparing(ManifestEntry::objectKey);

  private final ArchiveStore store;
  private final ArchiveLayout layout;

  public ManifestReader(ArchiveStore store, ArchiveLayout layout) {
    this.store = Objects.requireNonNull(store, "store");
    this.layout = Objects.requireNonNull(layout, "layout");
  }

  /**
   * Reads every manifest of the UTC hours from {@code fromHour} to {@code toHour}, both inclusive
   * (each truncated to its hour). Identical entries written by replayed batches appear once.
   *
   * @throws IllegalArgumentException if the range is reversed or longer than {@link #MAX_RANGE}
   * @throws IOException if the store fails; unreadable manifest content is reported in
   *     {@link ManifestScan#problems()} instead
   */
  public ManifestScan read(Instant fromHour, Instant toHour) throws IOException {
    Instant from = fromHour.truncatedTo(ChronoUnit.HOURS);
    Instant to = toHour.truncatedTo(ChronoUnit.HOURS);
    if (to.isBefore(from)) {
      throw new IllegalArgumentException("hour range is reversed: " + from + " > " + to);
    }
    if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
      throw new IllegalArgumentException("hour range longer than " + MAX_RANGE);
    }
    Set<ManifestEntry> entries = new LinkedHashSet<>();
    List<String> manifests = new ArrayList<>();
    List<ManifestProblem> problems = new ArrayList<>();
    for (Instant h = from; !h.isAfter(to); h = h.plus(1, ChronoUnit.HOURS)) {
      for (String key : store.list(layout.manifestHourPrefix(h))) {
        if (!key.endsWith(ArchiveLayout.MANIFEST_SUFFIX)) {
          continue;
        }
        manifests.add(key);
        readOne(key, entries, problems);
      }
    }
    List<ManifestEntry> sorted = new ArrayList<>(entries);
    sorted.sort(ORDER);
    return new ManifestScan(sorted, manifests, problems);
  }

  private void readOne(String key, Set<ManifestEntry> entries, List<ManifestProblem> problems)
      throws IOException {
    Optional<InputStream> in = store.get(key);
    if (in.isEmpty()) {
      // listed a moment ago: deleted by retention in between
      problems.add(new ManifestProblem(key, 0, "listed but no longer present"));
      return;
    }
    byte[] bytes;
    try (InputStream s = in.get()) {
      bytes = s.readNBytes(MAX_MANIFEST_BYTES + 1);
    }
    if (bytes.length > MAX_MANIFEST_BYTES) {
      // ours are one batch each, far smaller: this is not a manifest we wrote
      problems.add(new ManifestProblem(key, 0, "larger than " + MAX_MANIFEST_BYTES
          + " bytes, not read"));
      return;
    }
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        new ByteArrayInputStream(bytes), StandardCharsets.UTF_8))) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        try {
          entries.add(ManifestCodec.decodeLine(line));
        } catch (IllegalArgumentException e) {
          problems.add(new ManifestProblem(key, n, e.getMessage()));
        }
      }
    }
  }
}
