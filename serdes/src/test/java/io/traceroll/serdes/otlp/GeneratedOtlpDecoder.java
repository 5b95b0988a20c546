package io.traceroll.serdes.otlp;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Status;
import io.traceroll.serdes.DecodedBatch;
import io.traceroll.serdes.DecoderSettings;
import io.traceroll.serdes.SpanDecodeException;
import io.traceroll.serdes.SpanDecoder;
import io.traceroll.serdes.SpanSanitizer;
import io.traceroll.span.Attribute;
import io.traceroll.span.AttributeValue;
import io.traceroll.span.Mark;
import io.traceroll.span.Span;
import io.traceroll.span.SpanEvent;
import io.traceroll.span.SpanLink;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Headers;

/**
 * The reference for {@link OtlpWireReader}: the same mapping done the obvious way, by
 * {@code ExportTraceServiceRequest.parseFrom} and the generated getters. Tests require both to
 * accept, reject and decode identically.
 */
final class GeneratedOtlpDecoder implements SpanDecoder {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final SpanSanitizer sanitizer;

  GeneratedOtlpDecoder(DecoderSettings settings) {
    this.sanitizer = new SpanSanitizer(settings);
  }

  @Override
  public DecodedBatch decode(byte[] payload, Headers headers) throws SpanDecodeException {
    if (payload.length == 0) {
      throw new SpanDecodeException("empty_payload", "record value is empty");
    }
    ExportTraceServiceRequest request;
    try {
      request = ExportTraceServiceRequest.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      throw new SpanDecodeException("malformed_protobuf",
          "not an OTLP ExportTraceServiceRequest: " + e.getMessage(), e);
    }
    List<Span> kept = new ArrayList<>();
    List<DecodedBatch.InvalidSpan> invalid = new ArrayList<>(0);
    List<Mark> scratch = new ArrayList<>(4);
    for (ResourceSpans rs : request.getResourceSpansList()) {
      OtlpResource resource = OtlpResource.of(attributes(rs.getResource().getAttributesList()));
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (io.opentelemetry.proto.trace.v1.Span s : ss.getSpansList()) {
          scratch.clear();
          sanitizer.sanitizeInto(span(s, resource, scratch), headers, kept, invalid);
        }
      }
    }
    return new DecodedBatch(kept, invalid);
  }

  private static Span span(io.opentelemetry.proto.trace.v1.Span s, OtlpResource resource,
      List<Mark> marks) {
    List<Attribute> attributes = attributes(s.getAttributesList());
    Span.Builder b = Span.builder()
        .traceId(hex(s.getTraceId()))
        .spanId(hex(s.getSpanId()))
        .parentSpanId(s.getParentSpanId().isEmpty() ? null : hex(s.getParentSpanId()))
        .serviceName(resource.serviceName())
        .serviceInstance(resource.serviceInstance())
        .pid(resource.pid())
        .name(s.getName())
        .kind(OtlpSpanFields.kind(s.getKindValue(), marks))
        .startNanos(s.getStartTimeUnixNano())
        .endNanos(s.getEndTimeUnixNano())
        .attributes(attributes)
        .events(events(s.getEventsList()))
        .links(links(s.getLinksList()))
        .resourceAttributes(resource.attributes());
    OtlpSpanFields.thread(b, attributes);
    if (s.hasStatus()) {
      Status status = s.getStatus();
      b.statusCode(OtlpSpanFields.status(status.getCodeValue(), marks));
      if (!status.getMessage().isEmpty()) {
        b.statusMessage(status.getMessage());
      }
    }
    OtlpSpanFields.droppedByProducer("attributes",
        Integer.toUnsignedLong(s.getDroppedAttributesCount()), marks);
    OtlpSpanFields.droppedByProducer("events",
        Integer.toUnsignedLong(s.getDroppedEventsCount()), marks);
    OtlpSpanFields.droppedByProducer("links",
        Integer.toUnsignedLong(s.getDroppedLinksCount()), marks);
    return b.marks(OtlpSpanFields.marks(resource, marks)).build();
  }

  private static List<SpanEvent> events(List<io.opentelemetry.proto.trace.v1.Span.Event> in) {
    if (in.isEmpty()) {
      return List.of();
    }
    List<SpanEvent> out = new ArrayList<>(in.size());
    for (io.opentelemetry.proto.trace.v1.Span.Event e : in) {
      out.add(new SpanEvent(e.getTimeUnixNano(), e.getName(), attributes(e.getAttributesList())));
    }
    return out;
  }

  private static List<SpanLink> links(List<io.opentelemetry.proto.trace.v1.Span.Link> in) {
    if (in.isEmpty()) {
      return List.of();
    }
    List<SpanLink> out = new ArrayList<>(in.size());
    for (io.opentelemetry.proto.trace.v1.Span.Link l : in) {
      out.add(new SpanLink(hex(l.getTraceId()), hex(l.getSpanId()),
          attributes(l.getAttributesList())));
    }
    return out;
  }

  static List<Attribute> attributes(List<KeyValue> in) {
    if (in.isEmpty()) {
      return List.of();
    }
    List<Attribute> out = new ArrayList<>(in.size());
    for (int i = 0; i < in.size(); i++) {
      KeyValue kv = in.get(i);
      out.add(new Attribute(kv.getKey(), value(kv.getValue())));
    }
    return out;
  }

  /** An AnyValue with no value set is kept as an empty string: the key itself is information. */
  static AttributeValue value(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> new AttributeValue.StringValue(v.getStringValue());
      case BOOL_VALUE -> new AttributeValue.BoolValue(v.getBoolValue());
      case INT_VALUE -> new AttributeValue.LongValue(v.getIntValue());
      case DOUBLE_VALUE -> new AttributeValue.DoubleValue(v.getDoubleValue());
      case BYTES_VALUE -> new AttributeValue.BytesValue(v.getBytesValue().toByteArray());
      case ARRAY_VALUE -> {
        List<AnyValue> values = v.getArrayValue().getValuesList();
        List<AttributeValue> out = new ArrayList<>(values.size());
        for (AnyValue e : values) {
          out.add(value(e));
        }
        yield new AttributeValue.ArrayValue(out);
      }
      case KVLIST_VALUE -> new AttributeValue.MapValue(attributes(v.getKvlistValue().getValuesList()));
      case VALUE_NOT_SET -> new AttributeValue.StringValue("");
    };
  }

  /** Hex of the raw id bytes whatever their length: the sanitizer judges validity. */
  static String hex(ByteString id) {
    int n = id.size();
    if (n == 0) {
      return "";
    }
    char[] out = new char[n * 2];
    for (int i = 0; i < n; i++) {
      byte b = id.byteAt(i);
      out[2 * i] = HEX[(b >> 4) & 0xf];
      out[2 * i + 1] = HEX[b & 0xf];
    }
    return new String(out);
  }
}
