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
 * what {@code SpecificDatumWriter} writes for the same span), into the thread's {@link AvroOut}.
 */
final class SpanAvroWriter {
  private SpanAvroWriter() {}

  /** What goes after a fixed prefix. */
  @FunctionalInterface
  interface Body {
    void write(AvroOut out);
  }

  /** {@code prefix} then {@code body}, as one exactly sized array. */
  static byte[] encode(byte[] prefix, Body body) {
    AvroOut out = AvroOut.acquire();
    try {
      out.writeRaw(prefix);
      body.write(out);
      return out.toArray();
    } finally {
      out.release();
    }
  }

  static void writeSpan(AvroOut out, Span s) {
    out.writeString(s.traceId());
    out.writeUniqueString(s.spanId());
    writeNullable(out, s.parentSpanId());
    writeNullable(out, s.traceKey());
    out.writeString(s.serviceName());
    writeNullable(out, s.serviceInstance());
    out.writeInt(s.pid());
    out.writeLong(s.tid());
    writeNullable(out, s.threadName());
    out.writeString(s.name());
    out.writeSmall(s.kind().ordinal());
    out.writeLong(s.startNanos());
    out.writeLong(s.endNanos());
    out.writeSmall(s.statusCode().ordinal());
    writeNullable(out, s.statusMessage());
    writeAttributes(out, s.attributes());
    writeEvents(out, s.events());
    writeLinks(out, s.links());
    writeResource(out, s.resourceAttributes());
    writeMarks(out, s.marks());
  }

  /**
   * A resource's attributes are the same list instance on every span of that resource (decoders
   * share it, and lists in the span model are immutable), so within one encode they are written
   * once and then copied.
   */
  private static void writeResource(AvroOut out, List<Attribute> resource) {
    if (resource.isEmpty()) {
      out.writeArrayEnd(); // an empty array: its end marker only
      return;
    }
    if (out.rewrite(resource)) {
      return;
    }
    int start = out.position();
    writeAttributes(out, resource);
    out.written(resource, start);
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
      out.writeSmall(AvroSpanReader.ANY_STRING);
      out.writeString(v.value());
    } else if (value instanceof AttributeValue.BoolValue v) {
      out.writeSmall(AvroSpanReader.ANY_BOOLEAN);
      out.writeBoolean(v.value());
    } else if (value instanceof AttributeValue.LongValue v) {
      out.writeSmall(AvroSpanReader.ANY_LONG);
      out.writeLong(v.value());
    } else if (value instanceof AttributeValue.DoubleValue v) {
      out.writeSmall(AvroSpanReader.ANY_DOUBLE);
      out.writeDouble(v.value());
    } else if (value instanceof AttributeValue.BytesValue v) {
      out.writeSmall(AvroSpanReader.ANY_BYTES);
      out.writeBytes(v.value());
    } else if (value instanceof AttributeValue.ArrayValue v) {
      out.writeSmall(AvroSpanReader.ANY_ARRAY);
      out.writeArrayStart(v.values().size());
      for (AttributeValue e : v.values()) {
          writeValue(out, e);
      }
      out.writeArrayEnd();
    } else if (value instanceof AttributeValue.MapValue v) {
      out.writeSmall(AvroSpanReader.ANY_KVLIST);
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
      out.writeSmall(0);
    } else {
      out.writeSmall(1);
      out.writeString(s);
    }
  }
}
