package io.traceroll.crashloop;

import io.traceroll.archive.ArchiveLayout;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the verifier holds the archive against: every span the broker acknowledged, under the
 * request key it must be archived under. Only acknowledged sends are recorded (from the producer's
 * callback), so a send that failed is never counted as lost by the pipeline.
 *
 * <p>Thread-safe. Saved as one {@code encodedKey spanId} line per span ({@link
 * ArchiveLayout#encodeKey}: no whitespace, reversible), so {@code crash-loop --verify-only} can
 * check an archive after the run that produced it is gone.
 */
public final class ExpectedSpans {

  private final Map<String, Set<String>> byKey = new LinkedHashMap<>();
  private long spans;
  private long duplicates;

  /** Records spans the broker acknowledged for request {@code key}. */
  public synchronized void add(String key, Collection<String> spanIds) {
    Set<String> ids = byKey.computeIfAbsent(key, k -> new LinkedHashSet<>());
    for (String id : spanIds) {
      if (ids.add(id)) {
        spans++;
      } else {
        // the same span acknowledged twice: the workload itself repeated it, which the verifier
        // would otherwise report as a pipeline duplicate
        duplicates++;
      }
    }
  }

  public synchronized long spans() {
    return spans;
  }

  public synchronized int requests() {
    return byKey.size();
  }

  /** Spans sent more than once under one key (a workload bug; zero for generated requests). */
  public synchronized long duplicates() {
    return duplicates;
  }

  /** A copy: key to span ids, in the order first acknowledged. */
  public synchronized Map<String, Set<String>> byKey() {
    Map<String, Set<String>> copy = new LinkedHashMap<>();
    byKey.forEach((k, v) -> copy.put(k, new LinkedHashSet<>(v)));
    return copy;
  }

  public synchronized void save(Path file) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
      for (Map.Entry<String, Set<String>> e : byKey.entrySet()) {
        String key = ArchiveLayout.encodeKey(e.getKey());
        for (String id : e.getValue()) {
          w.write(key);
          w.write(' ');
          w.write(id);
          w.newLine();
        }
      }
    }
  }

  /** Reads a file written by {@link #save}; a malformed line fails with its line number. */
  public static ExpectedSpans load(Path file) throws IOException {
    ExpectedSpans expected = new ExpectedSpans();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        String[] fields = line.split(" ");
        if (fields.length != 2) {
          throw new IOException(file + ":" + n + ": expected 'encodedKey spanId'");
        }
        try {
          expected.add(ArchiveLayout.decodeKey(fields[0]), List.of(fields[1]));
        } catch (IllegalArgumentException e) {
          throw new IOException(file + ":" + n + ": " + e.getMessage(), e);
        }
      }
    }
    return expected;
  }

  /** Convenience for tests and single requests. */
  public static ExpectedSpans of(Map<String, ? extends Collection<String>> spans) {
    ExpectedSpans e = new ExpectedSpans();
    spans.forEach((k, v) -> e.add(k, new ArrayList<>(v)));
    return e;
  }
}
