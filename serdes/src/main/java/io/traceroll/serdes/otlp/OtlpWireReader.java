package io.traceroll.serdes.otlp;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.traceroll.serdes.avro.DecodeCache;
import io.traceroll.span.Attribute;
import io.traceroll.span.AttributeValue;
import io.traceroll.span.Mark;
import io.traceroll.span.Span;
import io.traceroll.span.SpanEvent;
import io.traceroll.span.SpanLink;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an OTLP {@code ExportTraceServiceRequest} straight from protobuf wire format into span
 * builders, without materialising the generated message objects first.
 *
 * <p>Why hand-written: with the generated classes every {@code KeyValue} and {@code AnyValue} costs
 * a builder, a message, a field builder and a copied {@code ByteString}, and the span model then
 * copies it all again; parsing alone capped decode well below the 500k spans/s/core target. This
 * reader accepts and rejects exactly what {@code ExportTraceServiceRequest.parseFrom} does (same
 * {@link CodedInputStream} primitives: UTF-8 validation of proto3 strings, recursion limit 100,
 * unknown fields and wrong wire types skipped, repeated singular messages merged), which
 * {@code OtlpWireReaderTest} checks against the generated classes on valid and mutated input.
 *
 * <p>What repeats across spans comes from the thread's {@link DecodeCache}: whole key/value pairs
 * by their exact bytes, ASCII strings, hex ids. A cached pair is one decoded before from the same
 * bytes, so the result is the same; non-ASCII strings still go through protobuf's validating
 * decoder.
 *
 * <p>Field numbers are those of opentelemetry-proto 1.9 ({@code trace/v1/trace.proto},
 * {@code common/v1/common.proto}, {@code resource/v1/resource.proto}).
 */
final class OtlpWireReader {
  private static final int RECURSION_LIMIT = 100; // CodedInputStream's default

  // tag = field_number << 3 | wire_type (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32)
  private static final int LEN_1 = 1 << 3 | 2;
  private static final int LEN_2 = 2 << 3 | 2;
  private static final int LEN_3 = 3 << 3 | 2;
  private static final int LEN_4 = 4 << 3 | 2;
  private static final int LEN_5 = 5 << 3 | 2;
  private static final int LEN_6 = 6 << 3 | 2;
  private static final int LEN_7 = 7 << 3 | 2;

  private final CodedInputStream in;
  private final byte[] payload;
  private final DecodeCache cache;
  private int depth;
  /** Array and kvlist values entered so far: a pair that entered none can be cached. */
  private int nestedValues;

  /** One span as read, waiting for its resource (which may follow it on the wire). */
  record RawSpan(Span.Builder builder, List<Mark> marks) {}

  private OtlpWireReader(byte[] payload) {
    this.in = CodedInputStream.newInstance(payload);
    this.payload = payload;
    this.cache = DecodeCache.forCurrentThread();
  }

  /**
   * Reads the request, calling {@code perResource} once per {@code ResourceSpans} with its
   * resource attributes and its spans in wire order.
   */
  static void read(byte[] payload, ResourceSink perResource) throws IOException {
    OtlpWireReader r = new OtlpWireReader(payload);
    r.request(perResource);
    r.in.checkLastTagWas(0);
  }

  interface ResourceSink {
    void accept(List<Attribute> resourceAttributes, List<RawSpan> spans);
  }

