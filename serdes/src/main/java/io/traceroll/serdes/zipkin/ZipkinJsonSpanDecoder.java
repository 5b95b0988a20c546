package io.traceroll.serdes.zipkin;

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
import io.traceroll.span.SpanKind;
import io.traceroll.span.StatusCode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Headers;

/**
 * Decodes Zipkin v2 JSON: a list of spans as Zipkin reporters' Kafka sender writes it (a single span
 * object is accepted too), with Jackson streaming.
 *
 * <p>Mapping to the OpenTelemetry-shaped model follows the usual Zipkin/OTel translation: µs
 * timestamps become ns, {@code localEndpoint} is the service and instance ({@code ip:port}),
 * {@code remoteEndpoint} becomes {@code peer.service}/{@code net.peer.*} attributes, tags are string
 * attributes, annotations are events, the {@code error} tag sets status ERROR (its value is the
 * message), and {@code debug}/{@code shared} become {@code zipkin.debug}/{@code zipkin.shared}.
 */
public final class ZipkinJsonSpanDecoder implements SpanDecoder {
  private final SpanSanitizer sanitizer;

  public ZipkinJsonSpanDecoder(DecoderSettings settings) {
    this.sanitizer = new SpanSanitizer(settings);
  }

  @Override
  public DecodedBatch decode(byte[] payload, Headers headers) throws SpanDecodeException {
    return JsonCursor.decode(payload, (in, kept, invalid) -> {
      JsonToken first = in.next();
      if (first == JsonToken.START_ARRAY) {
        while (in.nextElement()) {
          one(in, headers, kept, invalid);
        }
      } else if (first == JsonToken.START_OBJECT) {
        one(in, headers, kept, invalid);
      } else {
        throw new SpanDecodeException("malformed_zipkin_json",
            "expected a JSON array of spans or a span object, got " + first);
      }
    });
  }

  private void one(JsonCursor in, Headers headers, List<Span> kept,
      List<DecodedBatch.InvalidSpan> invalid) throws IOException {
    if (in.current() != JsonToken.START_OBJECT) {
      // Still accounted for: a list element that is not a span is dead-lettered on its own.
      in.skip();
      Span nothing = Span.builder().traceId("").spanId("").build();
      invalid.add(new DecodedBatch.InvalidSpan(nothing, "not_a_span_object"));
      return;
    }
    Span span = span(in);
    String problem = in.takeProblem();
    if (problem != null) {
      invalid.add(new DecodedBatch.InvalidSpan(span, problem));
    } else {
      sanitizer.sanitizeInto(span, headers, kept, invalid);
    }
  }

  private static Span span(JsonCursor in) throws IOException {
    Span.Builder b = Span.builder().traceId("").spanId("").kind(SpanKind.INTERNAL);
    List<Mark> marks = new ArrayList<>(0);
    List<Attribute> tags = List.of();
    Endpoint local = null;
    Endpoint remote = null;
    long timestampMicros = 0;
    long durationMicros = 0;
    boolean hasDuration = false;
    Boolean debug = null;
    Boolean shared = null;
    List<SpanEvent> events = List.of();
    for (String f = in.nextField(); f != null; f = in.nextField()) {
      switch (f) {
        case "traceId" -> b.traceId(orEmpty(in.string(f)));
        case "id" -> b.spanId(orEmpty(in.string(f)));
        case "parentId" -> b.parentSpanId(in.string(f));
        case "name" -> b.name(orEmpty(in.string(f)));
        case "kind" -> b.kind(kind(in.string(f), marks));
        case "timestamp" -> timestampMicros = in.int64(f);
        case "duration" -> {
          hasDuration = in.current() != JsonToken.VALUE_NULL;
          durationMicros = in.int64(f);
        }
        case "localEndpoint" -> local = endpoint(in, f);
        case "remoteEndpoint" -> remote = endpoint(in, f);
        case "tags" -> tags = tags(in, f);
        case "annotations" -> events = annotations(in, f);
        case "debug" -> debug = in.bool(f);
        case "shared" -> shared = in.bool(f);
        default -> in.skip();
      }
    }

    long start = microsToNanos(timestampMicros);
    long end = start;
    if (hasDuration) {
      end = microsToNanos(saturatedAdd(timestampMicros, durationMicros));
    } else {
      marks.add(new Mark("missing_duration", "zipkin span has no duration"));
    }
    b.startNanos(start).endNanos(end).events(events);

    List<Attribute> attributes = new ArrayList<>(tags.size() + 6);
    for (int i = 0; i < tags.size(); i++) {
      Attribute tag = tags.get(i);
      attributes.add(tag);
      if (tag.key().equals("error")) {
        // Zipkin's convention: the tag's presence is the error, its value the message.
        b.statusCode(StatusCode.ERROR);
        String message = ((AttributeValue.StringValue) tag.value()).value();
        b.statusMessage(message.isEmpty() ? null : message);
      }
    }
    if (remote != null) {
      if (remote.serviceName != null) {
        attributes.add(Attribute.of("peer.service", remote.serviceName));
      }
      String ip = remote.ipv4 != null ? remote.ipv4 : remote.ipv6;
      if (ip != null) {
        attributes.add(Attribute.of("net.peer.ip", ip));
      }
      if (remote.ipv4 != null && remote.ipv6 != null) {
        attributes.add(Attribute.of("net.peer.ipv6", remote.ipv6));
      }
      if (remote.port != 0) {
        attributes.add(Attribute.of("net.peer.port", remote.port));
      }
    }
    if (debug != null && debug) {
      attributes.add(Attribute.of("zipkin.debug", true));
    }
    if (shared != null && shared) {
      attributes.add(Attribute.of("zipkin.shared", true));
    }
    b.attributes(attributes);

    List<Attribute> resource = new ArrayList<>(3);
    String service = local == null ? null : local.serviceName;
    if (service == null || service.isEmpty()) {
      service = "unknown_service";
      marks.add(new Mark("missing_service_name", "zipkin span has no localEndpoint.serviceName"));
    } else {
      resource.add(Attribute.of("service.name", service));
    }
    b.serviceName(service);
    if (local != null) {
      String ip = local.ipv4 != null ? local.ipv4 : local.ipv6;
      if (ip != null) {
        resource.add(Attribute.of("net.host.ip", ip));
        boolean v6 = local.ipv4 == null;
        String host = v6 ? "[" + ip + "]" : ip;
        b.serviceInstance(local.port != 0 ? host + ":" + local.port : ip);
      }
      if (local.port != 0) {
        resource.add(Attribute.of("net.host.port", local.port));
      }
    }
    b.resourceAttributes(resource);
    return b.marks(marks).build();
  }

