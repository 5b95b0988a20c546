package io.traceroll.generator;

import java.util.Random;

/**
 * How big generated requests are. Most real requests are small; the rare huge ones are what break
 * naive per-trace buffering, so a realistic mix needs both, at a configurable rate.
 *
 * @param smallMin smallest ordinary request (spans)
 * @param smallMax largest ordinary request (spans)
 * @param largeShare fraction of requests with about {@code largeSpans} spans (batch jobs, N+1 loops)
 * @param largeSpans size of a large request
 * @param hugeShare fraction of requests with {@code hugeSpans} spans (runaway fan-out)
 * @param hugeSpans size of a huge request
 */
public record SizeMix(int smallMin, int smallMax, double largeShare, int largeSpans,
    double hugeShare, int hugeSpans) {

  public SizeMix {
    if (smallMin < 1 || smallMax < smallMin) {
      throw new IllegalArgumentException("need 1 <= smallMin <= smallMax");
    }
    if (largeShare < 0 || hugeShare < 0 || largeShare + hugeShare > 1) {
      throw new IllegalArgumentException("shares must be >= 0 and sum to at most 1");
    }
    if (largeSpans < 1 || hugeSpans < 1) {
      throw new IllegalArgumentException("large and huge sizes must be >= 1");
    }
  }

  /** 5–50 spans mostly, 1 in 50 about 1,000, 1 in 2,000 exactly 20,000. */
  public static SizeMix realistic() {
    return new SizeMix(5, 50, 0.02, 1_000, 0.0005, 20_000);
  }

  /** Only small requests: for quick tests and laptops. */
  public static SizeMix smallOnly() {
    return new SizeMix(5, 50, 0, 1_000, 0, 20_000);
  }

  /**
   * Parses {@code small} / {@code realistic}, or {@code min-max,largeShare:largeSpans,
   * hugeShare:hugeSpans} e.g. {@code 5-50,0.02:1000,0.0005:20000}.
   */
  public static SizeMix parse(String text) {
    String t = text.trim();
    if (t.equalsIgnoreCase("realistic")) {
      return realistic();
    }
    if (t.equalsIgnoreCase("small")) {
      return smallOnly();
    }
    try {
      String[] parts = t.split(",");
      String[] range = parts[0].split("-");
      String[] large = parts[1].split(":");
      String[] huge = parts[2].split(":");
      return new SizeMix(Integer.parseInt(range[0].trim()), Integer.parseInt(range[1].trim()),
          Double.parseDouble(large[0]), Integer.parseInt(large[1].trim()),
          Double.parseDouble(huge[0]), Integer.parseInt(huge[1].trim()));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("size mix must be 'realistic', 'small' or "
          + "'min-max,largeShare:largeSpans,hugeShare:hugeSpans', got '" + text + "'", e);
    }
  }

  /** Target span count of the next request; large requests vary by ±10% like real batches do. */
  int draw(Random r) {
    double x = r.nextDouble();
    if (x < hugeShare) {
      return hugeSpans;
    }
    if (x < hugeShare + largeShare) {
      return Math.max(1, largeSpans - largeSpans / 10 + r.nextInt(largeSpans / 5 + 1));
    }
    return smallMin + r.nextInt(smallMax - smallMin + 1);
  }
}
