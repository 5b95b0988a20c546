package io.traceroll.serdes.avro;

import io.traceroll.span.Span;
import java.io.IOException;

/**
 * One span as a bare Avro body of the current {@code Span} schema ({@link AvroSchemas#SPAN}): no
 * single-object header, no sanitizing, every field kept exactly. The building block of the store
 * serde ({@code io.traceroll.serdes.store.SpanSerde}), which frames it with its own version byte;
 * producers use {@link AvroSpanEncoder} instead. Thread-safe.
 */
public final class AvroSpanBodies {
  private static final byte[] NO_PREFIX = new byte[0];

  private AvroSpanBodies() {}

  public static byte[] write(Span span) {
    return write(NO_PREFIX, span);
  }

  /** {@code prefix} (the caller's framing) then the body, in one exactly sized array. */
  public static byte[] write(byte[] prefix, Span span) {
    return SpanAvroWriter.encode(prefix, out -> SpanAvroWriter.writeSpan(out, span));
  }

  /** Length in bytes of the span's body: the first half of size-then-write. */
  public static int size(Span span) {
    AvroOut counting = AvroOut.counting();
    SpanAvroWriter.writeSpan(counting, span);
    return counting.position();
  }

  /**
   * Writes the body of {@code span} at {@code offset}, where {@link #size} bytes must be free.
   *
   * @return the offset after the body
   */
  public static int write(Span span, byte[] into, int offset) {
    AvroOut out = AvroOut.into(into, offset);
    SpanAvroWriter.writeSpan(out, span);
    return out.position();
  }

  public static Span read(byte[] body) throws IOException {
    return read(body, 0, body.length);
  }

  /** @throws IOException when the range is not exactly one {@code Span} body */
  public static Span read(byte[] bytes, int offset, int length) throws IOException {
    AvroBytesReader in = new AvroBytesReader().reset(bytes, offset, length);
    Span span = AvroSpanReader.readSpan(in);
    if (in.remaining() != 0) {
      throw new IOException(in.remaining() + " bytes left after the span");
    }
    return span;
  }
}
