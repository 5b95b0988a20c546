package io.traceroll.archive;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The bytes of one object, written on demand so a large trace never has to exist as one array.
 *
 * <p>Must be replayable: a store may call {@link #writeTo} again after a failed attempt, and every
 * call must write identical bytes (that is what makes a retried put an idempotent overwrite).
 */
@FunctionalInterface
public interface ObjectBody {

  /** Writes the whole object to {@code out}; must not close {@code out}. */
  void writeTo(OutputStream out) throws IOException;

  /** A body of fixed bytes (tests, manifests, sidecars). The array is not copied. */
  static ObjectBody ofBytes(byte[] bytes) {
    return out -> out.write(bytes);
  }
}
