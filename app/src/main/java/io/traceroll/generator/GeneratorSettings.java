package io.traceroll.generator;

import java.time.Duration;
import java.util.Objects;

/**
 * What the request generator produces; everything derives from {@code seed}.
 *
 * @param errorRate fraction of requests in which one call fails (exception event, ERROR status up
 *     the calling chain)
 * @param asyncRate chance that a service able to publish work does so within a request; each
 *     hand-off starts a new trace correlated by {@code request.id}
 * @param lateRate fraction of requests whose spans from one service arrive {@code lateDelay} after
 *     the rest (a stalled exporter), so the archive sees spans after the request closed
 * @param threadRate fraction of spans of JVM services that report {@code thread.id/thread.name}
 */
public record GeneratorSettings(long seed, SizeMix sizes, double errorRate, double asyncRate,
    double lateRate, Duration lateDelay, double threadRate) {

  public GeneratorSettings {
    Objects.requireNonNull(sizes, "sizes");
    Objects.requireNonNull(lateDelay, "lateDelay");
    rate("errorRate", errorRate);
    rate("asyncRate", asyncRate);
    rate("lateRate", lateRate);
    rate("threadRate", threadRate);
    if (lateDelay.isNegative()) {
      throw new IllegalArgumentException("lateDelay must not be negative");
    }
  }

  public static GeneratorSettings defaults(long seed) {
    return new GeneratorSettings(seed, SizeMix.realistic(), 0.05, 0.3, 0.02,
        Duration.ofSeconds(90), 0.8);
  }

  public GeneratorSettings withSizes(SizeMix mix) {
    return new GeneratorSettings(seed, mix, errorRate, asyncRate, lateRate, lateDelay, threadRate);
  }

  public GeneratorSettings withLateSpans(double rate, Duration delay) {
    return new GeneratorSettings(seed, sizes, errorRate, asyncRate, rate, delay, threadRate);
  }

  public GeneratorSettings withErrorRate(double rate) {
    return new GeneratorSettings(seed, sizes, rate, asyncRate, lateRate, lateDelay, threadRate);
  }

  public GeneratorSettings withAsyncRate(double rate) {
    return new GeneratorSettings(seed, sizes, errorRate, rate, lateRate, lateDelay, threadRate);
  }

  private static void rate(String name, double v) {
    if (!(v >= 0 && v <= 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1]: " + v);
    }
  }
}
