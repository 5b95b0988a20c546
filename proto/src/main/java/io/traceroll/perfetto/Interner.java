package io.traceroll.perfetto;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One interning index of a packet sequence: values get iids 1, 2, ... in order of first use, and
 * the values first used by the packet being built are remembered so that the packet can carry
 * their definitions ("interned data is emitted in the packet of first use").
 *
 * <p>Looked up for every category, name and annotation name of every event, so this is an
 * open-addressing table of keys and primitive iids rather than a {@code HashMap<K, Long>}: no
 * boxing, no entry nodes, and an identity comparison first (the same key object comes back
 * event after event: constants and decoder-shared key strings).
 */
final class Interner<K> {
  private Object[] keys = new Object[64];
  private long[] ids = new long[64];
  /**
   * Each key's hash, compared before {@code equals}: a probe that meets another key (linear
   * probing at up to half load) then costs an int compare instead of a string compare, and
   * lookups of equal strings that are other objects (a decoder's per-span copies) were most of
   * this index's cost.
   */
  private int[] hashes = new int[64];
  private int size;
  private final List<K> fresh = new ArrayList<>();
  private long next = 1;
  private final Fresh pending;

  /**
   * Shared by the indexes of one sequence: whether any of them holds fresh entries, so that a
   * packet defining nothing (nearly every packet) skips sizing and committing all of them.
   */
  static final class Fresh {
    boolean any;
  }

  Interner() {
    this(new Fresh());
  }

  Interner(Fresh pending) {
    this.pending = pending;
  }

  /** The iid of {@code key}, defining it in the current packet if it is new. */
  long iid(K key) {
    int mask = keys.length - 1;
    int h = key.hashCode();
    for (int i = spread(h) & mask; ; i = (i + 1) & mask) {
      Object k = keys[i];
      if (k == null) {
        return assign(key, h, i);
      }
      if (k == key || hashes[i] == h && k.equals(key)) {
        return ids[i];
      }
    }
  }

  /** The iid of {@code key}, or 0 when it has none (nothing is assigned). */
  long find(K key) {
    int mask = keys.length - 1;
    int h = key.hashCode();
    for (int i = spread(h) & mask; ; i = (i + 1) & mask) {
      Object k = keys[i];
      if (k == null) {
        return 0;
      }
      if (k == key || hashes[i] == h && k.equals(key)) {
        return ids[i];
      }
    }
  }

  boolean contains(K key) {
    int mask = keys.length - 1;
    int h = key.hashCode();
    for (int i = spread(h) & mask; ; i = (i + 1) & mask) {
      Object k = keys[i];
      if (k == null) {
        return false;
      }
      if (k == key || hashes[i] == h && k.equals(key)) {
        return true;
      }
    }
  }

  private long assign(K key, int h, int slot) {
    long assigned = next++;
    keys[slot] = key;
    ids[slot] = assigned;
    hashes[slot] = h;
    size++;
    fresh.add(key);
    pending.any = true;
    if (2 * size > keys.length) {
      grow();
    }
    return assigned;
  }

  private void grow() {
    Object[] oldKeys = keys;
    long[] oldIds = ids;
    int[] oldHashes = hashes;
    keys = new Object[oldKeys.length * 2];
    ids = new long[oldKeys.length * 2];
    hashes = new int[oldKeys.length * 2];
    int mask = keys.length - 1;
    for (int j = 0; j < oldKeys.length; j++) {
      Object k = oldKeys[j];
      if (k != null) {
        int i = spread(oldHashes[j]) & mask;
        while (keys[i] != null) {
          i = (i + 1) & mask;
        }
        keys[i] = k;
        ids[i] = oldIds[j];
        hashes[i] = oldHashes[j];
      }
    }
    Arrays.fill(oldKeys, null);
  }

  /** Records and strings of similar text hash to neighbours; linear probing needs spread. */
  private static int spread(int h) {
    int x = h * 0x9E3779B9;
    return x ^ (x >>> 16);
  }

  /** Forgets every entry: iids start at 1 again. */
  void clear() {
    if (size > 0) {
      Arrays.fill(keys, null);
      size = 0;
    }
    next = 1;
    fresh.clear();
  }

  /** Whether the current packet defines entries of this index. */
  boolean hasFresh() {
    return !fresh.isEmpty();
  }

  int freshCount() {
    return fresh.size();
  }

  K fresh(int i) {
    return fresh.get(i);
  }

  /**
   * The iid of the i-th fresh entry: fresh entries are exactly the last ones assigned, so no
   * second lookup is needed.
   */
  long freshIid(int i) {
    return next - fresh.size() + i;
  }

  /** Called once the packet that defines the fresh entries has been written. */
  void commit() {
    if (!fresh.isEmpty()) { // called for every index after every packet; nearly always empty
      fresh.clear();
    }
  }

  int size() {
    return size;
  }
}