  private static SpanKind kind(String kind, List<Mark> marks) {
    if (kind == null) {
      return SpanKind.INTERNAL;
    }
    return switch (kind) {
      case "CLIENT" -> SpanKind.CLIENT;
      case "SERVER" -> SpanKind.SERVER;
      case "PRODUCER" -> SpanKind.PRODUCER;
      case "CONSUMER" -> SpanKind.CONSUMER;
      default -> {
        marks.add(new Mark("unknown_span_kind", kind));
        yield SpanKind.UNSPECIFIED;
      }
    };
  }

  private static final class Endpoint {
    String serviceName;
    String ipv4;
    String ipv6;
    long port;
  }

  private static Endpoint endpoint(JsonCursor in, String field) throws IOException {
    if (!in.isObject(field)) {
      return null;
    }
    Endpoint e = new Endpoint();
    for (String f = in.nextField(); f != null; f = in.nextField()) {
      switch (f) {
        case "serviceName" -> e.serviceName = in.string(field + "." + f);
        case "ipv4" -> e.ipv4 = in.string(field + "." + f);
        case "ipv6" -> e.ipv6 = in.string(field + "." + f);
        case "port" -> e.port = in.int64(field + "." + f);
        default -> in.skip();
      }
    }
    return e;
  }

  /**
   * Zipkin tags are strings; numbers and booleans from lenient reporters are kept as their JSON
   * text rather than rejecting the span, while objects and arrays are wrong-typed.
   */
  private static List<Attribute> tags(JsonCursor in, String field) throws IOException {
    if (!in.isObject(field)) {
      return List.of();
    }
    List<Attribute> out = new ArrayList<>();
    for (String key = in.nextField(); key != null; key = in.nextField()) {
      JsonToken t = in.current();
      if (t == JsonToken.VALUE_STRING || t.isNumeric() || t.isBoolean()) {
        out.add(Attribute.of(key, in.parser().getText()));
      } else if (t != JsonToken.VALUE_NULL) {
        in.wrongType(field + "." + key);
      }
    }
    return out;
  }

  private static List<SpanEvent> annotations(JsonCursor in, String field) throws IOException {
    if (!in.isArray(field)) {
      return List.of();
    }
    List<SpanEvent> out = new ArrayList<>();
    while (in.nextElement()) {
      if (!in.isObject(field)) {
        continue;
      }
      long ts = 0;
      String value = "";
      for (String f = in.nextField(); f != null; f = in.nextField()) {
        switch (f) {
          case "timestamp" -> ts = in.int64(field + "." + f);
          case "value" -> value = orEmpty(in.string(field + "." + f));
          default -> in.skip();
        }
      }
      out.add(new SpanEvent(microsToNanos(ts), value, List.of()));
    }
    return out;
  }

  /** Saturates instead of wrapping, so an absurd timestamp stays absurd and gets marked. */
  private static long microsToNanos(long micros) {
    if (micros > Long.MAX_VALUE / 1000) {
      return Long.MAX_VALUE;
    }
    if (micros < Long.MIN_VALUE / 1000) {
      return Long.MIN_VALUE;
    }
    return micros * 1000;
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    if (((a ^ r) & (b ^ r)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return r;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
