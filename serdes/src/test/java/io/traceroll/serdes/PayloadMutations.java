package io.traceroll.serdes;

import java.util.Arrays;
import java.util.Random;

/** Byte-level corruption of valid payloads, shared by the fuzz properties. */
public final class PayloadMutations {
  private PayloadMutations() {}

  /** Bit flips, truncation, splicing two payloads, and duplicated ranges. */
  public static byte[] mutate(byte[] seed, byte[] other, int how, Random r) {
    byte[] out = seed.clone();
    switch (how) {
      case 0 -> {
        int flips = 1 + r.nextInt(8);
        for (int i = 0; i < flips; i++) {
          int pos = r.nextInt(out.length);
          out[pos] ^= (byte) (1 << r.nextInt(8));
        }
      }
      case 1 -> out = Arrays.copyOf(out, r.nextInt(out.length));
      case 2 -> {
        int cut = r.nextInt(out.length + 1);
        int from = r.nextInt(other.length + 1);
        byte[] spliced = new byte[cut + other.length - from];
        System.arraycopy(out, 0, spliced, 0, cut);
        System.arraycopy(other, from, spliced, cut, other.length - from);
        out = spliced;
      }
      default -> {
        int start = r.nextInt(out.length);
        int len = r.nextInt(Math.min(64, out.length - start) + 1);
        int at = r.nextInt(out.length + 1);
        byte[] dup = new byte[out.length + len];
        System.arraycopy(out, 0, dup, 0, at);
        System.arraycopy(out, start, dup, at, len);
        System.arraycopy(out, at, dup, at + len, out.length - at);
        out = dup;
      }
    }
    return out;
  }
}
