package io.traceroll.serdes.avro;

import java.nio.charset.StandardCharsets;

/**
 * A writing thread's bounded cache of the UTF-8 bytes of short strings it encodes: the encode-side
 * twin of {@link DecodeCache}. Keys, names and low-cardinality values repeat on every span of a
 * chunk; their bytes are produced once and then copied.
 *
 * <p>Keyed by content ({@link String#hashCode}, which a string caches), checked first by identity,
 * since spans decoded on this pipeline share their repeated strings, and then by
 * {@link String#equals}, so any equal string hits. Two-way sets, most recently used first. At most
 * {@value #SLOTS} strings of {@value #MAX_CHARS} chars: a few hundred KiB per thread, strongly
 * held immutable objects only.
 */
final class EncodedStrings {
  static final int MAX_CHARS = 128;
  private static final int SLOTS = 2048;

  private final int[] hashes = new int[SLOTS];
  private final String[] keys = new String[SLOTS];
  private final byte[][] values = new byte[SLOTS][];

  /** {@code s.getBytes(UTF_8)}, possibly shared: callers must not modify it. */
  byte[] utf8(String s) {
    int h = s.hashCode();
    int a = ((h * 0x9E3779B9) >>> 21) & ~1; // 1024 sets of two
    // Hashes are compared first, so a slot holding another string is rejected without reading
    // that string's characters.
    if (hashes[a] == h) {
      String k = keys[a];
      if (k == s || (k != null && k.equals(s))) {
        return values[a];
      }
    }
    int b = a + 1;
    byte[] bytes;
    if (hashes[b] == h && (keys[b] == s || (keys[b] != null && keys[b].equals(s)))) {
      bytes = values[b];
    } else {
      bytes = s.getBytes(StandardCharsets.UTF_8);
    }
    // most recently used first
    hashes[b] = hashes[a];
    keys[b] = keys[a];
    values[b] = values[a];
    hashes[a] = h;
    keys[a] = s;
    values[a] = bytes;
    return bytes;
  }
}
