package io.traceroll.perfetto;

import java.util.Arrays;

/**
 * A direct-mapped table in front of an {@link Interner}, looked up by object identity: names and
 * categories are constants passed for every event, so one identity hash and a reference compare
 * replace hashing and comparing the string's characters. A miss (another object, or a collision)
 * falls through to the interner, which is the truth; this only remembers its answers.
 */
final class IdentityFront {
  private final Interner<String> interner;
  private final String[] ref;
  private final long[] iid;

  /** @param slots a power of two */
  IdentityFront(Interner<String> interner, int slots) {
    this.interner = interner;
    this.ref = new String[slots];
    this.iid = new long[slots];
  }

  long iid(String s) {
    int slot = System.identityHashCode(s) & (ref.length - 1);
    if (ref[slot] == s) {
      return iid[slot];
    }
    long v = interner.iid(s);
    ref[slot] = s;
    iid[slot] = v;
    return v;
  }

  /** Forgets every answer: after the interner was cleared. */
  void clear() {
    Arrays.fill(ref, null);
  }
}
