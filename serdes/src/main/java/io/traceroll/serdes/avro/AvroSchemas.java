package io.traceroll.serdes.avro;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * The schemas producers may write with: the current ones (compiled from {@code src/main/avro}) and
 * every older version still accepted, kept verbatim under {@code avro/history/} so that their
 * fingerprints never change by accident.
 */
public final class AvroSchemas {
  /** Current reader schemas. */
  public static final Schema SPAN = io.traceroll.avro.Span.getClassSchema();
  public static final Schema SPAN_BATCH = io.traceroll.avro.SpanBatch.getClassSchema();
  public static final Schema DEAD_LETTER_SPAN = io.traceroll.avro.DeadLetterSpan.getClassSchema();
  public static final Schema TRACE_INDEX_ENTRY = io.traceroll.avro.TraceIndexEntry.getClassSchema();

  /** v1: Span without {@code threadName} and {@code marks}. */
  public static final Schema SPAN_BATCH_V1 = load("/avro/history/span-batch-v1.avsc");
  public static final Schema SPAN_V1 = SPAN_BATCH_V1.getField("spans").schema().getElementType();

  private AvroSchemas() {}

  /** CRC-64-AVRO of the parsing canonical form: the 8 bytes after {@code C3 01} on the wire. */
  public static long fingerprint(Schema schema) {
    return SchemaNormalization.parsingFingerprint64(schema);
  }

  private static Schema load(String resource) {
    try (InputStream in = AvroSchemas.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing schema resource " + resource);
      }
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
