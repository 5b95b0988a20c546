package io.traceroll.serdes.otlp;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.CodedOutputStream;
import io.traceroll.span.Attribute;
import io.traceroll.span.AttributeValue;
import io.traceroll.span.Span;
import io.traceroll.span.SpanEvent;
import io.traceroll.span.SpanLink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Span model → OTLP {@code ExportTraceServiceRequest}, in protobuf or in OTLP JSON as the Collector
 * writes it. Used by the generator, benchmarks and tests to produce exactly what real exporters send.
 *
 * <p>Spans are grouped into one {@code ResourceSpans} per distinct resource (service name, instance,
 * pid, resource attributes), in first-seen order, with one scope-less {@code ScopeSpans} each. The
 * span model's own fields go where OpenTelemetry puts them, unless the attributes already hold them:
 * {@code service.name}, {@code service.instance.id} and {@code process.pid} on the resource,
 * {@code thread.id} and {@code thread.name} on the span. Trace keys and marks are decoder output and
 * are not encoded.
 *
 * <p>The protobuf form is hand-written wire code: one pass computes every nested message size into an
 * int array (pre-order), the second writes into an exactly sized array, so encoding allocates the
 * output and little else. {@code OtlpEncoderTest} checks the bytes equal what the generated classes
 * produce.
 */
public final class OtlpEncoder {

  static final String SERVICE_NAME = "service.name";
  static final String SERVICE_INSTANCE_ID = "service.instance.id";
  static final String PROCESS_PID = "process.pid";
  static final String THREAD_ID = "thread.id";
  static final String THREAD_NAME = "thread.name";

  private static final JsonFactory JSON = new JsonFactory();

  private OtlpEncoder() {}

  /** Serialized {@code ExportTraceServiceRequest}. */
  public static byte[] toProto(List<Span> spans) {
    List<List<Span>> groups = groupByResource(spans);
    ProtoSizes sizes = new ProtoSizes();
    int total = 0;
    for (List<Span> group : groups) {
      total += resourceSpansField(group, sizes);
    }
    byte[] out = new byte[total];
    CodedOutputStream cos = CodedOutputStream.newInstance(out);
    try {
      sizes.rewind();
      for (List<Span> group : groups) {
        sizes.writeHeader(cos, 1);
        writeResourceSpans(cos, group, sizes);
      }
      cos.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new IllegalStateException("size pass and write pass disagree", e);
    }
    return out;
  }

