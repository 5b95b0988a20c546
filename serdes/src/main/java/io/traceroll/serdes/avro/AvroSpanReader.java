package io.traceroll.serdes.avro;

import io.traceroll.serdes.avro.AvroBytesReader.MalformedAvroException;
import io.traceroll.span.Attribute;
import io.traceroll.span.AttributeValue;
import io.traceroll.span.Mark;
import io.traceroll.span.Span;
import io.traceroll.span.SpanEvent;
import io.traceroll.span.SpanKind;
import io.traceroll.span.SpanLink;
import io.traceroll.span.StatusCode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.ResolvingDecoder;

/**
 * Reads the current {@code Span}/{@code SpanBatch} schema straight into the span model.
 *
 * <p>Why hand-written: the generated specific records cost a second object graph per span (and
 * {@code Utf8}-to-{@code String} copies) that is thrown away right after mapping. The same code reads
 * older schema versions: given a {@link ResolvingDecoder}, each record's fields come in the order it
 * returns ({@code readFieldOrder}), with defaults supplied for fields the writer did not have; given
 * a plain decoder they come in schema order. Hence every record is read as a loop over a field
 * order, switching on the reader field position.
 */
final class AvroSpanReader {
  // Branches of the AnyValue union, shared with the writer.
  static final int ANY_STRING = 0;
  static final int ANY_BOOLEAN = 1;
  static final int ANY_LONG = 2;
  static final int ANY_DOUBLE = 3;
  static final int ANY_BYTES = 4;
  static final int ANY_ARRAY = 5;
  static final int ANY_KVLIST = 6;

  /** Deeper attribute values than this are malformed: bounds the reader's stack on hostile input. */
  static final int MAX_VALUE_DEPTH = 32;

  private static final SpanKind[] KINDS = SpanKind.values();
  private static final StatusCode[] STATUS_CODES = StatusCode.values();

  private static final Schema.Field[] SPAN_FIELDS = fieldsOf(AvroSchemas.SPAN,
      "traceId", "spanId", "parentSpanId", "traceKey", "serviceName", "serviceInstance", "pid",
      "tid", "threadName", "name", "kind", "startTimeUnixNano", "endTimeUnixNano", "statusCode",
      "statusMessage", "attributes", "events", "links", "resourceAttributes", "marks");
  private static final Schema KEY_VALUE =
      AvroSchemas.SPAN.getField("attributes").schema().getElementType();
  private static final Schema.Field[] KEY_VALUE_FIELDS = fieldsOf(KEY_VALUE, "key", "value");
  private static final Schema ANY_VALUE = KEY_VALUE.getField("value").schema();
  private static final Schema.Field[] ANY_VALUE_FIELDS = fieldsOf(ANY_VALUE, "value");
  private static final Schema.Field[] ARRAY_VALUE_FIELDS = fieldsOf(
      ANY_VALUE.getField("value").schema().getTypes().get(ANY_ARRAY), "values");
  private static final Schema.Field[] KVLIST_FIELDS = fieldsOf(
      ANY_VALUE.getField("value").schema().getTypes().get(ANY_KVLIST), "values");
  private static final Schema.Field[] EVENT_FIELDS = fieldsOf(
      AvroSchemas.SPAN.getField("events").schema().getElementType(),
      "timeUnixNano", "name", "attributes");
  private static final Schema.Field[] LINK_FIELDS = fieldsOf(
      AvroSchemas.SPAN.getField("links").schema().getElementType(),
      "traceId", "spanId", "attributes");
  private static final Schema.Field[] MARK_FIELDS = fieldsOf(
      AvroSchemas.SPAN.getField("marks").schema().getElementType(), "code", "detail");
  private static final Schema.Field[] BATCH_FIELDS =
      fieldsOf(AvroSchemas.SPAN_BATCH, "spans", "resourceAttributes");

  private AvroSpanReader() {}

