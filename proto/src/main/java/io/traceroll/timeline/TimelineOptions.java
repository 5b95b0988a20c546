package io.traceroll.timeline;

/**
 * Knobs of the span to timeline mapping. Every option changes the bytes written, so archives that
 * must be rewritten idempotently have to be written with the same options.
 *
 * @param inFlightCounters emit the per-service "in-flight spans" counter track
 * @param flows emit flow arrows for cross-track parent/child edges and span links
 * @param callstacks turn exception stack traces into interned callstacks (otherwise the raw text is
 *     kept as an annotation)
 * @param maxStackFrames frames kept per parsed stack trace (deepest frames beyond it are dropped
 *     and counted in an annotation); guards the interning tables against pathological recursion
 */
public record TimelineOptions(
    boolean inFlightCounters, boolean flows, boolean callstacks, int maxStackFrames) {
  public TimelineOptions {
    if (maxStackFrames < 1) {
      throw new IllegalArgumentException("maxStackFrames must be >= 1: " + maxStackFrames);
    }
  }

  public static TimelineOptions defaults() {
    return new TimelineOptions(true, true, true, 256);
  }
}
