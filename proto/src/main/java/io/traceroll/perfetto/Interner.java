package io.traceroll.perfetto;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One interning index of a packet sequence: values get iids 1, 2, ... in order of first use, and
 * the values first used by the packet being built are remembered so that the packet can carry
 * their definitions ("interned data is emitted in the packet of first use").
 */
final class Interner<K> {
  private final Map<K, Long> ids = new HashMap<>();
  private final List<K> fresh = new ArrayList<>();
  private long next = 1;

  /** The iid of {@code key}, defining it in the current packet if it is new. */
  long iid(K key) {
    Long id = ids.get(key);
    if (id != null) {
      return id;
    }
    long assigned = next++;
    ids.put(key, assigned);
    fresh.add(key);
    return assigned;
  }

  boolean contains(K key) {
    return ids.containsKey(key);
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
    fresh.clear();
  }

  int size() {
    return ids.size();
  }
}
