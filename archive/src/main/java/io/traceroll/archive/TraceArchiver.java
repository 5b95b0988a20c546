package io.traceroll.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Writes and reads the trace parts of requests: a store plus its layout, applying compression and
 * the key sidecar so callers only deal in trace keys, part numbers and uncompressed Perfetto bytes.
 * Thread-safe when the store is (both stores are).
 */
public final class TraceArchiver {

  /** Bounds a sidecar read; a trace key this long (8 MiB encoded) is not one a producer sent. */
  private static final int MAX_SIDECAR_BYTES = 8 * 1024 * 1024;

  private final ArchiveStore store;
  private final ArchiveLayout layout;

  public TraceArchiver(ArchiveStore store, ArchiveLayout layout) {
    this.store = Objects.requireNonNull(store, "store");
    this.layout = Objects.requireNonNull(layout, "layout");
  }

  public ArchiveStore store() {
    return store;
  }

  public ArchiveLayout layout() {
    return layout;
  }

  /**
   * Stores one part of a request's trace, compressed as the layout says. For a key too long for its
   * path segment the sidecar with the full key is written first, so no part is ever visible
   * without a way back to its key.
   *
   * @param trace writes the uncompressed {@code .pftrace} bytes; replayable (see {@link ObjectBody})
   * @throws IOException when the store fails; nothing partial is visible then
   */
  public StoredPart writePart(String traceKey, int part, ObjectBody trace) throws IOException {
    String objectKey = layout.partKey(traceKey, part);
    Optional<String> sidecar = layout.keySidecarKey(traceKey);
    if (sidecar.isPresent()) {
      byte[] encoded = ArchiveLayout.encodeKey(traceKey).getBytes(StandardCharsets.US_ASCII);
      store.put(sidecar.get(), ObjectBody.ofBytes(encoded));
    }
    Compression compression = layout.compression();
    int level = layout.compressionLevel();
    long bytes = store.put(objectKey, out -> {
      try (var compressed = compression.wrap(out, level)) {
        trace.writeTo(compressed);
      }
    });
    return new StoredPart(traceKey, part, objectKey, bytes);
  }

  /** The part keys of one request, in part order (one listing, nothing else consulted). */
  public List<String> partKeys(String traceKey) throws IOException {
    List<String> parts = new ArrayList<>();
    for (String key : store.list(layout.requestPrefix(traceKey))) {
      if (layout.partNumber(key).isPresent()) {
        parts.add(key);
      }
    }
    parts.sort((a, b) -> Integer.compare(layout.partNumber(a).getAsInt(),
        layout.partNumber(b).getAsInt()));
    return parts;
  }

  /**
   * Opens one part uncompressed (by its own suffix, so parts written before a compression change
   * still read).
   */
  public Optional<InputStream> openPart(String objectKey) throws IOException {
    Optional<InputStream> raw = store.get(objectKey);
    if (raw.isEmpty()) {
      return raw;
    }
    Compression c = objectKey.endsWith(Compression.GZIP.suffix()) ? Compression.GZIP
        : Compression.NONE;
    try {
      return Optional.of(c.unwrap(raw.get()));
    } catch (IOException e) {
      raw.get().close();
      throw e;
    }
  }

  /**
   * The full trace key of a request prefix or part key: from the path when it holds the key,
   * otherwise from the sidecar; empty when neither does (not a part of this layout).
   */
  public Optional<String> traceKeyOf(String objectKey) throws IOException {
    Optional<String> fromPath = layout.traceKeyOf(objectKey);
    if (fromPath.isPresent()) {
      return fromPath;
    }
    String traces = layout.tracesPrefix();
    if (!objectKey.startsWith(traces)) {
      return Optional.empty();
    }
    String[] segs = objectKey.substring(traces.length()).split("/", -1);
    if (segs.length < 2) {
      return Optional.empty();
    }
    String sidecar = traces + segs[0] + '/' + segs[1] + '/' + ArchiveLayout.KEY_SIDECAR;
    Optional<InputStream> in = store.get(sidecar);
    if (in.isEmpty()) {
      return Optional.empty();
    }
    try (InputStream s = in.get()) {
      String encoded = new String(s.readNBytes(MAX_SIDECAR_BYTES), StandardCharsets.US_ASCII);
      String key = ArchiveLayout.decodeKey(encoded);
      // a sidecar is only trusted if it belongs to the directory it sits in
      return layout.requestPrefix(key).equals(traces + segs[0] + '/' + segs[1] + '/')
          ? Optional.of(key) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Part number of a part key, for callers that list themselves. */
  public OptionalInt partNumber(String objectKey) {
    return layout.partNumber(objectKey);
  }
}
