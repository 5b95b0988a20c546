package io.traceroll.perfetto;

import io.traceroll.span.Attribute;
import io.traceroll.span.AttributeValue;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * One named debug annotation of a slice or instant. Names are always interned by the writer
 * (they repeat on every slice); see {@link AnnotationValue.Str} for string values.
 */
public record Annotation(String name, AnnotationValue value) {

  public Annotation {
    name = WellFormed.utf16(Objects.requireNonNull(name, "name"));
    Objects.requireNonNull(value, "value");
  }

  public static Annotation of(String name, String value) {
    return new Annotation(name, new AnnotationValue.Str(value, false));
  }

  /** A string value interned once per trace: for low-cardinality values. */
  public static Annotation interned(String name, String value) {
    return new Annotation(name, new AnnotationValue.Str(value, true));
  }

  public static Annotation of(String name, long value) {
    return new Annotation(name, new AnnotationValue.Int(value));
  }

  public static Annotation ofUnsigned(String name, long value) {
    return new Annotation(name, new AnnotationValue.Uint(value));
  }

  public static Annotation of(String name, double value) {
    return new Annotation(name, new AnnotationValue.Double(value));
  }

  public static Annotation of(String name, boolean value) {
    return new Annotation(name, new AnnotationValue.Bool(value));
  }

  public static Annotation pointer(String name, long value) {
    return new Annotation(name, new AnnotationValue.Pointer(value));
  }

  public static Annotation dict(String name, List<Annotation> entries) {
    return new Annotation(name, new AnnotationValue.Dict(entries));
  }

  public static Annotation array(String name, List<AnnotationValue> values) {
    return new Annotation(name, new AnnotationValue.Array(values));
  }

  /**
   * The span model's attribute as an annotation, keeping its type: maps become dicts, arrays
   * arrays, bytes lower-case hex strings (trace processor has no bytes arg type).
   */
  public static Annotation fromAttribute(Attribute attribute) {
    return new Annotation(attribute.key(), valueOf(attribute.value()));
  }

  /** {@link #fromAttribute} over a list, in order. */
  public static List<Annotation> fromAttributes(List<Attribute> attributes) {
    List<Annotation> out = new ArrayList<>(attributes.size());
    for (Attribute a : attributes) {
      out.add(fromAttribute(a));
    }
    return out;
  }

  private static AnnotationValue valueOf(AttributeValue v) {
    if (v instanceof AttributeValue.StringValue s) {
      return new AnnotationValue.Str(s.value(), false);
    } else if (v instanceof AttributeValue.LongValue l) {
      return new AnnotationValue.Int(l.value());
    } else if (v instanceof AttributeValue.DoubleValue d) {
      return new AnnotationValue.Double(d.value());
    } else if (v instanceof AttributeValue.BoolValue b) {
      return new AnnotationValue.Bool(b.value());
    } else if (v instanceof AttributeValue.BytesValue b) {
      return new AnnotationValue.Str(HexFormat.of().formatHex(b.value()), false);
    } else if (v instanceof AttributeValue.ArrayValue a) {
      List<AnnotationValue> values = new ArrayList<>(a.values().size());
      for (AttributeValue e : a.values()) {
        values.add(valueOf(e));
      }
      return new AnnotationValue.Array(values);
    } else {
      AttributeValue.MapValue m = (AttributeValue.MapValue) v;
      return new AnnotationValue.Dict(fromAttributes(m.entries()));
    }
  }
}
