package io.traceroll.perfetto;

import java.util.Objects;

/**
 * One frame of a {@link Callstack} (profiling {@code Frame}). Interned by value.
 *
 * @param mapping the binary the frame is in, or {@code null} when only the function is known
 * @param relPc pc relative to the mapping start; meaningful only with a mapping
 */
public record Frame(String functionName, Mapping mapping, long relPc) {
  public Frame {
    functionName = WellFormed.utf16(Objects.requireNonNull(functionName, "functionName"));
  }

  public static Frame of(String functionName) {
    return new Frame(functionName, null, 0);
  }
}
