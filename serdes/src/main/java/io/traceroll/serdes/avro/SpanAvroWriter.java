package io.traceroll.serdes.avro;

import io.traceroll.span.Attribute;
import io.traceroll.span.AttributeValue;
import io.traceroll.span.Mark;
import io.traceroll.span.Span;
import io.traceroll.span.SpanEvent;
import io.traceroll.span.SpanLink;
import java.util.List;

/**
 * Writes the span model in the current {@code io.traceroll.avro.Span} schema straight from the
 * records, without building the generated classes first (the interop test checks the bytes equal
 * what {@code SpecificDatumWriter} writes for the same span). Run once on a counting
 * {@link AvroOut} and once on the exact array it sized.
 */
final class SpanAvroWriter {
  private SpanAvroWriter() {}

  /** What goes after a fixed prefix; called twice, so it must write the same both times. */
  @FunctionalInterface
  interface Body {
    void write(AvroOut out);
  }

  /** {@code prefix} then {@code body}, sized first so the result is one exact array. */
  static byte[] encode(byte[] prefix, Body body) {
    AvroOut counting = AvroOut.counting();
    body.write(counting);
    byte[] bytes = new byte[prefix.length + counting.position()];
    System.arraycopy(prefix, 0, bytes, 0, prefix.length);
    AvroOut out = AvroOut.into(bytes, prefix.length);
    body.write(out);
    if (out.position() != bytes.length) {
      throw new IllegalStateException(
          "sized " + bytes.length + " bytes but wrote " + out.position());
    }
    return bytes;
  }

  static void writeSpan(AvroOut out, Span s) {
    out.writeString(s.traceId());
    out.writeString(s.spanId());
    writeNullable(out, s.parentSpanId());
    writeNullable(out, s.traceKey());
    out.writeString(s.serviceName());
    writeNullable(out, s.serviceInstance());
    out.writeInt(s.pid());
    out.writeLong(s.tid());
    writeNullable(out, s.threadName());
    out.writeString(s.name());
    out.writeInt(s.kind().ordinal());
    out.writeLong(s.startNanos());
    out.writeLong(s.endNanos());
    out.writeInt(s.statusCode().ordinal());
    writeNullable(out, s.statusMessage());
    writeAttributes(out, s.attributes());
    writeEvents(out, s.events());
    writeLinks(out, s.links());
    writeAttributes(out, s.resourceAttributes());
    writeMarks(out, s.marks());
  }

  static void writeAttributes(AvroOut out, List<Attribute> attributes) {
    out.writeArrayStart(attributes.size());
    for (int i = 0; i < attributes.size(); i++) {
      Attribute a = attributes.get(i);
      out.writeString(a.key());
      writeValue(out, a.value());
    }
    out.writeArrayEnd();
  }

  /** The AnyValue record: its only field is the union, so the record itself costs no bytes. */
  private static void writeValue(AvroOut out, AttributeValue value) {
    if (value instanceof AttributeValue.StringValue v) {
      out.writeInt(AvroSpanReader.ANY_STRING);
      out.writeString(v.value());
    } else if (value instanceof AttributeValue.BoolValue v) {
      out.writeInt(AvroSpanReader.ANY_BOOLEAN);
      out.writeBoolean(v.value());
    } else if (value instanceof AttributeValue.LongValue v) {
      out.writeInt(AvroSpanReader.ANY_LONG);
      out.writeLong(v.value());
    } else if (value instanceof AttributeValue.DoubleValue v) {
      out.writeInt(AvroSpanReader.ANY_DOUBLE);
      out.writeDouble(v.value());
    } else if (value instanceof AttributeValue.BytesValue v) {
      out.writeInt(AvroSpanReader.ANY_BYTES);
      out.writeBytes(v.value());
    } else if (value instanceof AttributeValue.ArrayValue v) {
      out.writeInt(AvroSpanReader.ANY_ARRAY);
      out.writeArrayStart(v.values().size());
      for (AttributeValue e : v.values()) {
          writeValue(out, e);
      }
      out.writeArrayEnd();
    } else if (value instanceof AttributeValue.MapValue v) {
      out.writeInt(AvroSpanReader.ANY_KVLIST);
      writeAttributes(out, v.entries());
    } else {
      throw new IllegalStateException("unknown attribute value type " + value.getClass());
    }
  }

  private static void writeEvents(AvroOut out, List<SpanEvent> events) {
    out.writeArrayStart(events.size());
    for (SpanEvent e : events) {
      out.writeLong(e.timeNanos());
      out.writeString(e.name());
      writeAttributes(out, e.attributes());
    }
    out.writeArrayEnd();
  }

  private static void writeLinks(AvroOut out, List<SpanLink> links) {
    out.writeArrayStart(links.size());
    for (SpanLink l : links) {
      out.writeString(l.traceId());
      out.writeString(l.spanId());
      writeAttributes(out, l.attributes());
    }
    out.writeArrayEnd();
  }

  private static void writeMarks(AvroOut out, List<Mark> marks) {
    out.writeArrayStart(marks.size());
    for (Mark m : marks) {
      out.writeString(m.code());
      out.writeString(m.detail());
    }
    out.writeArrayEnd();
  }

  private static void writeNullable(AvroOut out, String s) {
    if (s == null) {
      out.writeInt(0);
    } else {
      out.writeInt(1);
      out.writeString(s);
    }
  }
}
