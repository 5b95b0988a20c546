package io.traceroll.perfetto;

import java.util.Objects;

/**
 * One frame of an inline callstack ({@code TrackEvent.Callstack.Frame}): function, source file and
 * line as separate fields, for a stack written on its event rather than interned.
 *
 * @param sourceFile {@code null} when unknown
 * @param lineNumber 0 when unknown
 */
public record InlineFrame(String functionName, String sourceFile, int lineNumber) {
  public InlineFrame {
    functionName = WellFormed.utf16(Objects.requireNonNull(functionName, "functionName"));
    sourceFile = WellFormed.utf16(sourceFile);
    if (lineNumber < 0) {
      throw new IllegalArgumentException("line number " + lineNumber + " < 0");
    }
  }
}