  /**
   * Reads a {@code SpanBatch} into {@code spans} and returns the batch's resource attributes (the
   * caller applies them: they come after the spans on the wire).
   */
  static List<Attribute> readBatch(Decoder in, List<Span> spans) throws IOException {
    List<Attribute> resource = List.of();
    for (Schema.Field f : order(in, BATCH_FIELDS)) {
      switch (f.pos()) {
        case 0 -> {
          for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
            for (long i = 0; i < n; i++) {
              spans.add(readSpan(in));
            }
          }
        }
        case 1 -> resource = readAttributes(in, 0);
        default -> throw unexpected(f);
      }
    }
    return resource;
  }

  static Span readSpan(Decoder in) throws IOException {
    String traceId = null;
    String spanId = null;
    String parentSpanId = null;
    String traceKey = null;
    String serviceName = null;
    String serviceInstance = null;
    int pid = 0;
    long tid = 0;
    String threadName = null;
    String name = null;
    SpanKind kind = SpanKind.UNSPECIFIED;
    long start = 0;
    long end = 0;
    StatusCode status = StatusCode.UNSET;
    String statusMessage = null;
    List<Attribute> attributes = List.of();
    List<SpanEvent> events = List.of();
    List<SpanLink> links = List.of();
    List<Attribute> resource = List.of();
    List<Mark> marks = List.of();
    AvroBytesReader direct = in instanceof AvroBytesReader r && r.cache() != null ? r : null;
    for (Schema.Field f : order(in, SPAN_FIELDS)) {
      switch (f.pos()) {
        case 0 -> traceId = direct != null ? direct.readTraceId() : in.readString();
        case 1 -> spanId = in.readString();
        case 2 -> parentSpanId = readNullableString(in);
        case 3 -> traceKey = readNullableTraceKey(in, direct);
        case 4 -> serviceName = in.readString();
        case 5 -> serviceInstance = readNullableString(in);
        case 6 -> pid = in.readInt();
        case 7 -> tid = in.readLong();
        case 8 -> threadName = readNullableString(in);
        case 9 -> name = in.readString();
        case 10 -> kind = KINDS[checkIndex(in.readEnum(), KINDS.length, "SpanKind")];
        case 11 -> start = in.readLong();
        case 12 -> end = in.readLong();
        case 13 -> status =
            STATUS_CODES[checkIndex(in.readEnum(), STATUS_CODES.length, "StatusCode")];
        case 14 -> statusMessage = readNullableString(in);
        case 15 -> attributes = readAttributes(in, 0);
        case 16 -> events = readEvents(in);
        case 17 -> links = readLinks(in);
        case 18 -> resource = readResource(in, serviceName);
        case 19 -> marks = readMarks(in);
        default -> throw unexpected(f);
      }
    }
    return new Span(traceId, spanId, parentSpanId, traceKey, serviceName, serviceInstance, pid, tid,
        threadName, name, kind, start, end, status, statusMessage, attributes, events, links,
        resource, marks);
  }

  /**
   * A span's resource attributes: byte for byte those of an earlier span of its service more
   * often than not, and then the same list again (reading the current schema directly only).
   */
  @SuppressWarnings("unchecked")
  private static List<Attribute> readResource(Decoder in, String service) throws IOException {
    if (!(in instanceof AvroBytesReader r) || r.cache() == null) {
      return readAttributes(in, 0);
    }
    Object again = r.rereadResource(service);
    if (again != null) {
      return (List<Attribute>) again;
    }
    int start = r.position();
    List<Attribute> read = List.copyOf(readAttributes(in, 0));
    if (read.size() > 1) {
      r.resourceRead(service, start, read);
    }
    return read;
  }

  static List<Attribute> readAttributes(Decoder in, int depth) throws IOException {
    long n = in.readArrayStart();
    if (n == 0) {
      return List.of();
    }
    AvroBytesReader direct = in instanceof AvroBytesReader r && r.cache() != null ? r : null;
    List<Attribute> out = new ArrayList<>((int) Math.min(n, 64));
    for (; n != 0; n = in.arrayNext()) {
      for (long i = 0; i < n; i++) {
        out.add(direct != null ? readCachedAttribute(direct, depth) : readAttribute(in, depth));
      }
    }
    return out;
  }

  private static Attribute readAttribute(Decoder in, int depth) throws IOException {
    String key = null;
    AttributeValue value = null;
    for (Schema.Field f : order(in, KEY_VALUE_FIELDS)) {
      if (f.pos() == 0) {
        key = in.readString();
      } else {
        value = readAnyValue(in, depth);
      }
    }
    return new Attribute(key, value);
  }

  /**
   * A pair with a scalar value whose exact bytes were read before is the same attribute again
   * (the thread's cache; reading the current schema only, where the bytes say it all).
   */
  private static Attribute readCachedAttribute(AvroBytesReader in, int depth) throws IOException {
    int start = in.position();
    int end = in.scalarKeyValueEnd();
    if (end < 0) {
      return readAttribute(in, depth);
    }
    DecodeCache cache = in.cache();
    byte[] buf = in.buffer();
    Attribute cached = cache.avroPair(buf, start, end - start);
    if (cached != null) {
      in.skipTo(end);
      return cached;
    }
    Attribute read = readAttribute(in, depth);
    if (in.position() == end) {
      cache.avroPairDecoded(buf, start, end - start, read);
    }
    return read;
  }

  private static AttributeValue readAnyValue(Decoder in, int depth) throws IOException {
    order(in, ANY_VALUE_FIELDS);
    int branch = in.readIndex();
    switch (branch) {
      case ANY_STRING:
        return new AttributeValue.StringValue(in.readString());
      case ANY_BOOLEAN:
        return new AttributeValue.BoolValue(in.readBoolean());
      case ANY_LONG:
        return new AttributeValue.LongValue(in.readLong());
      case ANY_DOUBLE:
        return new AttributeValue.DoubleValue(in.readDouble());
      case ANY_BYTES:
        return new AttributeValue.BytesValue(readBytes(in));
      case ANY_ARRAY: {
        checkDepth(depth);
        order(in, ARRAY_VALUE_FIELDS);
        List<AttributeValue> values = new ArrayList<>();
        for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
          for (long i = 0; i < n; i++) {
            values.add(readAnyValue(in, depth + 1));
          }
        }
        return new AttributeValue.ArrayValue(values);
      }
      case ANY_KVLIST:
        checkDepth(depth);
        order(in, KVLIST_FIELDS);
        return new AttributeValue.MapValue(readAttributes(in, depth + 1));
      default:
        throw new MalformedAvroException("AnyValue union branch " + branch + " does not exist");
    }
  }

  private static List<SpanEvent> readEvents(Decoder in) throws IOException {
    long n = in.readArrayStart();
    if (n == 0) {
      return List.of();
    }
    List<SpanEvent> out = new ArrayList<>((int) Math.min(n, 64));
    for (; n != 0; n = in.arrayNext()) {
      for (long i = 0; i < n; i++) {
        long time = 0;
        String name = null;
        List<Attribute> attributes = List.of();
        for (Schema.Field f : order(in, EVENT_FIELDS)) {
          switch (f.pos()) {
            case 0 -> time = in.readLong();
            case 1 -> name = in.readString();
            case 2 -> attributes = readAttributes(in, 0);
            default -> throw unexpected(f);
          }
        }
        out.add(new SpanEvent(time, name, attributes));
      }
    }
    return out;
  }

  private static List<SpanLink> readLinks(Decoder in) throws IOException {
    long n = in.readArrayStart();
    if (n == 0) {
      return List.of();
    }
    List<SpanLink> out = new ArrayList<>((int) Math.min(n, 64));
    for (; n != 0; n = in.arrayNext()) {
      for (long i = 0; i < n; i++) {
        String traceId = null;
        String spanId = null;
        List<Attribute> attributes = List.of();
        for (Schema.Field f : order(in, LINK_FIELDS)) {
          switch (f.pos()) {
            case 0 -> traceId = in.readString();
            case 1 -> spanId = in.readString();
            case 2 -> attributes = readAttributes(in, 0);
            default -> throw unexpected(f);
          }
        }
        out.add(new SpanLink(traceId, spanId, attributes));
      }
    }
    return out;
  }

  private static List<Mark> readMarks(Decoder in) throws IOException {
    long n = in.readArrayStart();
    if (n == 0) {
      return List.of();
    }
    List<Mark> out = new ArrayList<>((int) Math.min(n, 64));
    for (; n != 0; n = in.arrayNext()) {
      for (long i = 0; i < n; i++) {
        String code = null;
        String detail = null;
        for (Schema.Field f : order(in, MARK_FIELDS)) {
          if (f.pos() == 0) {
            code = in.readString();
          } else {
            detail = in.readString();
          }
        }
        out.add(new Mark(code, detail));
      }
    }
    return out;
  }

  /** The trace key is most often the trace id: then it is the same instance. */
  private static String readNullableTraceKey(Decoder in, AvroBytesReader direct)
      throws IOException {
    if (direct == null) {
      return readNullableString(in);
    }
    int branch = in.readIndex();
    if (branch == 0) {
      return null;
    }
    if (branch != 1) {
      throw new MalformedAvroException("nullable string union branch " + branch);
    }
    return direct.readTraceId();
  }

  private static String readNullableString(Decoder in) throws IOException {
    int branch = in.readIndex();
    if (branch == 0) {
      in.readNull();
      return null;
    }
    if (branch != 1) {
      throw new MalformedAvroException("nullable string union branch " + branch);
    }
    return in.readString();
  }

  private static byte[] readBytes(Decoder in) throws IOException {
    if (in instanceof AvroBytesReader r) {
      return r.readByteArray();
    }
    java.nio.ByteBuffer b = in.readBytes(null);
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  private static Schema.Field[] order(Decoder in, Schema.Field[] natural) throws IOException {
    return in instanceof ResolvingDecoder r ? r.readFieldOrder() : natural;
  }

  private static int checkIndex(int index, int size, String type) throws IOException {
    if (index < 0 || index >= size) {
      throw new MalformedAvroException(type + " symbol " + index + " does not exist");
    }
    return index;
  }

  private static void checkDepth(int depth) throws IOException {
    if (depth >= MAX_VALUE_DEPTH) {
      throw new MalformedAvroException(
          "attribute values nested deeper than " + MAX_VALUE_DEPTH);
    }
  }

  private static IllegalStateException unexpected(Schema.Field f) {
    return new IllegalStateException("reader schema field " + f + " has no reader");
  }

  /**
   * The record's fields in schema order, checked against the names the switch cases above assume,
   * so that editing the schema without this class fails on class load (and in every test).
   */
  private static Schema.Field[] fieldsOf(Schema record, String... expectedNames) {
    List<Schema.Field> fields = record.getFields();
    if (fields.size() != expectedNames.length) {
      throw new IllegalStateException(record.getFullName() + " has fields " + fields
          + ", reader expects " + List.of(expectedNames));
    }
    for (int i = 0; i < expectedNames.length; i++) {
      if (!fields.get(i).name().equals(expectedNames[i])) {
        throw new IllegalStateException(record.getFullName() + " field " + i + " is "
            + fields.get(i).name() + ", reader expects " + expectedNames[i]);
      }
    }
    return fields.toArray(new Schema.Field[0]);
  }
}
