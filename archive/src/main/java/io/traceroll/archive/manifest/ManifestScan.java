package io.traceroll.archive.manifest;

import io.traceroll.archive.ManifestEntry;
import java.util.List;

/**
 * What a manifest search found.
 *
 * @param entries distinct entries, ordered by start time, then trace key, then part
 * @param manifests the manifest objects read
 * @param problems lines or objects that could not be read
 */
public record ManifestScan(
    List<ManifestEntry> entries, List<String> manifests, List<ManifestProblem> problems) {

  public ManifestScan {
    entries = List.copyOf(entries);
    manifests = List.copyOf(manifests);
    problems = List.copyOf(problems);
  }
}
