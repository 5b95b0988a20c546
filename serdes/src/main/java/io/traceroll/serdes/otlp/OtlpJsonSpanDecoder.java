package io.traceroll.serdes.otlp;

import com.fasterxml.jackson.core.JsonToken;
import io.traceroll.serdes.DecodedBatch;
import io.traceroll.serdes.DecoderSettings;
import io.traceroll.serdes.JsonCursor;
import io.traceroll.serdes.SpanDecodeException;
import io.traceroll.serdes.SpanDecoder;
import io.traceroll.serdes.SpanSanitizer;
import io.traceroll.span.Attribute;
import io.traceroll.span.AttributeValue;
import io.traceroll.span.Mark;
import io.traceroll.span.Span;
import io.traceroll.span.SpanEvent;
import io.traceroll.span.SpanLink;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Headers;

/**
 * Decodes OTLP/JSON ({@code ExportTraceServiceRequest} in the protobuf JSON mapping, the Collector's
 * Kafka exporter {@code otlp_json} encoding) with Jackson streaming straight into the span model.
 *
 * <p>Not protobuf's JsonFormat, because OTLP deviates from the canonical mapping: trace and span ids
 * are hex, not base64. Accepted as the mapping allows: lowerCamelCase or snake_case names, int64 as
 * numbers or strings, enums as numbers or names, unknown fields ignored.
 *
 * <p>A value of the wrong type inside a span dead-letters that span only (reason
 * {@code invalid_field:<name>}); in the resource or envelope it dead-letters the record.
 */
public final class OtlpJsonSpanDecoder implements SpanDecoder {
  private final SpanSanitizer sanitizer;

  public OtlpJsonSpanDecoder(DecoderSettings settings) {
    this.sanitizer = new SpanSanitizer(settings);
  }

  @Override
  public DecodedBatch decode(byte[] payload, Headers headers) throws SpanDecodeException {
    return JsonCursor.decode(payload, (in, kept, invalid) -> {
      if (in.next() != JsonToken.START_OBJECT) {
        throw new SpanDecodeException("malformed_otlp_json",
            "expected a JSON object (ExportTraceServiceRequest), got " + in.current());
      }
      for (String f = in.nextField(); f != null; f = in.nextField()) {
        if (f.equals("resourceSpans") || f.equals("resource_spans")) {
          if (in.isArray(f)) {
            while (in.nextElement()) {
              resourceSpans(in, headers, kept, invalid);
            }
          }
        } else {
          in.skip();
        }
        envelopeCheck(in);
      }
    });
  }

  private static void envelopeCheck(JsonCursor in) throws SpanDecodeException {
    if (in.problem() != null) {
      throw new SpanDecodeException("malformed_otlp_json",
          "wrong type outside a span: " + in.problem());
    }
  }

  private void resourceSpans(JsonCursor in, Headers headers, List<Span> kept,
      List<DecodedBatch.InvalidSpan> invalid) throws IOException, SpanDecodeException {
    if (!in.isObject("resourceSpans")) {
      envelopeCheck(in);
      return;
    }
    List<Attribute> resourceAttributes = List.of();
    // Spans may precede the resource in the document, so keep them raw until it is known.
    List<RawSpan> spans = new ArrayList<>();
    for (String f = in.nextField(); f != null; f = in.nextField()) {
      switch (f) {
        case "resource" -> {
          if (in.isObject(f)) {
            for (String r = in.nextField(); r != null; r = in.nextField()) {
              if (r.equals("attributes")) {
                resourceAttributes = attributes(in, r);
              } else {
                in.skip();
              }
            }
          }
          envelopeCheck(in);
        }
        case "scopeSpans", "scope_spans", "instrumentationLibrarySpans",
            "instrumentation_library_spans" -> {
          if (in.isArray(f)) {
            while (in.nextElement()) {
              scopeSpans(in, spans);
            }
          }
          envelopeCheck(in);
        }
        default -> in.skip();
      }
    }
    OtlpResource resource = OtlpResource.of(resourceAttributes);
    for (RawSpan raw : spans) {
      Span span = raw.builder
          .serviceName(resource.serviceName())
          .serviceInstance(resource.serviceInstance())
          .pid(resource.pid())
          .resourceAttributes(resource.attributes())
          .marks(OtlpSpanFields.marks(resource, raw.marks))
          .build();
      if (raw.problem != null) {
        invalid.add(new DecodedBatch.InvalidSpan(span, raw.problem));
      } else {
        sanitizer.sanitizeInto(span, headers, kept, invalid);
      }
    }
  }

