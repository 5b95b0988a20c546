package io.traceroll.serdes.avro;

import io.traceroll.span.Attribute;
import io.traceroll.span.Span;
import java.util.List;

/**
 * Span model to the producer wire format ({@code SpanBatch} or {@code Span}, single-object
 * encoded with the current schema): what the load generator, tests and benchmarks send, and a
 * reference for producers written in Java. Thread-safe.
 */
public final class AvroSpanEncoder {
  private static final byte[] BATCH_HEADER = SingleObjectFraming.header(AvroSchemas.SPAN_BATCH);
  private static final byte[] SPAN_HEADER = SingleObjectFraming.header(AvroSchemas.SPAN);

  private AvroSpanEncoder() {}

  public static byte[] encodeBatch(List<Span> spans) {
    return encodeBatch(spans, List.of());
  }

  /** {@code resourceAttributes} apply on decode to every span whose own list is empty. */
  public static byte[] encodeBatch(List<Span> spans, List<Attribute> resourceAttributes) {
    return SpanAvroWriter.encode(BATCH_HEADER, out -> {
      out.writeArrayStart(spans.size());
      for (int i = 0; i < spans.size(); i++) {
        SpanAvroWriter.writeSpan(out, spans.get(i));
      }
      out.writeArrayEnd();
      SpanAvroWriter.writeAttributes(out, resourceAttributes);
    });
  }

  public static byte[] encodeSpan(Span span) {
    return SpanAvroWriter.encode(SPAN_HEADER, out -> SpanAvroWriter.writeSpan(out, span));
  }
}