  private void request(ResourceSink sink) throws IOException {
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == LEN_1) {
        int old = enter();
        resourceSpans(sink);
        exit(old);
      } else if (!in.skipField(tag)) {
        return;
      }
    }
  }

  private void resourceSpans(ResourceSink sink) throws IOException {
    List<Attribute> resource = new ArrayList<>();
    List<RawSpan> spans = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case LEN_1 -> {
          int old = enter();
          resource(resource);
          exit(old);
        }
        case LEN_2 -> {
          int old = enter();
          scopeSpans(spans);
          exit(old);
        }
        case LEN_3 -> string(); // schema_url
        default -> {
          if (!in.skipField(tag)) {
            return;
          }
        }
      }
    }
    sink.accept(resource, spans);
  }

  private void resource(List<Attribute> attributes) throws IOException {
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case LEN_1 -> attributes.add(keyValue());
        case LEN_3 -> {
          int old = enter();
          entityRef();
          exit(old);
        }
        default -> {
          if (!in.skipField(tag)) {
            return;
          }
        }
      }
    }
  }

  /** Not used, but read so that invalid UTF-8 in it rejects the record as parseFrom would. */
  private void entityRef() throws IOException {
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case LEN_1, LEN_2, LEN_3, LEN_4 -> string();
        default -> {
          if (!in.skipField(tag)) {
            return;
          }
        }
      }
    }
  }

  private void scopeSpans(List<RawSpan> spans) throws IOException {
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case LEN_1 -> {
          int old = enter();
          scope();
          exit(old);
        }
        case LEN_2 -> {
          int old = enter();
          spans.add(span());
          exit(old);
        }
        case LEN_3 -> string();
        default -> {
          if (!in.skipField(tag)) {
            return;
          }
        }
      }
    }
  }

  /** InstrumentationScope: validated and discarded (the span model has no scope). */
  private void scope() throws IOException {
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case LEN_1, LEN_2 -> string();
        case LEN_3 -> keyValue();
        default -> {
          if (!in.skipField(tag)) {
            return;
          }
        }
      }
    }
  }

  private RawSpan span() throws IOException {
    Span.Builder b = Span.builder().traceId("").spanId("");
    List<Mark> marks = new ArrayList<>(0);
    List<Attribute> attributes = null;
    List<SpanEvent> events = null;
    List<SpanLink> links = null;
    long droppedAttributes = 0;
    long droppedEvents = 0;
    long droppedLinks = 0;
    int kind = 0;
    boolean hasStatus = false;
    int statusCode = 0;
    String statusMessage = "";
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case LEN_1 -> b.traceId(hexBytes());
        case LEN_2 -> b.spanId(hexBytes());
        case LEN_3 -> string(); // trace_state
        case LEN_4 -> {
          String parent = hexBytes();
          b.parentSpanId(parent.isEmpty() ? null : parent);
        }
        case LEN_5 -> b.name(string());
        case 6 << 3 -> kind = in.readEnum();
        case 7 << 3 | 1 -> b.startNanos(in.readFixed64());
        case 8 << 3 | 1 -> b.endNanos(in.readFixed64());
        case 9 << 3 | 2 -> {
          if (attributes == null) {
            attributes = new ArrayList<>(16);
          }
          attributes.add(keyValue());
        }
        case 10 << 3 -> droppedAttributes = in.readUInt32() & 0xffffffffL;
        case 11 << 3 | 2 -> {
          if (events == null) {
            events = new ArrayList<>(2);
          }
          int old = enter();
          events.add(event());
          exit(old);
        }
        case 12 << 3 -> droppedEvents = in.readUInt32() & 0xffffffffL;
        case 13 << 3 | 2 -> {
          if (links == null) {
            links = new ArrayList<>(2);
          }
          int old = enter();
          links.add(link());
          exit(old);
        }
        case 14 << 3 -> droppedLinks = in.readUInt32() & 0xffffffffL;
        case 15 << 3 | 2 -> {
          // A repeated singular message merges into the earlier one, as parseFrom does.
          hasStatus = true;
          int old = enter();
          for (int t = in.readTag(); t != 0; t = in.readTag()) {
            if (t == LEN_2) {
              statusMessage = string();
            } else if (t == 3 << 3) {
              statusCode = in.readEnum();
            } else if (!in.skipField(t)) {
              break;
            }
          }
          exit(old);
        }
        case 16 << 3 | 5 -> in.readFixed32(); // flags
        default -> {
          if (!in.skipField(tag)) {
            return new RawSpan(b, marks);
          }
        }
      }
    }
    b.kind(OtlpSpanFields.kind(kind, marks));
    if (hasStatus) {
      b.statusCode(OtlpSpanFields.status(statusCode, marks));
      b.statusMessage(statusMessage.isEmpty() ? null : statusMessage);
    }
    List<Attribute> attrs = attributes == null ? List.of() : attributes;
    b.attributes(attrs).events(events == null ? List.of() : events)
        .links(links == null ? List.of() : links);
    OtlpSpanFields.thread(b, attrs);
    OtlpSpanFields.droppedByProducer("attributes", droppedAttributes, marks);
    OtlpSpanFields.droppedByProducer("events", droppedEvents, marks);
    OtlpSpanFields.droppedByProducer("links", droppedLinks, marks);
    return new RawSpan(b, marks);
  }

  private SpanEvent event() throws IOException {
    long time = 0;
    String name = "";
    List<Attribute> attributes = new ArrayList<>(4);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case 1 << 3 | 1 -> time = in.readFixed64();
        case LEN_2 -> name = string();
        case LEN_3 -> attributes.add(keyValue());
        default -> {
          if (!in.skipField(tag)) {
            return new SpanEvent(time, name, attributes);
          }
        }
      }
    }
    return new SpanEvent(time, name, attributes);
  }

  private SpanLink link() throws IOException {
    String traceId = "";
    String spanId = "";
    List<Attribute> attributes = new ArrayList<>(2);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case LEN_1 -> traceId = hexBytes();
        case LEN_2 -> spanId = hexBytes();
        case LEN_3 -> string();
        case LEN_4 -> attributes.add(keyValue());
        case 6 << 3 | 5 -> in.readFixed32();
        default -> {
          if (!in.skipField(tag)) {
            return new SpanLink(traceId, spanId, attributes);
          }
        }
      }
    }
    return new SpanLink(traceId, spanId, attributes);
  }

  /**
   * Reads one length-delimited KeyValue (the caller has seen its tag). A pair whose exact bytes
   * were decoded before is the same attribute again: taken from the thread's cache, unparsed.
   */
  private Attribute keyValue() throws IOException {
    int length = in.readRawVarint32();
    int start = in.getTotalBytesRead();
    // Only pairs without nested values are cached, so a pair nests exactly two deep (KeyValue,
    // AnyValue) and the recursion limit is the one check whose outcome could differ here.
    boolean cacheable = depth + 1 < RECURSION_LIMIT && length > 0
        && length <= in.getBytesUntilLimit();
    if (cacheable) {
      Attribute cached = cache.otlpPair(payload, start, length);
      if (cached != null) {
        in.skipRawBytes(length);
        return cached;
      }
    }
    int old = enter(length);
    int nestedBefore = nestedValues;
    String key = "";
    AnyValueState value = null;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == LEN_1) {
        key = string();
      } else if (tag == LEN_2) {
        if (value == null) {
          value = new AnyValueState();
        }
        int inner = enter();
        anyValue(value); // a second value field merges into the first
        exit(inner);
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    exit(old);
    Attribute attribute = new Attribute(key, value == null ? EMPTY : value.toValue());
    if (cacheable && nestedValues == nestedBefore) {
      cache.otlpPairDecoded(payload, start, length, attribute);
    }
    return attribute;
  }

  private static final AttributeValue EMPTY = new AttributeValue.StringValue("");

  /** AnyValue's oneof while it is being read: the last field wins, same-typed lists merge. */
  private static final class AnyValueState {
    int kind; // 0 unset, else the oneof field number
    String string;
    boolean bool;
    long integer;
    double dbl;
    byte[] bytes;
    List<AttributeValue> array;
    List<Attribute> kvlist;

    AttributeValue toValue() {
      return switch (kind) {
        case 1 -> new AttributeValue.StringValue(string);
        case 2 -> new AttributeValue.BoolValue(bool);
        case 3 -> new AttributeValue.LongValue(integer);
        case 4 -> new AttributeValue.DoubleValue(dbl);
        case 5 -> new AttributeValue.ArrayValue(array);
        case 6 -> new AttributeValue.MapValue(kvlist);
        case 7 -> new AttributeValue.BytesValue(bytes);
        default -> EMPTY;
      };
    }
  }

  private void anyValue(AnyValueState v) throws IOException {
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case LEN_1 -> {
          v.string = string();
          v.kind = 1;
        }
        case 2 << 3 -> {
          v.bool = in.readBool();
          v.kind = 2;
        }
        case 3 << 3 -> {
          v.integer = in.readInt64();
          v.kind = 3;
        }
        case 4 << 3 | 1 -> {
          v.dbl = in.readDouble();
          v.kind = 4;
        }
        case LEN_5 -> {
          nestedValues++;
          if (v.kind != 5) {
            v.array = new ArrayList<>(4);
            v.kind = 5;
          }
          int old = enter();
          for (int t = in.readTag(); t != 0; t = in.readTag()) {
            if (t == LEN_1) {
              AnyValueState element = new AnyValueState();
              int inner = enter();
              anyValue(element);
              exit(inner);
              v.array.add(element.toValue());
            } else if (!in.skipField(t)) {
              break;
            }
          }
          exit(old);
        }
        case LEN_6 -> {
          nestedValues++;
          if (v.kind != 6) {
            v.kvlist = new ArrayList<>(4);
            v.kind = 6;
          }
          int old = enter();
          for (int t = in.readTag(); t != 0; t = in.readTag()) {
            if (t == LEN_1) {
              v.kvlist.add(keyValue());
            } else if (!in.skipField(t)) {
              break;
            }
          }
          exit(old);
        }
        case LEN_7 -> {
          v.bytes = in.readByteArray();
          v.kind = 7;
        }
        default -> {
          if (!in.skipField(tag)) {
            return;
          }
        }
      }
    }
  }

  /**
   * A proto3 string field, exactly as {@link CodedInputStream#readStringRequireUtf8} reads it
   * (same result, same exceptions), but straight from the payload: ASCII through the thread's
   * {@link DecodeCache}, anything else through protobuf's own validating decoder.
   */
  private String string() throws IOException {
    int lengthAt = in.getTotalBytesRead(); // the reader starts at payload[0]
    int size = in.readRawVarint32();
    int start = in.getTotalBytesRead();
    in.skipRawBytes(size); // throws as readStringRequireUtf8 does for a bad size
    String s = cache.asciiOrNull(payload, start, size);
    if (s != null) {
      return s;
    }
    return CodedInputStream.newInstance(payload, lengthAt, start + size - lengthAt)
        .readStringRequireUtf8();
  }

  /** Hex of a bytes field whatever its length; the sanitizer judges validity. */
  private String hexBytes() throws IOException {
    int length = in.readRawVarint32();
    if (length == 0) {
      return "";
    }
    if (length < 0) {
      throw new InvalidProtocolBufferException("negative length for a bytes field");
    }
    int start = in.getTotalBytesRead();
    in.skipRawBytes(length); // truncated: the same exception as readRawBytes
    return cache.hexId(payload, start, length);
  }

  /** Enters a length-delimited message exactly as CodedInputStream.readMessage does. */
  private int enter() throws IOException {
    return enter(in.readRawVarint32());
  }

  /** As {@link #enter()}, the message's length already read. */
  private int enter(int length) throws IOException {
    if (depth >= RECURSION_LIMIT) {
      throw new InvalidProtocolBufferException("protocol message nested too deeply");
    }
    int old = in.pushLimit(length);
    depth++;
    return old;
  }

  private void exit(int oldLimit) throws IOException {
    in.checkLastTagWas(0);
    depth--;
    in.popLimit(oldLimit);
  }

}
