package io.traceroll.perfetto;

import java.util.ArrayList;
import java.util.List;

/**
 * A binary mapped into a process (profiling {@code Mapping}), for frames that carry symbolisation
 * data. Interned by value.
 *
 * @param buildId build id, or {@code null}
 * @param path path of the binary, or {@code null}
 */
public record Mapping(String buildId, String path, long start, long end, long exactOffset,
    long loadBias) {

  public Mapping {
    buildId = WellFormed.utf16(buildId);
    path = WellFormed.utf16(path);
  }

  /**
   * The path as Perfetto stores it: one interned string per component ({@code
   * ["usr", "lib", "libc.so"]}), which trace processor joins with '/'.
   */
  public List<String> pathComponents() {
    List<String> parts = new ArrayList<>();
    if (path != null) {
      for (String part : path.split("/")) {
        if (!part.isEmpty()) {
          parts.add(part);
        }
      }
    }
    return parts;
  }
}
