package io.traceroll.serdes.avro;

import io.traceroll.avro.AnyValue;
import io.traceroll.avro.ArrayValue;
import io.traceroll.avro.KeyValue;
import io.traceroll.avro.KeyValueList;
import io.traceroll.span.Attribute;
import io.traceroll.span.AttributeValue;
import io.traceroll.span.Span;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Span model to Avro's generated classes, written independently of {@link SpanAvroWriter}, so that
 * {@code SpecificDatumWriter} gives the reference bytes the hand-written codec must match.
 */
final class GeneratedAvro {
  private GeneratedAvro() {}

  static io.traceroll.avro.Span toAvro(Span s) {
    return io.traceroll.avro.Span.newBuilder()
        .setTraceId(s.traceId())
        .setSpanId(s.spanId())
        .setParentSpanId(s.parentSpanId())
        .setTraceKey(s.traceKey())
        .setServiceName(s.serviceName())
        .setServiceInstance(s.serviceInstance())
        .setPid(s.pid())
        .setTid(s.tid())
        .setThreadName(s.threadName())
        .setName(s.name())
        .setKind(io.traceroll.avro.SpanKind.valueOf(s.kind().name()))
        .setStartTimeUnixNano(s.startNanos())
        .setEndTimeUnixNano(s.endNanos())
        .setStatusCode(io.traceroll.avro.StatusCode.valueOf(s.statusCode().name()))
        .setStatusMessage(s.statusMessage())
        .setAttributes(keyValues(s.attributes()))
        .setEvents(s.events().stream().map(e -> new io.traceroll.avro.SpanEvent(
            e.timeNanos(), e.name(), keyValues(e.attributes()))).toList())
        .setLinks(s.links().stream().map(l -> new io.traceroll.avro.SpanLink(
            l.traceId(), l.spanId(), keyValues(l.attributes()))).toList())
        .setResourceAttributes(keyValues(s.resourceAttributes()))
        .setMarks(s.marks().stream().map(m -> new io.traceroll.avro.Mark(m.code(), m.detail()))
            .toList())
        .build();
  }

  static List<KeyValue> keyValues(List<Attribute> attributes) {
    List<KeyValue> out = new ArrayList<>();
    for (Attribute a : attributes) {
      out.add(new KeyValue(a.key(), anyValue(a.value())));
    }
    return out;
  }

  private static AnyValue anyValue(AttributeValue v) {
    Object union;
    if (v instanceof AttributeValue.StringValue s) {
      union = s.value();
    } else if (v instanceof AttributeValue.BoolValue b) {
      union = b.value();
    } else if (v instanceof AttributeValue.LongValue l) {
      union = l.value();
    } else if (v instanceof AttributeValue.DoubleValue d) {
      union = d.value();
    } else if (v instanceof AttributeValue.BytesValue b) {
      union = ByteBuffer.wrap(b.value());
    } else if (v instanceof AttributeValue.ArrayValue a) {
      union = new ArrayValue(a.values().stream().map(GeneratedAvro::anyValue).toList());
    } else {
      union = new KeyValueList(keyValues(((AttributeValue.MapValue) v).entries()));
    }
    return new AnyValue(union);
  }
}
