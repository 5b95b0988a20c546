package io.traceroll.perfetto;

import java.util.Objects;

/**
 * Groups slices of one logical operation without a causal link ({@code TrackEvent}'s
 * correlation_id oneof): the UI colours and highlights them together.
 */
public sealed interface Correlation {

  /** Most compact: a number. */
  record Id(long value) implements Correlation {}

  /** A string written inline on every event. */
  record Str(String value) implements Correlation {
    public Str {
      value = WellFormed.utf16(Objects.requireNonNull(value, "value"));
    }
  }

  /**
   * A string interned once per trace ({@code correlation_id_str_iid}): for ids shared by many
   * slices, e.g. the trace id.
   */
  record InternedStr(String value) implements Correlation {
    public InternedStr {
      value = WellFormed.utf16(Objects.requireNonNull(value, "value"));
    }
  }

  static Correlation id(long value) {
    return new Id(value);
  }

  static Correlation string(String value) {
    return new Str(value);
  }

  static Correlation interned(String value) {
    return new InternedStr(value);
  }
}
