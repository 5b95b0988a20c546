package io.traceroll.serdes;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** Settings with a fixed "now" (2025-01-01) so timestamp checks do not depend on the test date. */
public final class TestSettings {
  public static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

  private TestSettings() {}

  public static DecoderSettings fixedClock() {
    return DecoderSettings.defaults().withClock(Clock.fixed(NOW, ZoneOffset.UTC));
  }
}
