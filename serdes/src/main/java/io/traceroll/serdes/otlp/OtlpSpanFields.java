package io.traceroll.serdes.otlp;

import io.traceroll.span.Attribute;
import io.traceroll.span.AttributeValue;
import io.traceroll.span.Mark;
import io.traceroll.span.Span;
import io.traceroll.span.SpanKind;
import io.traceroll.span.StatusCode;
import java.util.ArrayList;
import java.util.List;

/** OTLP field mappings shared by the protobuf and JSON decoders so both read spans identically. */
final class OtlpSpanFields {
  private OtlpSpanFields() {}

  private static final SpanKind[] KINDS = {
    SpanKind.UNSPECIFIED, SpanKind.INTERNAL, SpanKind.SERVER, SpanKind.CLIENT, SpanKind.PRODUCER,
    SpanKind.CONSUMER
  };

  /** OTLP's SpanKind numbers; an unknown number (a newer producer) is kept as UNSPECIFIED. */
  static SpanKind kind(long value, List<Mark> marks) {
    if (value >= 0 && value < KINDS.length) {
      return KINDS[(int) value];
    }
    marks.add(new Mark("unknown_span_kind", Long.toString(value)));
    return SpanKind.UNSPECIFIED;
  }

  static SpanKind kindByName(String name, List<Mark> marks) {
    return switch (name) {
      case "SPAN_KIND_UNSPECIFIED" -> SpanKind.UNSPECIFIED;
      case "SPAN_KIND_INTERNAL" -> SpanKind.INTERNAL;
      case "SPAN_KIND_SERVER" -> SpanKind.SERVER;
      case "SPAN_KIND_CLIENT" -> SpanKind.CLIENT;
      case "SPAN_KIND_PRODUCER" -> SpanKind.PRODUCER;
      case "SPAN_KIND_CONSUMER" -> SpanKind.CONSUMER;
      default -> {
        marks.add(new Mark("unknown_span_kind", name));
        yield SpanKind.UNSPECIFIED;
      }
    };
  }

  static StatusCode status(long value, List<Mark> marks) {
    if (value == 0) {
      return StatusCode.UNSET;
    }
    if (value == 1) {
      return StatusCode.OK;
    }
    if (value == 2) {
      return StatusCode.ERROR;
    }
    marks.add(new Mark("unknown_status_code", Long.toString(value)));
    return StatusCode.UNSET;
  }

  static StatusCode statusByName(String name, List<Mark> marks) {
    return switch (name) {
      case "STATUS_CODE_UNSET" -> StatusCode.UNSET;
      case "STATUS_CODE_OK" -> StatusCode.OK;
      case "STATUS_CODE_ERROR" -> StatusCode.ERROR;
      default -> {
        marks.add(new Mark("unknown_status_code", name));
        yield StatusCode.UNSET;
      }
    };
  }

  /** Thread identity comes from the span's semantic-convention attributes, not the resource. */
  static void thread(Span.Builder b, List<Attribute> attributes) {
    for (int i = 0; i < attributes.size(); i++) {
      Attribute a = attributes.get(i);
      String key = a.key();
      if (key.equals("thread.id")) {
        if (a.value() instanceof AttributeValue.LongValue l && l.value() > 0) {
          b.tid(l.value());
        } else if (a.value() instanceof AttributeValue.StringValue s) {
          b.tid(OtlpResource.parseNonNegative(s.value()));
        }
      } else if (key.equals("thread.name") && a.value() instanceof AttributeValue.StringValue s) {
        b.threadName(s.value());
      }
    }
  }

  /** Resource marks first, then this span's own: the span list is created only when needed. */
  static List<Mark> marks(OtlpResource resource, List<Mark> spanMarks) {
    if (spanMarks.isEmpty()) {
      return resource.marks();
    }
    if (resource.marks().isEmpty()) {
      return spanMarks;
    }
    List<Mark> all = new ArrayList<>(resource.marks().size() + spanMarks.size());
    all.addAll(resource.marks());
    all.addAll(spanMarks);
    return all;
  }

  /** The producer's SDK already dropped some data; say so rather than let the SRE guess. */
  static void droppedByProducer(String what, long count, List<Mark> marks) {
    if (count > 0) {
      marks.add(new Mark("producer_dropped_" + what, Long.toString(count)));
    }
  }
}
