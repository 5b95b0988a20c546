package io.traceroll.serdes.avro;

import io.traceroll.span.Span;
import java.io.IOException;
import java.util.List;

/**
 * One span as a bare Avro body of the current {@code Span} schema ({@link AvroSchemas#SPAN}): no
 * single-object header, no sanitizing, every field kept exactly. The building block of the store
 * serde ({@code io.traceroll.serdes.store.SpanSerde}), which frames it with its own version byte;
 * producers use {@link AvroSpanEncoder} instead. Thread-safe.
 */
public final class AvroSpanBodies {
  private static final byte[] NO_PREFIX = new byte[0];
  private static final ThreadLocal<AvroBytesReader> READER =
      ThreadLocal.withInitial(() -> new AvroBytesReader(DecodeCache.forCurrentThread()));

  private AvroSpanBodies() {}

  public static byte[] write(Span span) {
    return write(NO_PREFIX, span);
  }

  /** {@code prefix} (the caller's framing) then the body, in one exactly sized array. */
  public static byte[] write(byte[] prefix, Span span) {
    return SpanAvroWriter.encode(prefix, out -> SpanAvroWriter.writeSpan(out, span));
  }

  /** Receives the bodies of several spans written back to back; see {@link #writeAll}. */
  @FunctionalInterface
  public interface BodiesConsumer<T> {
    /**
     * @param bodies a scratch buffer holding body {@code i} at {@code [ends[i - 1], ends[i])}
     *     (the first from 0); valid only during this call, and never to be kept or modified
     */
    T accept(byte[] bodies, int[] ends);
  }

  /**
   * Writes the bodies of {@code spans} back to back into the thread's scratch buffer and hands
   * them to {@code consumer}, which frames them (a span chunk copies them out with length
   * prefixes). One pass over the spans; the scratch is reused by the next call on this thread.
   */
  public static <T> T writeAll(List<Span> spans, BodiesConsumer<T> consumer) {
    AvroOut out = AvroOut.acquire();
    try {
      int[] ends = new int[spans.size()];
      for (int i = 0; i < ends.length; i++) {
        SpanAvroWriter.writeSpan(out, spans.get(i));
        ends[i] = out.position();
      }
      return consumer.accept(out.buffer(), ends);
    } finally {
      out.release();
    }
  }

  public static Span read(byte[] body) throws IOException {
    return read(body, 0, body.length);
  }

  /**
   * Decodes one body. Repeated strings come from the calling thread's {@link DecodeCache}, so
   * the spans of a chunk share their keys, names and ids.
   *
   * @throws IOException when the range is not exactly one {@code Span} body
   */
  public static Span read(byte[] bytes, int offset, int length) throws IOException {
    AvroBytesReader in = READER.get().reset(bytes, offset, length);
    try {
      Span span = AvroSpanReader.readSpan(in);
      if (in.remaining() != 0) {
        throw new IOException(in.remaining() + " bytes left after the span");
      }
      return span;
    } finally {
      in.release();
    }
  }
}
