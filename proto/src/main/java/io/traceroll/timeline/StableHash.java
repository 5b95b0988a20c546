package io.traceroll.timeline;

/**
 * A 64-bit hash that is identical on every JVM and run: synthetic pids and sequence ids are
 * derived from it because archives are rewritten idempotently after a crash and parts of one
 * request must agree. {@link String#hashCode()} is stable too but only 32 bits, and record
 * hash codes are not stable at all (enums hash by identity).
 */
final class StableHash {
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private long h = FNV_OFFSET;

  StableHash add(String s) {
    if (s == null) {
      return add(0x9e3779b97f4a7c15L);
    }
    for (int i = 0, n = s.length(); i < n; i++) {
      h = (h ^ s.charAt(i)) * FNV_PRIME;
    }
    // length terminator: ("ab","c") and ("a","bc") must differ
    return add(s.length());
  }

  StableHash add(long v) {
    for (int i = 0; i < 8; i++) {
      h = (h ^ (v & 0xff)) * FNV_PRIME;
      v >>>= 8;
    }
    return this;
  }

  /** Finalized value; FNV alone mixes the last bytes poorly, so run a murmur3 fmix64 over it. */
  long value() {
    long z = h;
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  static StableHash of(String tag) {
    return new StableHash().add(tag);
  }
}
