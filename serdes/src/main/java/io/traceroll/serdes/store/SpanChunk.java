package io.traceroll.serdes.store;

import io.traceroll.serdes.avro.AvroSpanBodies;
import io.traceroll.span.Span;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Several spans of one request in their stored form, encoded once where they are decoded and then
 * carried as bytes: through the repartition topic, into the span window store and its changelog,
 * read back only when the part is archived.
 *
 * <p>Why: per span, the old path encoded the span for the repartition topic, decoded it, encoded it
 * again for the store, and paid one Kafka record, one store put and one summary update. A chunk is
 * what one input record holds of one request, so all of that is paid once per (record, request);
 * the collector appends {@link #bytes()} as they are and learns what it needs to decide closing
 * (span count, root end, latest end) from the header, never from the bodies.
 *
 * <p>Layout, format version {@value #FORMAT_CHUNK} (version {@link SpanSerde#FORMAT_V1} is one bare
 * span, still read so stores written before chunks stay readable):
 *
 * <pre>
 * byte  2                          format version
 * byte  flags                      bit 0: a root span is in the chunk
 * zigzag varint  rootEndNanos      latest end of the chunk's root spans (0 without one)
 * zigzag varint  maxEndNanos       latest end of any span
 * varint         count             spans, at least 1
 * count x (varint length, Avro Span body)   the bodies SpanSerde writes after its version byte
 * </pre>
 *
 * <p>The span bodies are the Avro {@code Span} schema unchanged, so {@code serdes/AVRO.md}'s
 * evolution rules apply to them as to single stored spans.
 *
 * @param bytes the encoded chunk (header and bodies); owned by the chunk, never modified
 */
public record SpanChunk(byte[] bytes, int count, boolean hasRoot, long rootEndNanos,
    long maxEndNanos) {

  public static final byte FORMAT_CHUNK = 2;
  private static final int ROOT = 1;

  public SpanChunk {
    Objects.requireNonNull(bytes, "bytes");
    if (count < 1) {
      throw new IllegalArgumentException("a chunk holds at least one span");
    }
  }

  /**
   * Chunks at most this large (unless one span alone is larger): a chunk is one record on the
   * repartition and changelog topics, which keep the broker's default 1 MB message limit.
   */
  public static final int MAX_CHUNK_BYTES = 256 * 1024;

  /** Encodes {@code spans} (at least one, in the given order) into one exactly sized chunk. */
  public static SpanChunk of(List<Span> spans) {
    requireSpans(spans);
    return AvroSpanBodies.writeAll(spans,
        (bodies, ends) -> encode(spans, bodies, ends, 0, ends.length));
  }

  /**
   * Encodes {@code spans} in order into as few chunks as keep each under {@code maxBytes} (a span
   * larger than that gets a chunk of its own).
   */
  public static List<SpanChunk> chunks(List<Span> spans, int maxBytes) {
    requireSpans(spans);
    return AvroSpanBodies.writeAll(spans, (bodies, ends) -> {
      List<SpanChunk> out = new ArrayList<>(1);
      int from = 0;
      long bytes = 0;
      for (int i = 0; i < ends.length; i++) {
        int size = ends[i] - (i == 0 ? 0 : ends[i - 1]);
        // header at most 2 + 10 + 10 + 5 bytes
        long add = varintSize(size) + size;
        if (i > from && bytes + add + 27 > maxBytes) {
          out.add(encode(spans, bodies, ends, from, i));
          from = i;
          bytes = 0;
        }
        bytes += add;
      }
      out.add(encode(spans, bodies, ends, from, ends.length));
      return out;
    });
  }

  private static void requireSpans(List<Span> spans) {
    if (spans.isEmpty()) {
      throw new IllegalArgumentException("a chunk holds at least one span");
    }
  }

  /** The chunk of spans {@code [from, to)}, whose bodies are already written in {@code bodies}. */
  private static SpanChunk encode(List<Span> spans, byte[] bodies, int[] ends, int from, int to) {
    int n = to - from;
    boolean root = false;
    long rootEnd = 0;
    long maxEnd = Long.MIN_VALUE;
    long total = 0;
    for (int i = from; i < to; i++) {
      Span s = spans.get(i);
      if (s.isRoot()) {
        rootEnd = root ? Math.max(rootEnd, s.endNanos()) : s.endNanos();
        root = true;
      }
      maxEnd = Math.max(maxEnd, s.endNanos());
      int size = ends[i] - (i == 0 ? 0 : ends[i - 1]);
      total += varintSize(size) + size;
    }
    total += 2 + varintSize(zigzag(rootEnd)) + varintSize(zigzag(maxEnd)) + varintSize(n);
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("chunk too large: " + total + " bytes");
    }
    byte[] out = new byte[(int) total];
    out[0] = FORMAT_CHUNK;
    out[1] = (byte) (root ? ROOT : 0);
    int pos = putVarint(out, 2, zigzag(rootEnd));
    pos = putVarint(out, pos, zigzag(maxEnd));
    pos = putVarint(out, pos, n);
    for (int i = from; i < to; i++) {
      int start = i == 0 ? 0 : ends[i - 1];
      int size = ends[i] - start;
      pos = putVarint(out, pos, size);
      System.arraycopy(bodies, start, out, pos, size);
      pos += size;
    }
    return new SpanChunk(out, n, root, rootEnd, maxEnd);
  }

  /**
   * Reads a chunk's header; the bodies are left as bytes (checked for framing only, so a corrupt
   * chunk fails here, where it arrives, not when its part is archived).
   *
   * @throws IOException when {@code bytes} is not a well-framed chunk
   */
  public static SpanChunk parse(byte[] bytes) throws IOException {
    Reader r = new Reader(bytes);
    if (bytes.length < 2 || bytes[0] != FORMAT_CHUNK) {
      throw new IOException("not a span chunk: format version "
          + (bytes.length == 0 ? "missing" : Integer.toString(bytes[0] & 0xff)));
    }
    r.pos = 1;
    int flags = r.readByte();
    long rootEnd = unzigzag(r.readVarint());
    long maxEnd = unzigzag(r.readVarint());
    long count = r.readVarint();
    if (count < 1 || count > bytes.length) {
      throw new IOException("span chunk claims " + count + " spans in " + bytes.length + " bytes");
    }
    for (long i = 0; i < count; i++) {
      r.skip(r.readVarint());
    }
    if (r.pos != bytes.length) {
      throw new IOException((bytes.length - r.pos) + " bytes after the last span of a chunk");
    }
    return new SpanChunk(bytes, (int) count, (flags & ROOT) != 0, rootEnd, maxEnd);
  }

  /** The spans, decoded (what archiving a part does; nothing else needs them). */
  public List<Span> spans() throws IOException {
    List<Span> out = new ArrayList<>(count);
    readSpans(bytes, out);
    return out;
  }

  /**
   * Appends the spans of one stored value to {@code out}: a chunk, or a single span in the
   * version-1 store format (written before chunks existed).
   *
   * @throws IOException when the value is neither
   */
  public static void readSpans(byte[] stored, List<Span> out) throws IOException {
    if (stored.length > 0 && stored[0] == SpanSerde.FORMAT_V1) {
      out.add(AvroSpanBodies.read(stored, 1, stored.length - 1));
      return;
    }
    if (stored.length < 2 || stored[0] != FORMAT_CHUNK) {
      throw new IOException("not a stored span or span chunk: format version "
          + (stored.length == 0 ? "missing" : Integer.toString(stored[0] & 0xff)));
    }
    Reader r = new Reader(stored);
    r.pos = 2;
    r.readVarint();
    r.readVarint();
    long count = r.readVarint();
    for (long i = 0; i < count; i++) {
      int length = (int) r.readVarint();
      int start = r.pos;
      r.skip(length);
      out.add(AvroSpanBodies.read(stored, start, length));
    }
    if (r.pos != stored.length) {
      throw new IOException((stored.length - r.pos) + " bytes after the last span of a chunk");
    }
  }

  private static long zigzag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  private static long unzigzag(long z) {
    return (z >>> 1) ^ -(z & 1);
  }

  private static int varintSize(long v) {
    int n = 1;
    while ((v & ~0x7FL) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  private static int putVarint(byte[] out, int pos, long v) {
    while ((v & ~0x7FL) != 0) {
      out[pos++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out[pos++] = (byte) v;
    return pos;
  }

  /** Bounds-checked reading of the header and length prefixes. */
  private static final class Reader {
    final byte[] b;
    int pos;

    Reader(byte[] b) {
      this.b = b;
    }

    int readByte() throws IOException {
      if (pos >= b.length) {
        throw new IOException("span chunk truncated at byte " + pos);
      }
      return b[pos++] & 0xff;
    }

    long readVarint() throws IOException {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int x = readByte();
        v |= (long) (x & 0x7F) << shift;
        if ((x & 0x80) == 0) {
          return v;
        }
      }
      throw new IOException("malformed varint in span chunk at byte " + pos);
    }

    void skip(long n) throws IOException {
      if (n < 0 || n > b.length - pos) {
        throw new IOException("span chunk: length " + n + " runs past the end at byte " + pos);
      }
      pos += (int) n;
    }
  }
}
