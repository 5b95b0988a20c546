package io.traceroll.perfetto;

import java.util.List;
import java.util.Objects;

/**
 * A typed debug-annotation value ({@code DebugAnnotation}'s value oneof plus dicts and arrays): a
 * light tree the writer sizes and encodes directly, so callers never build protobuf objects.
 */
public sealed interface AnnotationValue {

  record Bool(boolean value) implements AnnotationValue {}

  record Int(long value) implements AnnotationValue {}

  /** Unsigned 64-bit: trace processor shows {@code value} as an unsigned number. */
  record Uint(long value) implements AnnotationValue {}

  record Double(double value) implements AnnotationValue {}

  /** Shown as a hex pointer. */
  record Pointer(long value) implements AnnotationValue {}

  /**
   * A string; {@code interned} puts it once per trace into {@code debug_annotation_string_values}
   * and references it by iid afterwards: worth it for low-cardinality values (http.method,
   * status) repeated over thousands of slices, wasteful for ids that never repeat.
   */
  record Str(String value, boolean interned) implements AnnotationValue {
    public Str {
      value = WellFormed.utf16(Objects.requireNonNull(value, "value"));
    }
  }

  /** Nested key/values: trace processor flattens them to {@code parent.child} arg keys. */
  record Dict(List<Annotation> entries) implements AnnotationValue {
    public Dict {
      entries = List.copyOf(entries);
    }
  }

  /** Trace processor flattens elements to {@code parent[i]} arg keys. */
  record Array(List<AnnotationValue> values) implements AnnotationValue {
    public Array {
      values = List.copyOf(values);
    }
  }

  static AnnotationValue of(String value) {
    return new Str(value, false);
  }

  static AnnotationValue of(long value) {
    return new Int(value);
  }

  static AnnotationValue of(double value) {
    return new Double(value);
  }

  static AnnotationValue of(boolean value) {
    return new Bool(value);
  }
}
