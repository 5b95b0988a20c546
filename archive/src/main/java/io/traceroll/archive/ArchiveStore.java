package io.traceroll.archive;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Where finished trace parts and manifests go: an object store addressed by slash-separated keys.
 *
 * <p>Keys are produced by {@link ArchiveLayout}; a store still validates every key it is given
 * (no empty segment, no {@code .}/{@code ..} segment, no segment starting with {@code .}, no
 * backslash or control character) because a store must never write outside its root, whatever its
 * caller does.
 *
 * <p>Every failure surfaces as an {@link IOException} and is also recorded in {@link #health()},
 * which the topology and the HTTP layer read to report an outage instead of guessing from logs.
 */
public interface ArchiveStore extends Closeable {

  /**
   * Atomically writes (or idempotently overwrites with identical bytes) one object: a reader sees
   * either the old object, no object, or the complete new one, never a partial one.
   *
   * @param body the object's bytes; may be invoked more than once (retries), so it must be
   *     replayable and produce identical bytes each time
   * @return the stored byte count
   * @throws IOException when the object could not be stored (nothing partial is left visible)
   */
  long put(String objectKey, ObjectBody body) throws IOException;

  /**
   * Opens one object for reading.
   *
   * @return the object's bytes, or empty when no object has that key; the caller closes the stream
   */
  Optional<InputStream> get(String objectKey) throws IOException;

  /**
   * Lists the keys that start with {@code prefix} (a plain string prefix, not necessarily ending
   * in {@code /}).
   *
   * @return full object keys, sorted ascending
   */
  List<String> list(String prefix) throws IOException;

  /**
   * Where this store writes, for logs and the status page, e.g. {@code s3://bucket/prefix
   * (endpoint ...)} or {@code file:/abs/dir}. Never contains credentials.
   */
  String describe();

  /** The latest health of this store as seen by its own operations; cheap, never blocks. */
  ArchiveHealth health();
}