  private record RawSpan(Span.Builder builder, List<Mark> marks, String problem) {}

  private static void scopeSpans(JsonCursor in, List<RawSpan> spans) throws IOException {
    if (!in.isObject("scopeSpans")) {
      return;
    }
    for (String f = in.nextField(); f != null; f = in.nextField()) {
      if (f.equals("spans")) {
        if (in.isArray(f)) {
          while (in.nextElement()) {
            if (in.isObject(f)) {
              spans.add(span(in));
            }
          }
        }
      } else {
        in.skip();
      }
    }
  }

  private static RawSpan span(JsonCursor in) throws IOException {
    String outerProblem = in.takeProblem();
    List<Mark> marks = new ArrayList<>(0);
    Span.Builder b = Span.builder().traceId("").spanId("");
    List<Attribute> attributes = List.of();
    for (String f = in.nextField(); f != null; f = in.nextField()) {
      switch (f) {
        case "traceId", "trace_id" -> b.traceId(orEmpty(in.string(f)));
        case "spanId", "span_id" -> b.spanId(orEmpty(in.string(f)));
        case "parentSpanId", "parent_span_id" -> b.parentSpanId(in.string(f));
        case "name" -> b.name(orEmpty(in.string(f)));
        case "kind" -> {
          if (in.current() == JsonToken.VALUE_STRING) {
            b.kind(OtlpSpanFields.kindByName(in.string(f), marks));
          } else {
            b.kind(OtlpSpanFields.kind(in.int64(f), marks));
          }
        }
        case "startTimeUnixNano", "start_time_unix_nano" -> b.startNanos(in.uint64(f));
        case "endTimeUnixNano", "end_time_unix_nano" -> b.endNanos(in.uint64(f));
        case "attributes" -> attributes = attributes(in, f);
        case "events" -> b.events(events(in, f));
        case "links" -> b.links(links(in, f));
        case "status" -> status(in, b, marks);
        case "droppedAttributesCount", "dropped_attributes_count" ->
            OtlpSpanFields.droppedByProducer("attributes", in.int64(f), marks);
        case "droppedEventsCount", "dropped_events_count" ->
            OtlpSpanFields.droppedByProducer("events", in.int64(f), marks);
        case "droppedLinksCount", "dropped_links_count" ->
            OtlpSpanFields.droppedByProducer("links", in.int64(f), marks);
        default -> in.skip();
      }
    }
    b.attributes(attributes);
    OtlpSpanFields.thread(b, attributes);
    String problem = in.takeProblem();
    in.restoreProblem(outerProblem);
    return new RawSpan(b, marks, problem);
  }

  private static void status(JsonCursor in, Span.Builder b, List<Mark> marks) throws IOException {
    if (!in.isObject("status")) {
      return;
    }
    for (String f = in.nextField(); f != null; f = in.nextField()) {
      switch (f) {
        case "code" -> {
          if (in.current() == JsonToken.VALUE_STRING) {
            b.statusCode(OtlpSpanFields.statusByName(in.string(f), marks));
          } else {
            b.statusCode(OtlpSpanFields.status(in.int64(f), marks));
          }
        }
        case "message" -> {
          String m = in.string(f);
          b.statusMessage(m == null || m.isEmpty() ? null : m);
        }
        default -> in.skip();
      }
    }
  }

  private static List<SpanEvent> events(JsonCursor in, String field) throws IOException {
    if (!in.isArray(field)) {
      return List.of();
    }
    List<SpanEvent> out = new ArrayList<>();
    while (in.nextElement()) {
      if (!in.isObject(field)) {
        continue;
      }
      long time = 0;
      String name = "";
      List<Attribute> attributes = List.of();
      for (String f = in.nextField(); f != null; f = in.nextField()) {
        switch (f) {
          case "timeUnixNano", "time_unix_nano" -> time = in.uint64(f);
          case "name" -> name = orEmpty(in.string(f));
          case "attributes" -> attributes = attributes(in, f);
          default -> in.skip();
        }
      }
      out.add(new SpanEvent(time, name, attributes));
    }
    return out;
  }

