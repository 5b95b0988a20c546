package io.traceroll.serdes;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Limits and rules every decoder applies, so that all formats treat bad or oversized input alike.
 *
 * @param keyRule what groups spans into one archive
 * @param maxAttributeValueBytes longer string (UTF-8) and bytes values are truncated and marked;
 *     keeps one chatty producer (SQL text, payload dumps) from bloating every trace
 * @param maxAttributesPerSpan attributes past this many are dropped with a mark saying how many
 * @param clock the "now" for the far-in-the-future check (a fixed clock in tests)
 * @param futureTolerance how far past {@code clock} a timestamp may be before it is marked; covers
 *     ordinary clock skew between hosts
 */
public record DecoderSettings(
    TraceKeyRule keyRule,
    int maxAttributeValueBytes,
    int maxAttributesPerSpan,
    Clock clock,
    Duration futureTolerance) {

  public static final int DEFAULT_MAX_ATTRIBUTE_VALUE_BYTES = 4096;
  public static final int DEFAULT_MAX_ATTRIBUTES_PER_SPAN = 128;
  public static final Duration DEFAULT_FUTURE_TOLERANCE = Duration.ofHours(1);

  public DecoderSettings {
    Objects.requireNonNull(keyRule, "keyRule");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(futureTolerance, "futureTolerance");
    if (maxAttributeValueBytes < 1) {
      throw new IllegalArgumentException("maxAttributeValueBytes must be >= 1");
    }
    if (maxAttributesPerSpan < 0) {
      throw new IllegalArgumentException("maxAttributesPerSpan must be >= 0");
    }
    if (futureTolerance.isNegative()) {
      throw new IllegalArgumentException("futureTolerance must not be negative");
    }
  }

  public static DecoderSettings defaults() {
    return new DecoderSettings(TraceKeyRule.traceId(), DEFAULT_MAX_ATTRIBUTE_VALUE_BYTES,
        DEFAULT_MAX_ATTRIBUTES_PER_SPAN, Clock.systemUTC(), DEFAULT_FUTURE_TOLERANCE);
  }

  public DecoderSettings withKeyRule(TraceKeyRule rule) {
    return new DecoderSettings(rule, maxAttributeValueBytes, maxAttributesPerSpan, clock,
        futureTolerance);
  }

  public DecoderSettings withMaxAttributeValueBytes(int max) {
    return new DecoderSettings(keyRule, max, maxAttributesPerSpan, clock, futureTolerance);
  }

  public DecoderSettings withMaxAttributesPerSpan(int max) {
    return new DecoderSettings(keyRule, maxAttributeValueBytes, max, clock, futureTolerance);
  }

  public DecoderSettings withClock(Clock c) {
    return new DecoderSettings(keyRule, maxAttributeValueBytes, maxAttributesPerSpan, c,
        futureTolerance);
  }

  public DecoderSettings withFutureTolerance(Duration tolerance) {
    return new DecoderSettings(keyRule, maxAttributeValueBytes, maxAttributesPerSpan, clock,
        tolerance);
  }
}
