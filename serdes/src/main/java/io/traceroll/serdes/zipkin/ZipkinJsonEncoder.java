package io.traceroll.serdes.zipkin;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.traceroll.span.Attribute;
import io.traceroll.span.AttributeValue;
import io.traceroll.span.Span;
import io.traceroll.span.SpanEvent;
import io.traceroll.span.StatusCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Span model → Zipkin v2 JSON array, following the OpenTelemetry Zipkin exporter's conventions so
 * that what the generator publishes looks like what a real OTel→Zipkin pipeline sends.
 *
 * <p>Zipkin cannot carry everything the span model holds; these losses are by design of the format:
 * <ul>
 *   <li>times are microseconds (a positive duration below 1 µs becomes 1 µs, as Zipkin requires
 *       {@code duration >= 1});
 *   <li>tags are strings: numbers and booleans are written as their text, bytes as base64, arrays
 *       and maps as JSON text;
 *   <li>there is no resource: resource attributes become tags, as do {@code service.instance.id},
 *       {@code process.pid}, {@code thread.id} and {@code thread.name};
 *   <li>events become annotations: their name, followed by {@code :} and a JSON object of their
 *       attributes when they have any;
 *   <li>links, and kinds other than client/server/producer/consumer, have no Zipkin form and are
 *       dropped;
 *   <li>status ERROR becomes tag {@code error} holding the status message ({@code ""} when none);
 *       {@code otel.status_code} carries OK/ERROR as OTel's exporter writes it.
 * </ul>
 */
public final class ZipkinJsonEncoder {

  private static final JsonFactory JSON = new JsonFactory();

  private ZipkinJsonEncoder() {}

  /** A JSON array of Zipkin v2 spans (UTF-8), as posted to {@code /api/v2/spans}. */
  public static byte[] toJson(List<Span> spans) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + spans.size() * 384);
    try (JsonGenerator g = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
      g.writeStartArray();
      for (Span s : spans) {
        writeSpan(g, s);
      }
      g.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return bytes.toByteArray();
  }

  private static void writeSpan(JsonGenerator g, Span s) throws IOException {
    g.writeStartObject();
    g.writeStringField("traceId", s.traceId());
    if (s.parentSpanId() != null) {
      g.writeStringField("parentId", s.parentSpanId());
    }
    g.writeStringField("id", s.spanId());
    String kind = zipkinKind(s);
    if (kind != null) {
      g.writeStringField("kind", kind);
    }
    g.writeStringField("name", s.name());
    g.writeNumberField("timestamp", s.startNanos() / 1000);
    if (s.endNanos() > s.startNanos()) {
      g.writeNumberField("duration", Math.max(1, (s.endNanos() - s.startNanos()) / 1000));
    }
    g.writeObjectFieldStart("localEndpoint");
    g.writeStringField("serviceName", s.serviceName());
    g.writeEndObject();
    if (!s.events().isEmpty()) {
      g.writeArrayFieldStart("annotations");
      for (SpanEvent e : s.events()) {
        g.writeStartObject();
        g.writeNumberField("timestamp", e.timeNanos() / 1000);
        g.writeStringField("value", annotationValue(e));
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    Map<String, String> tags = tags(s);
    if (!tags.isEmpty()) {
      g.writeObjectFieldStart("tags");
      for (Map.Entry<String, String> t : tags.entrySet()) {
        g.writeStringField(t.getKey(), t.getValue());
      }
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private static String zipkinKind(Span s) {
    return switch (s.kind()) {
      case SERVER, CLIENT, PRODUCER, CONSUMER -> s.kind().name();
      case UNSPECIFIED, INTERNAL -> null;
    };
  }

  /** Span attributes win over resource attributes and derived fields of the same key. */
  private static Map<String, String> tags(Span s) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (Attribute a : s.resourceAttributes()) {
      if (!a.key().equals("service.name")) {
        tags.put(a.key(), tagText(a.value()));
      }
    }
    if (s.serviceInstance() != null) {
      tags.put("service.instance.id", s.serviceInstance());
    }
    if (s.pid() != 0) {
      tags.put("process.pid", Integer.toString(s.pid()));
    }
    if (s.tid() != 0) {
      tags.put("thread.id", Long.toString(s.tid()));
    }
    if (s.threadName() != null) {
      tags.put("thread.name", s.threadName());
    }
    for (Attribute a : s.attributes()) {
      tags.put(a.key(), tagText(a.value()));
    }
    if (s.statusCode() != StatusCode.UNSET) {
      tags.put("otel.status_code", s.statusCode().name());
    }
    if (s.statusCode() == StatusCode.ERROR) {
      tags.put("error", s.statusMessage() == null ? "" : s.statusMessage());
    }
    return tags;
  }

  private static String annotationValue(SpanEvent e) {
    if (e.attributes().isEmpty()) {
      return e.name();
    }
    StringWriter text = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(text)) {
      writeObject(g, e.attributes());
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return e.name() + ":" + text;
  }

  static String tagText(AttributeValue v) {
    if (v instanceof AttributeValue.StringValue s) {
      return s.value();
    } else if (v instanceof AttributeValue.BoolValue b) {
      return Boolean.toString(b.value());
    } else if (v instanceof AttributeValue.LongValue l) {
      return Long.toString(l.value());
    } else if (v instanceof AttributeValue.DoubleValue d) {
      return Double.toString(d.value());
    } else if (v instanceof AttributeValue.BytesValue b) {
      return Base64.getEncoder().encodeToString(b.value());
    }
    StringWriter text = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(text)) {
      writeJsonValue(g, v);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return text.toString();
  }

  private static void writeObject(JsonGenerator g, List<Attribute> entries) throws IOException {
    g.writeStartObject();
    for (Attribute a : entries) {
      g.writeFieldName(a.key());
      writeJsonValue(g, a.value());
    }
    g.writeEndObject();
  }

  private static void writeJsonValue(JsonGenerator g, AttributeValue v) throws IOException {
    if (v instanceof AttributeValue.StringValue s) {
      g.writeString(s.value());
    } else if (v instanceof AttributeValue.BoolValue b) {
      g.writeBoolean(b.value());
    } else if (v instanceof AttributeValue.LongValue l) {
      g.writeNumber(l.value());
    } else if (v instanceof AttributeValue.DoubleValue d) {
      if (Double.isFinite(d.value())) {
        g.writeNumber(d.value());
      } else {
        g.writeString(Double.toString(d.value()));
      }
    } else if (v instanceof AttributeValue.BytesValue b) {
      g.writeString(Base64.getEncoder().encodeToString(b.value()));
    } else if (v instanceof AttributeValue.ArrayValue arr) {
      g.writeStartArray();
      for (AttributeValue e : arr.values()) {
        writeJsonValue(g, e);
      }
      g.writeEndArray();
    } else {
      writeObject(g, ((AttributeValue.MapValue) v).entries());
    }
  }
}
