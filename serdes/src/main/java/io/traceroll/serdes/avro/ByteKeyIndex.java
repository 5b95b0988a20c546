package io.traceroll.serdes.avro;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The key side of a bounded cache keyed by short byte sequences (an encoded string, an encoded
 * key/value pair): {@link #find} gives the slot holding exactly these bytes, and the caller keeps
 * the values in its own array of that slot's type (a typed array needs no cast, so a hit never
 * touches the cached object itself).
 *
 * <p>Why so particular: a lookup replaces building a string, which the JDK does in a few
 * nanoseconds, so it must cost fewer. Keys of up to 16 bytes (most strings) are held inline as two
 * words and compared without touching another object; longer keys (up to {@code maxBytes}; most
 * key/value pairs) are prefiltered by those words and then compared in full. Two-way sets, no reordering on a hit (no stores). A key is
 * admitted the second time it is seen ({@link #admit}): one-off values (ids, counters, most of a
 * span's unique text) neither evict repeated ones nor pay for a copy of their bytes.
 *
 * <p>Not thread-safe; one instance per decoding thread.
 */
final class ByteKeyIndex {
  private static final long M1 = 0x9E3779B97F4A7C15L;
  private static final long M2 = 0xC2B2AE3D27D4EB4FL;
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final int maxBytes;
  private final int setMask;
  /** Per slot: length (low 32 bits, 0 when empty) and hash (high 32 bits). */
  private final long[] meta;
  /** Per slot: first and last word of the key, zero-padded below 8 bytes. */
  private final long[] words;
  /** Per slot: the whole key, only when longer than 16 bytes. */
  private final byte[][] longKeys;
  private final int[] seen;
  private final byte[] victim;

  // The key of the last find(), for the admit() that follows its miss. Primitives only: a
  // reference stored here on every lookup would cost a GC write barrier each time.
  private int keyHash;
  private long keyFirst;
  private long keyLast;

  /**
   * @param slots capacity, a power of two
   * @param maxBytes longer byte sequences are never cached
   */
  ByteKeyIndex(int slots, int maxBytes) {
    if (slots < 2 || Integer.bitCount(slots) != 1) {
      throw new IllegalArgumentException("slots must be a power of two >= 2: " + slots);
    }
    this.maxBytes = maxBytes;
    this.setMask = slots / 2 - 1;
    this.meta = new long[slots];
    this.words = new long[2 * slots];
    this.longKeys = new byte[slots][];
    this.seen = new int[slots];
    this.victim = new byte[slots / 2];
  }

  /** The slot holding exactly these bytes, or -1. */
  int find(byte[] bytes, int offset, int length) {
    if (length <= 0 || length > maxBytes) {
      return -1;
    }
    key(bytes, offset, length);
    int h = keyHash;
    long first = keyFirst;
    long last = keyLast;
    long lengthAndHash = ((long) h << 32) | length;
    int a = (h & setMask) << 1;
    if (meta[a] == lengthAndHash && words[2 * a] == first && words[2 * a + 1] == last) {
      if (length <= 16 || sameBytes(longKeys[a], bytes, offset, length)) {
        return a;
      }
    }
    int b = a + 1;
    if (meta[b] == lengthAndHash && words[2 * b] == first && words[2 * b + 1] == last) {
      if (length <= 16 || sameBytes(longKeys[b], bytes, offset, length)) {
        return b;
      }
    }
    return -1;
  }

  /**
   * After {@link #find} of the same bytes missed: the slot to store their value in (its old key
   * evicted), or -1 when this is their first sighting (remembered, not cached) or they are not
   * cacheable.
   */
  int admit(byte[] bytes, int offset, int length) {
    if (length <= 0 || length > maxBytes) {
      return -1;
    }
    key(bytes, offset, length);
    int h = keyHash;
    int f = (h >>> 11) & (seen.length - 1);
    if (seen[f] != h) {
      seen[f] = h;
      return -1;
    }
    int set = h & setMask;
    int slot = (set << 1) + victim[set];
    victim[set] ^= 1;
    meta[slot] = ((long) h << 32) | length;
    words[2 * slot] = keyFirst;
    words[2 * slot + 1] = keyLast;
    longKeys[slot] = length > 16 ? Arrays.copyOfRange(bytes, offset, offset + length) : null;
    return slot;
  }

  /**
   * The first and last eight bytes (zero-padded; the last only past eight bytes), which are the
   * whole key up to 16 bytes, and a hash of them. Without data-dependent branches where the
   * bytes are not at the very edge of the array: lengths vary from one string to the next, and
   * mispredicted branches would cost more than the lookup saves.
   */
  private void key(byte[] bytes, int offset, int length) {
    int end = offset + length;
    long first;
    long last;
    if (end >= 8 && offset <= bytes.length - 8) {
      first = (long) LONGS.get(bytes, offset) & (-1L >>> (64 - 8 * Math.min(length, 8)));
      long tail = (long) LONGS.get(bytes, end - 8);
      last = length > 8 ? tail : 0;
    } else {
      first = 0;
      for (int i = Math.min(end, offset + 8) - 1; i >= offset; i--) {
        first = (first << 8) | (bytes[i] & 0xff);
      }
      last = 0;
      if (length > 8) {
        for (int i = end - 1; i >= end - 8; i--) {
          last = (last << 8) | (bytes[i] & 0xff);
        }
      }
    }
    keyFirst = first;
    keyLast = last;
    keyHash = (int) ((((first * M1) ^ (last * M2)) + length) * M1 >>> 32);
  }

  private static boolean sameBytes(byte[] key, byte[] bytes, int offset, int length) {
    return Arrays.equals(key, 0, length, bytes, offset, offset + length);
  }
}
