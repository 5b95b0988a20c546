package io.traceroll.serdes.avro;

import io.traceroll.serdes.DecodedBatch;
import io.traceroll.serdes.DecoderSettings;
import io.traceroll.serdes.SpanDecodeException;
import io.traceroll.serdes.SpanDecoder;
import io.traceroll.serdes.SpanSanitizer;
import io.traceroll.span.Attribute;
import io.traceroll.span.Span;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.ResolvingDecoder;
import org.apache.kafka.common.header.Headers;

/**
 * Decodes our Avro {@code SpanBatch} or single {@code Span}, single-object encoded, in the current
 * or any registered older schema version. Thread-safe: Kafka Streams may share one deserializer
 * between stream threads.
 */
public final class AvroSpanDecoder implements SpanDecoder {
  public static final String UNKNOWN_SCHEMA_FINGERPRINT = "unknown_schema_fingerprint";
  public static final String MALFORMED_AVRO = "malformed_avro";

  /** Every schema a producer may have written with, by the fingerprint in its header. */
  private static final Map<Long, WriterSchema> WRITERS = registerWriters();

  private final SpanSanitizer sanitizer;

  public AvroSpanDecoder(DecoderSettings settings) {
    this.sanitizer = new SpanSanitizer(Objects.requireNonNull(settings, "settings"));
  }

  /** Fingerprints this decoder accepts, for operators checking a producer's schema. */
  public static java.util.Set<Long> knownFingerprints() {
    return WRITERS.keySet();
  }

  @Override
  public DecodedBatch decode(byte[] payload, Headers headers) throws SpanDecodeException {
    long fingerprint = SingleObjectFraming.fingerprint(payload);
    WriterSchema writer = WRITERS.get(fingerprint);
    if (writer == null) {
      throw new SpanDecodeException(UNKNOWN_SCHEMA_FINGERPRINT, String.format(
          "writer schema fingerprint %016x is not a registered SpanBatch or Span version (known: %s)",
          fingerprint, describe(WRITERS.keySet())));
    }
    AvroBytesReader bytes = new AvroBytesReader(DecodeCache.forCurrentThread()).reset(payload,
        SingleObjectFraming.HEADER_LENGTH, payload.length - SingleObjectFraming.HEADER_LENGTH);
    List<Span> raw = new ArrayList<>();
    List<Attribute> batchResource;
    try {
      Decoder in = writer.decoderOver(bytes);
      if (writer.batch) {
        batchResource = AvroSpanReader.readBatch(in, raw);
      } else {
        raw.add(AvroSpanReader.readSpan(in));
        batchResource = List.of();
      }
      if (in instanceof ResolvingDecoder r) {
        r.drain();
      }
    } catch (IOException | RuntimeException e) {
      // RuntimeException too: Avro's resolving decoder (old versions) indexes its grammar by what
      // the payload says, e.g. a union branch, so hostile bytes can surface as any runtime
      // exception, and one record must never stop the stream thread.
      throw new SpanDecodeException(MALFORMED_AVRO, "cannot read Avro " + writer.schema.getName()
          + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
    if (bytes.remaining() != 0) {
      throw new SpanDecodeException(MALFORMED_AVRO, bytes.remaining()
          + " bytes left after the " + writer.schema.getName() + ": not written with its schema");
    }
    return sanitize(raw, batchResource, headers);
  }

  private DecodedBatch sanitize(List<Span> raw, List<Attribute> batchResource, Headers headers) {
    List<Span> kept = new ArrayList<>(raw.size());
    List<DecodedBatch.InvalidSpan> invalid = new ArrayList<>(0);
    for (Span s : raw) {
      if (!batchResource.isEmpty() && s.resourceAttributes().isEmpty()) {
        s = withResource(s, batchResource);
      }
      if (s.traceKey() == null || s.traceKey().isEmpty()) {
        sanitizer.sanitizeInto(s, headers, kept, invalid);
      } else {
        SpanSanitizer.Outcome outcome = sanitizer.sanitize(s, headers);
        if (outcome instanceof SpanSanitizer.Kept k) {
          // The configured rule decides; the producer's explicit key fills in only where the
          // rule finds nothing, so producers that do and do not set it cannot split a request.
          Span span = k.span();
          kept.add(span.traceKey() == null ? span.withTraceKey(s.traceKey()) : span);
        } else {
          invalid.add(((SpanSanitizer.Invalid) outcome).invalid());
        }
      }
    }
    return new DecodedBatch(kept, invalid);
  }

  private static Span withResource(Span s, List<Attribute> resource) {
    return new Span(s.traceId(), s.spanId(), s.parentSpanId(), s.traceKey(), s.serviceName(),
        s.serviceInstance(), s.pid(), s.tid(), s.threadName(), s.name(), s.kind(), s.startNanos(),
        s.endNanos(), s.statusCode(), s.statusMessage(), s.attributes(), s.events(), s.links(),
        resource, s.marks());
  }

  private static Map<Long, WriterSchema> registerWriters() {
    Map<Long, WriterSchema> m = new HashMap<>();
    register(m, new WriterSchema(AvroSchemas.SPAN_BATCH, AvroSchemas.SPAN_BATCH, true));
    register(m, new WriterSchema(AvroSchemas.SPAN, AvroSchemas.SPAN, false));
    register(m, new WriterSchema(AvroSchemas.SPAN_BATCH_V1, AvroSchemas.SPAN_BATCH, true));
    register(m, new WriterSchema(AvroSchemas.SPAN_V1, AvroSchemas.SPAN, false));
    return Map.copyOf(m);
  }

  private static void register(Map<Long, WriterSchema> m, WriterSchema w) {
    if (m.putIfAbsent(AvroSchemas.fingerprint(w.schema), w) != null) {
      throw new IllegalStateException("two registered schemas share a fingerprint: " + w.schema);
    }
  }

  private static String describe(java.util.Set<Long> fps) {
    StringBuilder b = new StringBuilder();
    for (Long fp : fps) {
      b.append(b.length() == 0 ? "" : ", ").append(String.format("%016x", fp));
    }
    return b.toString();
  }

  /** A writer schema and how to read it: directly when current, through resolution when older. */
  private static final class WriterSchema {
    final Schema schema;
    final boolean batch;
    private final ThreadLocal<ResolvingDecoder> resolving;

    WriterSchema(Schema writer, Schema reader, boolean batch) {
      this.schema = writer;
      this.batch = batch;
      boolean current = writer == reader;
      // Building the resolution grammar is costly, so each thread keeps one per old version.
      this.resolving = current ? null : ThreadLocal.withInitial(() -> {
        try {
          return DecoderFactory.get().resolvingDecoder(writer, reader, null);
        } catch (IOException e) {
          throw new IllegalStateException("cannot resolve " + writer + " to " + reader, e);
        }
      });
    }

    Decoder decoderOver(AvroBytesReader bytes) throws IOException {
      if (resolving == null) {
        return bytes;
      }
      ResolvingDecoder r = resolving.get();
      r.configure(bytes);
      return r;
    }
  }
}