  private static List<SpanLink> links(JsonCursor in, String field) throws IOException {
    if (!in.isArray(field)) {
      return List.of();
    }
    List<SpanLink> out = new ArrayList<>();
    while (in.nextElement()) {
      if (!in.isObject(field)) {
        continue;
      }
      String traceId = "";
      String spanId = "";
      List<Attribute> attributes = List.of();
      for (String f = in.nextField(); f != null; f = in.nextField()) {
        switch (f) {
          case "traceId", "trace_id" -> traceId = orEmpty(in.string(f));
          case "spanId", "span_id" -> spanId = orEmpty(in.string(f));
          case "attributes" -> attributes = attributes(in, f);
          default -> in.skip();
        }
      }
      out.add(new SpanLink(traceId, spanId, attributes));
    }
    return out;
  }

  /** A KeyValue list; an entry without a key is wrong-typed (there is nothing to name it by). */
  private static List<Attribute> attributes(JsonCursor in, String field) throws IOException {
    if (!in.isArray(field)) {
      return List.of();
    }
    List<Attribute> out = new ArrayList<>();
    while (in.nextElement()) {
      if (!in.isObject(field)) {
        continue;
      }
      String key = null;
      AttributeValue value = null;
      for (String f = in.nextField(); f != null; f = in.nextField()) {
        switch (f) {
          case "key" -> key = in.string(f);
          case "value" -> value = anyValue(in);
          default -> in.skip();
        }
      }
      if (key == null) {
        in.wrongType(field + ".key");
        continue;
      }
      out.add(new Attribute(key, value == null ? new AttributeValue.StringValue("") : value));
    }
    return out;
  }

  /** AnyValue; recursion depth is bounded by {@link JsonCursor#MAX_NESTING_DEPTH}. */
  private static AttributeValue anyValue(JsonCursor in) throws IOException {
    if (!in.isObject("value")) {
      return null;
    }
    AttributeValue value = null;
    for (String f = in.nextField(); f != null; f = in.nextField()) {
      switch (f) {
        case "stringValue", "string_value" -> {
          String s = in.string(f);
          value = s == null ? null : new AttributeValue.StringValue(s);
        }
        case "boolValue", "bool_value" -> value = new AttributeValue.BoolValue(in.bool(f));
        case "intValue", "int_value" -> value = new AttributeValue.LongValue(in.int64(f));
        case "doubleValue", "double_value" -> value = new AttributeValue.DoubleValue(in.dbl(f));
        case "bytesValue", "bytes_value" -> {
          byte[] bytes = in.base64(f);
          value = bytes == null ? null : new AttributeValue.BytesValue(bytes);
        }
        case "arrayValue", "array_value" -> value = arrayValue(in, f);
        case "kvlistValue", "kvlist_value" -> value = kvlistValue(in, f);
        default -> in.skip();
      }
    }
    return value;
  }

  private static AttributeValue arrayValue(JsonCursor in, String field) throws IOException {
    List<AttributeValue> values = new ArrayList<>();
    if (in.isObject(field)) {
      for (String f = in.nextField(); f != null; f = in.nextField()) {
        if (f.equals("values") && in.isArray(f)) {
          while (in.nextElement()) {
            AttributeValue v = anyValue(in);
            values.add(v == null ? new AttributeValue.StringValue("") : v);
          }
        } else {
          in.skip();
        }
      }
    }
    return new AttributeValue.ArrayValue(values);
  }

  private static AttributeValue kvlistValue(JsonCursor in, String field) throws IOException {
    List<Attribute> entries = List.of();
    if (in.isObject(field)) {
      for (String f = in.nextField(); f != null; f = in.nextField()) {
        if (f.equals("values")) {
          entries = attributes(in, f);
        } else {
          in.skip();
        }
      }
    }
    return new AttributeValue.MapValue(entries);
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