  /** OTLP JSON (UTF-8): hex ids, int64 as strings, lowerCamelCase names, enums as numbers. */
  public static byte[] toJson(List<Span> spans) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + spans.size() * 512);
    try (JsonGenerator g = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeArrayFieldStart("resourceSpans");
      for (List<Span> group : groupByResource(spans)) {
        writeResourceSpansJson(g, group);
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return bytes.toByteArray();
  }

  // ---- grouping ------------------------------------------------------------------------------

  private record ResourceKey(String serviceName, String instance, int pid, List<Attribute> attrs) {}

  private static List<List<Span>> groupByResource(List<Span> spans) {
    if (spans.isEmpty()) {
      return List.of();
    }
    Map<ResourceKey, List<Span>> groups = new LinkedHashMap<>();
    Span previous = null;
    List<Span> group = null;
    for (Span s : spans) {
      // SDKs share one resource list per process: a run of such spans skips hashing the list
      if (previous == null || s.resourceAttributes() != previous.resourceAttributes()
          || s.pid() != previous.pid()
          || !s.serviceName().equals(previous.serviceName())
          || !Objects.equals(s.serviceInstance(), previous.serviceInstance())) {
        ResourceKey key = new ResourceKey(s.serviceName(), s.serviceInstance(), s.pid(),
            s.resourceAttributes());
        group = groups.computeIfAbsent(key, k -> new ArrayList<>());
      }
      group.add(s);
      previous = s;
    }
    return new ArrayList<>(groups.values());
  }

  /*
   * The span model keeps service, instance, pid and thread both as fields and (when decoded from
   * OTLP) as the attributes they came from. Attributes are written exactly as given, and a field is
   * added as its attribute only when the list lacks it: so decode(encode(decoded)) is the identity,
   * and a span built from fields alone still says everything.
   */

  private static boolean needsServiceName(Span s) {
    return lacks(s.resourceAttributes(), SERVICE_NAME);
  }

  private static boolean needsInstance(Span s) {
    return s.serviceInstance() != null && lacks(s.resourceAttributes(), SERVICE_INSTANCE_ID);
  }

  private static boolean needsPid(Span s) {
    return s.pid() != 0 && lacks(s.resourceAttributes(), PROCESS_PID);
  }

  private static boolean needsThreadId(Span s) {
    return s.tid() != 0 && lacks(s.attributes(), THREAD_ID);
  }

  private static boolean needsThreadName(Span s) {
    return s.threadName() != null && lacks(s.attributes(), THREAD_NAME);
  }

  private static boolean lacks(List<Attribute> attributes, String key) {
    for (int i = 0; i < attributes.size(); i++) {
      if (attributes.get(i).key().equals(key)) {
        return false;
      }
    }
    return true;
  }

  // ---- protobuf: size pass -------------------------------------------------------------------
  // Every *Field method reserves its own slot first, then sizes its children, so slots are in the
  // same pre-order in which the write pass emits length prefixes.

  private static int resourceSpansField(List<Span> group, ProtoSizes sizes) {
    int slot = sizes.reserve();
    int body = resourceField(group.get(0), sizes);
    int scopeSlot = sizes.reserve();
    int scopeBody = 0;
    for (Span s : group) {
      scopeBody += spanField(s, sizes);
    }
    body += sizes.close(scopeSlot, 2, scopeBody);
    return sizes.close(slot, 1, body);
  }

  private static int resourceField(Span s, ProtoSizes sizes) {
    int slot = sizes.reserve();
    int body = 0;
    if (needsServiceName(s)) {
      body += stringKvField(1, SERVICE_NAME, s.serviceName(), sizes);
    }
    if (needsInstance(s)) {
      body += stringKvField(1, SERVICE_INSTANCE_ID, s.serviceInstance(), sizes);
    }
    if (needsPid(s)) {
      body += longKvField(1, PROCESS_PID, s.pid(), sizes);
    }
    for (Attribute a : s.resourceAttributes()) {
      body += kvField(1, a, sizes);
    }
    return sizes.close(slot, 1, body);
  }

  private static int spanField(Span s, ProtoSizes sizes) {
    int slot = sizes.reserve();
    int body = ProtoSizes.idField(1, s.traceId()) + ProtoSizes.idField(2, s.spanId());
    if (s.parentSpanId() != null) {
      body += ProtoSizes.idField(4, s.parentSpanId());
    }
    if (!s.name().isEmpty()) {
      body += CodedOutputStream.computeStringSize(5, s.name());
    }
    if (s.kind().ordinal() != 0) {
      body += CodedOutputStream.computeEnumSize(6, s.kind().ordinal());
    }
    if (s.startNanos() != 0) {
      body += CodedOutputStream.computeFixed64Size(7, s.startNanos());
    }
    if (s.endNanos() != 0) {
      body += CodedOutputStream.computeFixed64Size(8, s.endNanos());
    }
    if (needsThreadId(s)) {
      body += longKvField(9, THREAD_ID, s.tid(), sizes);
    }
    if (needsThreadName(s)) {
      body += stringKvField(9, THREAD_NAME, s.threadName(), sizes);
    }
    for (Attribute a : s.attributes()) {
      body += kvField(9, a, sizes);
    }
    for (SpanEvent e : s.events()) {
      body += eventField(e, sizes);
    }
    for (SpanLink l : s.links()) {
      body += linkField(l, sizes);
    }
    if (hasStatus(s)) {
      int statusSlot = sizes.reserve();
      body += sizes.close(statusSlot, 15, statusBody(s));
    }
    return sizes.close(slot, 2, body);
  }

  private static boolean hasStatus(Span s) {
    return s.statusCode().ordinal() != 0
        || (s.statusMessage() != null && !s.statusMessage().isEmpty());
  }

  private static int statusBody(Span s) {
    int size = 0;
    if (s.statusMessage() != null && !s.statusMessage().isEmpty()) {
      size += CodedOutputStream.computeStringSize(2, s.statusMessage());
    }
    if (s.statusCode().ordinal() != 0) {
      size += CodedOutputStream.computeEnumSize(3, s.statusCode().ordinal());
    }
    return size;
  }

  private static int eventField(SpanEvent e, ProtoSizes sizes) {
    int slot = sizes.reserve();
    int body = 0;
    if (e.timeNanos() != 0) {
      body += CodedOutputStream.computeFixed64Size(1, e.timeNanos());
    }
    if (!e.name().isEmpty()) {
      body += CodedOutputStream.computeStringSize(2, e.name());
    }
    for (Attribute a : e.attributes()) {
      body += kvField(3, a, sizes);
    }
    return sizes.close(slot, 11, body);
  }

  private static int linkField(SpanLink l, ProtoSizes sizes) {
    int slot = sizes.reserve();
    int body = ProtoSizes.idField(1, l.traceId()) + ProtoSizes.idField(2, l.spanId());
    for (Attribute a : l.attributes()) {
      body += kvField(4, a, sizes);
    }
    return sizes.close(slot, 13, body);
  }

  private static int kvField(int field, Attribute a, ProtoSizes sizes) {
    int slot = sizes.reserve();
    int body = a.key().isEmpty() ? 0 : CodedOutputStream.computeStringSize(1, a.key());
    body += anyValueField(2, a.value(), sizes);
    return sizes.close(slot, field, body);
  }

  private static int stringKvField(int field, String key, String value, ProtoSizes sizes) {
    int slot = sizes.reserve();
    int anySlot = sizes.reserve();
    int any = sizes.close(anySlot, 2, CodedOutputStream.computeStringSize(1, value));
    return sizes.close(slot, field, CodedOutputStream.computeStringSize(1, key) + any);
  }

  private static int longKvField(int field, String key, long value, ProtoSizes sizes) {
    int slot = sizes.reserve();
    int anySlot = sizes.reserve();
    int any = sizes.close(anySlot, 2, CodedOutputStream.computeInt64Size(3, value));
    return sizes.close(slot, field, CodedOutputStream.computeStringSize(1, key) + any);
  }

  /** A oneof member is written even when it holds its default, so no zero checks here. */
  private static int anyValueField(int field, AttributeValue v, ProtoSizes sizes) {
    int slot = sizes.reserve();
    int body;
    if (v instanceof AttributeValue.StringValue s) {
      body = CodedOutputStream.computeStringSize(1, s.value());
    } else if (v instanceof AttributeValue.BoolValue) {
      body = 2;
    } else if (v instanceof AttributeValue.LongValue l) {
      body = CodedOutputStream.computeInt64Size(3, l.value());
    } else if (v instanceof AttributeValue.DoubleValue) {
      body = 9;
    } else if (v instanceof AttributeValue.ArrayValue arr) {
      int arraySlot = sizes.reserve();
      int inner = 0;
      for (AttributeValue e : arr.values()) {
        inner += anyValueField(1, e, sizes);
      }
      body = sizes.close(arraySlot, 5, inner);
    } else if (v instanceof AttributeValue.MapValue map) {
      int listSlot = sizes.reserve();
      int inner = 0;
      for (Attribute e : map.entries()) {
        inner += kvField(1, e, sizes);
      }
      body = sizes.close(listSlot, 6, inner);
    } else {
      body = CodedOutputStream.computeByteArraySize(7, ((AttributeValue.BytesValue) v).value());
    }
    return sizes.close(slot, field, body);
  }

  // ---- protobuf: write pass ------------------------------------------------------------------

  private static void writeResourceSpans(CodedOutputStream out, List<Span> group, ProtoSizes sizes)
      throws IOException {
    Span first = group.get(0);
    sizes.writeHeader(out, 1);
    if (needsServiceName(first)) {
      writeStringKv(out, 1, SERVICE_NAME, first.serviceName(), sizes);
    }
    if (needsInstance(first)) {
      writeStringKv(out, 1, SERVICE_INSTANCE_ID, first.serviceInstance(), sizes);
    }
    if (needsPid(first)) {
      writeLongKv(out, 1, PROCESS_PID, first.pid(), sizes);
    }
    for (Attribute a : first.resourceAttributes()) {
      writeKv(out, 1, a, sizes);
    }
    sizes.writeHeader(out, 2);
    for (Span s : group) {
      sizes.writeHeader(out, 2);
      writeSpan(out, s, sizes);
    }
  }

  private static void writeSpan(CodedOutputStream out, Span s, ProtoSizes sizes)
      throws IOException {
    ProtoSizes.writeId(out, 1, s.traceId());
    ProtoSizes.writeId(out, 2, s.spanId());
    if (s.parentSpanId() != null) {
      ProtoSizes.writeId(out, 4, s.parentSpanId());
    }
    if (!s.name().isEmpty()) {
      out.writeString(5, s.name());
    }
    if (s.kind().ordinal() != 0) {
      out.writeEnum(6, s.kind().ordinal());
    }
    if (s.startNanos() != 0) {
      out.writeFixed64(7, s.startNanos());
    }
    if (s.endNanos() != 0) {
      out.writeFixed64(8, s.endNanos());
    }
    if (needsThreadId(s)) {
      writeLongKv(out, 9, THREAD_ID, s.tid(), sizes);
    }
    if (needsThreadName(s)) {
      writeStringKv(out, 9, THREAD_NAME, s.threadName(), sizes);
    }
    for (Attribute a : s.attributes()) {
      writeKv(out, 9, a, sizes);
    }
    for (SpanEvent e : s.events()) {
      sizes.writeHeader(out, 11);
      if (e.timeNanos() != 0) {
        out.writeFixed64(1, e.timeNanos());
      }
      if (!e.name().isEmpty()) {
        out.writeString(2, e.name());
      }
      for (Attribute a : e.attributes()) {
        writeKv(out, 3, a, sizes);
      }
    }
    for (SpanLink l : s.links()) {
      sizes.writeHeader(out, 13);
      ProtoSizes.writeId(out, 1, l.traceId());
      ProtoSizes.writeId(out, 2, l.spanId());
      for (Attribute a : l.attributes()) {
        writeKv(out, 4, a, sizes);
      }
    }
    if (hasStatus(s)) {
      sizes.writeHeader(out, 15);
      if (s.statusMessage() != null && !s.statusMessage().isEmpty()) {
        out.writeString(2, s.statusMessage());
      }
      if (s.statusCode().ordinal() != 0) {
        out.writeEnum(3, s.statusCode().ordinal());
      }
    }
  }

  private static void writeKv(CodedOutputStream out, int field, Attribute a, ProtoSizes sizes)
      throws IOException {
    sizes.writeHeader(out, field);
    if (!a.key().isEmpty()) {
      out.writeString(1, a.key());
    }
    sizes.writeHeader(out, 2);
    writeAnyValue(out, a.value(), sizes);
  }

  private static void writeStringKv(CodedOutputStream out, int field, String key, String value,
      ProtoSizes sizes) throws IOException {
    sizes.writeHeader(out, field);
    out.writeString(1, key);
    sizes.writeHeader(out, 2);
    out.writeString(1, value);
  }

  private static void writeLongKv(CodedOutputStream out, int field, String key, long value,
      ProtoSizes sizes) throws IOException {
    sizes.writeHeader(out, field);
    out.writeString(1, key);
    sizes.writeHeader(out, 2);
    out.writeInt64(3, value);
  }

  private static void writeAnyValue(CodedOutputStream out, AttributeValue v, ProtoSizes sizes)
      throws IOException {
    if (v instanceof AttributeValue.StringValue s) {
      out.writeString(1, s.value());
    } else if (v instanceof AttributeValue.BoolValue b) {
      out.writeBool(2, b.value());
    } else if (v instanceof AttributeValue.LongValue l) {
      out.writeInt64(3, l.value());
    } else if (v instanceof AttributeValue.DoubleValue d) {
      out.writeDouble(4, d.value());
    } else if (v instanceof AttributeValue.ArrayValue arr) {
      sizes.writeHeader(out, 5);
      for (AttributeValue e : arr.values()) {
        sizes.writeHeader(out, 1);
        writeAnyValue(out, e, sizes);
      }
    } else if (v instanceof AttributeValue.MapValue map) {
      sizes.writeHeader(out, 6);
      for (Attribute e : map.entries()) {
        writeKv(out, 1, e, sizes);
      }
    } else {
      out.writeByteArray(7, ((AttributeValue.BytesValue) v).value());
    }
  }

  // ---- JSON ----------------------------------------------------------------------------------

  private static void writeResourceSpansJson(JsonGenerator g, List<Span> group) throws IOException {
    Span first = group.get(0);
    g.writeStartObject();
    g.writeObjectFieldStart("resource");
    g.writeArrayFieldStart("attributes");
    if (needsServiceName(first)) {
      writeStringKvJson(g, SERVICE_NAME, first.serviceName());
    }
    if (needsInstance(first)) {
      writeStringKvJson(g, SERVICE_INSTANCE_ID, first.serviceInstance());
    }
    if (needsPid(first)) {
      writeLongKvJson(g, PROCESS_PID, first.pid());
    }
    for (Attribute a : first.resourceAttributes()) {
      writeKvJson(g, a);
    }
    g.writeEndArray();
    g.writeEndObject();
    g.writeArrayFieldStart("scopeSpans");
    g.writeStartObject();
    g.writeObjectFieldStart("scope");
    g.writeEndObject();
    g.writeArrayFieldStart("spans");
    for (Span s : group) {
      writeSpanJson(g, s);
    }
    g.writeEndArray();
    g.writeEndObject();
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void writeSpanJson(JsonGenerator g, Span s) throws IOException {
    g.writeStartObject();
    g.writeStringField("traceId", s.traceId());
    g.writeStringField("spanId", s.spanId());
    if (s.parentSpanId() != null) {
      g.writeStringField("parentSpanId", s.parentSpanId());
    }
    g.writeStringField("name", s.name());
    if (s.kind().ordinal() != 0) {
      g.writeNumberField("kind", s.kind().ordinal());
    }
    g.writeStringField("startTimeUnixNano", Long.toUnsignedString(s.startNanos()));
    g.writeStringField("endTimeUnixNano", Long.toUnsignedString(s.endNanos()));
    g.writeArrayFieldStart("attributes");
    if (needsThreadId(s)) {
      writeLongKvJson(g, THREAD_ID, s.tid());
    }
    if (needsThreadName(s)) {
      writeStringKvJson(g, THREAD_NAME, s.threadName());
    }
    for (Attribute a : s.attributes()) {
      writeKvJson(g, a);
    }
    g.writeEndArray();
    if (!s.events().isEmpty()) {
      g.writeArrayFieldStart("events");
      for (SpanEvent e : s.events()) {
        g.writeStartObject();
        g.writeStringField("timeUnixNano", Long.toUnsignedString(e.timeNanos()));
        g.writeStringField("name", e.name());
        writeAttributesJson(g, e.attributes());
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    if (!s.links().isEmpty()) {
      g.writeArrayFieldStart("links");
      for (SpanLink l : s.links()) {
        g.writeStartObject();
        g.writeStringField("traceId", l.traceId());
        g.writeStringField("spanId", l.spanId());
        writeAttributesJson(g, l.attributes());
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    g.writeObjectFieldStart("status");
    if (s.statusMessage() != null && !s.statusMessage().isEmpty()) {
      g.writeStringField("message", s.statusMessage());
    }
    if (s.statusCode().ordinal() != 0) {
      g.writeNumberField("code", s.statusCode().ordinal());
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void writeAttributesJson(JsonGenerator g, List<Attribute> attributes)
      throws IOException {
    if (attributes.isEmpty()) {
      return;
    }
    g.writeArrayFieldStart("attributes");
    for (Attribute a : attributes) {
      writeKvJson(g, a);
    }
    g.writeEndArray();
  }

  private static void writeKvJson(JsonGenerator g, Attribute a) throws IOException {
    g.writeStartObject();
    g.writeStringField("key", a.key());
    g.writeFieldName("value");
    writeAnyValueJson(g, a.value());
    g.writeEndObject();
  }

  private static void writeStringKvJson(JsonGenerator g, String key, String value)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("key", key);
    g.writeObjectFieldStart("value");
    g.writeStringField("stringValue", value);
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void writeLongKvJson(JsonGenerator g, String key, long value) throws IOException {
    g.writeStartObject();
    g.writeStringField("key", key);
    g.writeObjectFieldStart("value");
    g.writeStringField("intValue", Long.toString(value));
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void writeAnyValueJson(JsonGenerator g, AttributeValue v) throws IOException {
    g.writeStartObject();
    if (v instanceof AttributeValue.StringValue s) {
      g.writeStringField("stringValue", s.value());
    } else if (v instanceof AttributeValue.BoolValue b) {
      g.writeBooleanField("boolValue", b.value());
    } else if (v instanceof AttributeValue.LongValue l) {
      g.writeStringField("intValue", Long.toString(l.value()));
    } else if (v instanceof AttributeValue.DoubleValue d) {
      double x = d.value();
      if (Double.isFinite(x)) {
        g.writeNumberField("doubleValue", x);
      } else {
        // proto3 JSON spells non-finite doubles as these strings
        g.writeStringField("doubleValue",
            Double.isNaN(x) ? "NaN" : x > 0 ? "Infinity" : "-Infinity");
      }
    } else if (v instanceof AttributeValue.ArrayValue arr) {
      g.writeObjectFieldStart("arrayValue");
      g.writeArrayFieldStart("values");
      for (AttributeValue e : arr.values()) {
        writeAnyValueJson(g, e);
      }
      g.writeEndArray();
      g.writeEndObject();
    } else if (v instanceof AttributeValue.MapValue map) {
      g.writeObjectFieldStart("kvlistValue");
      g.writeArrayFieldStart("values");
      for (Attribute e : map.entries()) {
        writeKvJson(g, e);
      }
      g.writeEndArray();
      g.writeEndObject();
    } else {
      g.writeStringField("bytesValue",
          Base64.getEncoder().encodeToString(((AttributeValue.BytesValue) v).value()));
    }
    g.writeEndObject();
  }

  // ---- nested sizes --------------------------------------------------------------------------

  /**
   * Nested message sizes in pre-order. The size pass reserves a slot before sizing a message's
   * children and fills it after; the write pass reads slots in the same order.
   */
  static final class ProtoSizes {
    private int[] sizes = new int[64];
    private int count;
    private int cursor;

    int reserve() {
      if (count == sizes.length) {
        sizes = Arrays.copyOf(sizes, count * 2);
      }
      return count++;
    }

    /** Fills {@code slot} with the body size; returns the whole field's size (tag, length, body). */
    int close(int slot, int field, int bodySize) {
      sizes[slot] = bodySize;
      return field(field, bodySize);
    }

    void rewind() {
      cursor = 0;
    }

    void writeHeader(CodedOutputStream out, int field) throws IOException {
      out.writeTag(field, 2);
      out.writeUInt32NoTag(sizes[cursor++]);
    }

    static int field(int field, int bodySize) {
      return CodedOutputStream.computeTagSize(field)
          + CodedOutputStream.computeUInt32SizeNoTag(bodySize) + bodySize;
    }

    static int idField(int field, String hex) {
      int len = hex.length() / 2;
      return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(len)
          + len;
    }

    /** Hex id straight to bytes on the wire: no intermediate array. */
    static void writeId(CodedOutputStream out, int field, String hex) throws IOException {
      int len = hex.length() / 2;
      out.writeTag(field, 2);
      out.writeUInt32NoTag(len);
      for (int i = 0; i < len; i++) {
        out.write((byte) ((Character.digit(hex.charAt(2 * i), 16) << 4)
            | Character.digit(hex.charAt(2 * i + 1), 16)));
      }
    }
  }
}
