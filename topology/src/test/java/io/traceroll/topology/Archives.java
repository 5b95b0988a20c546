package io.traceroll.topology;

import io.traceroll.perfetto.check.CheckedTrace;
import io.traceroll.perfetto.check.TraceChecker;

/** Every archive a test produces goes through the Perfetto trace checker. */
final class Archives {

  private Archives() {}

  static CheckedTrace check(byte[] trace) {
    return TraceChecker.check(trace);
  }

  /** Whether some span of the trace carries a mark with this code (a {@code marks} argument). */
  static boolean hasSpanMark(CheckedTrace trace, String code) {
    return trace.slices().stream()
        .anyMatch(s -> s.args().keySet().stream().anyMatch(k -> k.startsWith("marks." + code)));
  }
}
