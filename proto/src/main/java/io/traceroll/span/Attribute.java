package io.traceroll.span;

import java.util.Objects;

/** A typed key/value, as OTLP's KeyValue: the type survives all the way into the trace. */
public record Attribute(String key, AttributeValue value) {
  public Attribute {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }

  public static Attribute of(String key, String value) {
    return new Attribute(key, new AttributeValue.StringValue(value));
  }

  public static Attribute of(String key, long value) {
    return new Attribute(key, new AttributeValue.LongValue(value));
  }

  public static Attribute of(String key, double value) {
    return new Attribute(key, new AttributeValue.DoubleValue(value));
  }

  public static Attribute of(String key, boolean value) {
    return new Attribute(key, new AttributeValue.BoolValue(value));
  }
}
