package io.traceroll.span;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/** OTLP's AnyValue: every attribute value type a producer can send. */
public sealed interface AttributeValue {

  record StringValue(String value) implements AttributeValue {
    public StringValue {
      Objects.requireNonNull(value);
    }
  }

  record BoolValue(boolean value) implements AttributeValue {}

  record LongValue(long value) implements AttributeValue {}

  /** NaN and infinities are legal and kept; decoders add a {@link Mark} for them. */
  record DoubleValue(double value) implements AttributeValue {}

  /** Raw bytes; equality by content so that round-trip tests compare values, not arrays. */
  record BytesValue(byte[] value) implements AttributeValue {
    public BytesValue {
      value = value.clone();
    }

    @Override
    public byte[] value() {
      return value.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof BytesValue b && Arrays.equals(value, b.value);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "BytesValue[" + HexFormat.of().formatHex(value) + "]";
    }
  }

  record ArrayValue(List<AttributeValue> values) implements AttributeValue {
    public ArrayValue {
      values = List.copyOf(values);
    }
  }

  record MapValue(List<Attribute> entries) implements AttributeValue {
    public MapValue {
      entries = List.copyOf(entries);
    }
  }
}
