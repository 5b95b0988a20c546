package io.traceroll.serdes.avro;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * Avro binary reader over one byte array, for payloads from the network.
 *
 * <p>Why not Avro's {@code BinaryDecoder}: it allocates a string's or a block's declared length
 * before checking that the payload holds that many bytes, so a four-byte length prefix in a hostile
 * record can ask for 2 GiB. Here every length is checked against what is left first, so bad input
 * is an {@link IOException}, never an {@link OutOfMemoryError}. It also builds {@link String}s
 * straight from the payload (no {@link Utf8} in between), which is most of a span's decode cost.
 *
 * <p>Not thread-safe; {@link #reset} reuses one instance per decoder thread.
 */
final class AvroBytesReader extends Decoder {
  private final DecodeCache cache;
  private byte[] buf;
  private int pos;
  private int limit;

  /** A reader without a cache. */
  AvroBytesReader() {
    this(null);
  }

  /** A reader whose callers may take repeated key/value pairs from {@code cache}. */
  AvroBytesReader(DecodeCache cache) {
    this.cache = cache;
  }

  /** The thread's cache this reader decodes through, or null. */
  DecodeCache cache() {
    return cache;
  }

  byte[] buffer() {
    return buf;
  }

  int position() {
    return pos;
  }

  // Resource attribute lists read recently, with their encoding, by a hash of the service name.
  private static final int RESOURCE_MEMOS = 32;
  private final byte[][] resourceBytes = new byte[RESOURCE_MEMOS][];
  private final Object[] resourceLists = new Object[RESOURCE_MEMOS];

  /**
   * The list read before from exactly the bytes at the current position, for a resource of
   * {@code service}, skipping them; null (nothing read) when there is none.
   */
  Object rereadResource(String service) {
    int i = service == null ? 0 : service.hashCode() & (RESOURCE_MEMOS - 1);
    byte[] b = resourceBytes[i];
    if (b != null && b.length <= limit - pos
        && Arrays.equals(b, 0, b.length, buf, pos, pos + b.length)) {
      pos += b.length;
      return resourceLists[i];
    }
    return null;
  }

  /** Remembers that {@code [start, position())} was read as {@code list}. */
  void resourceRead(String service, int start, Object list) {
    int i = service == null ? 0 : service.hashCode() & (RESOURCE_MEMOS - 1);
    resourceBytes[i] = Arrays.copyOfRange(buf, start, pos);
    resourceLists[i] = list;
  }

  // The last trace id read (its bytes and string): every span of a chunk has its request's.
  private static final int MAX_TRACE_ID_BYTES = 64;
  private byte[] traceIdBytes;
  private String traceId;

  /**
   * A string, which when its bytes equal those of the trace id read last is that instance again:
   * the trace id repeats on every span of a chunk, and again as the trace key.
   */
  String readTraceId() throws IOException {
    int len = readLength();
    byte[] last = traceIdBytes;
    String s;
    if (last != null && last.length == len
        && Arrays.equals(last, 0, len, buf, pos, pos + len)) {
      s = traceId;
    } else {
      s = new String(buf, pos, len, StandardCharsets.UTF_8);
      if (len <= MAX_TRACE_ID_BYTES) {
        traceIdBytes = Arrays.copyOfRange(buf, pos, pos + len);
        traceId = s;
      }
    }
    pos += len;
    return s;
  }

  /** Moves past bytes already examined by {@link #scalarKeyValueEnd}. */
  void skipTo(int position) {
    pos = position;
  }

  /**
   * Where the {@code KeyValue} record at the current position ends if its value is a scalar
   * (string, boolean, long, double, bytes), without reading it; -1 for nested values and for
   * anything malformed, which the ordinary read then reports.
   */
  int scalarKeyValueEnd() {
    int p = skipLengthPrefixed(pos);
    if (p < 0 || p >= limit) {
      return -1;
    }
    int branch = buf[p++]; // union index 0..4 is one zigzag byte
    switch (branch) {
      case AvroSpanReader.ANY_STRING << 1, AvroSpanReader.ANY_BYTES << 1:
        return skipLengthPrefixed(p);
      case AvroSpanReader.ANY_BOOLEAN << 1:
        return p < limit && (buf[p] == 0 || buf[p] == 1) ? p + 1 : -1;
      case AvroSpanReader.ANY_LONG << 1:
        for (int i = 0; i < 10 && p < limit; i++) {
          if (buf[p++] >= 0) {
            return p;
          }
        }
        return -1;
      case AvroSpanReader.ANY_DOUBLE << 1:
        return limit - p >= 8 ? p + 8 : -1;
      default:
        return -1;
    }
  }

  /** The end of the length-prefixed string or bytes at {@code p}, or -1. */
  private int skipLengthPrefixed(int p) {
    long raw = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p >= limit) {
        return -1;
      }
      int b = buf[p++];
      raw |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        long len = (raw >>> 1) ^ -(raw & 1);
        return len < 0 || len > limit - p ? -1 : p + (int) len;
      }
    }
    return -1;
  }

  AvroBytesReader reset(byte[] bytes, int offset, int length) {
    if (offset < 0 || length < 0 || offset + length > bytes.length) {
      throw new IndexOutOfBoundsException("offset " + offset + " length " + length);
    }
    this.buf = bytes;
    this.pos = offset;
    this.limit = offset + length;
    return this;
  }

  /** Drops the reference to the last payload, so a reader kept per thread does not retain it. */
  void release() {
    buf = null;
    pos = 0;
    limit = 0;
  }

  /** Bytes not yet read; a well-formed record leaves none. */
  int remaining() {
    return limit - pos;
  }

  @Override
  public void readNull() {}

  @Override
  public boolean readBoolean() throws IOException {
    int b = readByte();
    if (b > 1) {
      throw new MalformedAvroException("boolean byte " + b);
    }
    return b == 1;
  }

  @Override
  public int readInt() throws IOException {
    long v = readLong();
    int i = (int) v;
    if (i != v) {
      throw new MalformedAvroException("int out of range: " + v);
    }
    return i;
  }

  @Override
  public long readLong() throws IOException {
    long raw = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = readByte();
      raw |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    throw new MalformedAvroException("varint longer than 10 bytes");
  }

  @Override
  public float readFloat() throws IOException {
    require(4);
    int bits = (buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8 | (buf[pos + 2] & 0xff) << 16
        | (buf[pos + 3] & 0xff) << 24;
    pos += 4;
    return Float.intBitsToFloat(bits);
  }

  @Override
  public double readDouble() throws IOException {
    require(8);
    long bits = 0;
    for (int i = 7; i >= 0; i--) {
      bits = (bits << 8) | (buf[pos + i] & 0xff);
    }
    pos += 8;
    return Double.longBitsToDouble(bits);
  }

  @Override
  public Utf8 readString(Utf8 old) throws IOException {
    int len = readLength();
    Utf8 out = old != null ? old : new Utf8();
    out.setByteLength(len);
    System.arraycopy(buf, pos, out.getBytes(), 0, len);
    pos += len;
    return out;
  }

  @Override
  public String readString() throws IOException {
    int len = readLength();
    // Not through the cache: here building the string measured cheaper than finding it, and the
    // repeated strings mostly arrive inside cached key/value pairs anyway.
    String s = new String(buf, pos, len, StandardCharsets.UTF_8);
    pos += len;
    return s;
  }

  @Override
  public void skipString() throws IOException {
    pos += readLength();
  }

  @Override
  public ByteBuffer readBytes(ByteBuffer old) throws IOException {
    return ByteBuffer.wrap(readByteArray());
  }

  /** A bytes value as a fresh array: what the span model keeps. */
  byte[] readByteArray() throws IOException {
    int len = readLength();
    byte[] out = new byte[len];
    System.arraycopy(buf, pos, out, 0, len);
    pos += len;
    return out;
  }

  @Override
  public void skipBytes() throws IOException {
    pos += readLength();
  }

  @Override
  public void readFixed(byte[] bytes, int start, int length) throws IOException {
    require(length);
    System.arraycopy(buf, pos, bytes, start, length);
    pos += length;
  }

  @Override
  public void skipFixed(int length) throws IOException {
    require(length);
    pos += length;
  }

  @Override
  public int readEnum() throws IOException {
    return readInt();
  }

  @Override
  public long readArrayStart() throws IOException {
    return readBlockCount();
  }

  @Override
  public long arrayNext() throws IOException {
    return readBlockCount();
  }

  @Override
  public long skipArray() throws IOException {
    return skipBlocks();
  }

  @Override
  public long readMapStart() throws IOException {
    return readBlockCount();
  }

  @Override
  public long mapNext() throws IOException {
    return readBlockCount();
  }

  @Override
  public long skipMap() throws IOException {
    return skipBlocks();
  }

  @Override
  public int readIndex() throws IOException {
    return readInt();
  }

  private int readByte() throws IOException {
    if (pos >= limit) {
      throw new EOFException("payload ends inside a value");
    }
    return buf[pos++] & 0xff;
  }

  private int readLength() throws IOException {
    long len = readLong();
    if (len < 0 || len > limit - pos) {
      throw new MalformedAvroException(
          "length " + len + " but only " + (limit - pos) + " bytes left");
    }
    return (int) len;
  }

  private void require(int n) throws IOException {
    if (n > limit - pos) {
      throw new EOFException("payload ends inside a value");
    }
  }

  /**
   * Item count of the next block. A block of n items occupies at least n bytes for every item type
   * we read except the empty record, so a count beyond the bytes left is malformed; this bounds what
   * a caller may allocate from it.
   */
  private long readBlockCount() throws IOException {
    long count = readLong();
    if (count < 0) {
      count = -count;
      readLength(); // block size in bytes, only useful to skippers
    }
    if (count < 0 || count > limit - pos) { // still negative: it was Long.MIN_VALUE
      throw new MalformedAvroException(
          "block of " + count + " items but only " + (limit - pos) + " bytes left");
    }
    return count;
  }

  /** Skips size-prefixed blocks; returns the count of the first block it cannot skip (0 at end). */
  private long skipBlocks() throws IOException {
    while (true) {
      long count = readLong();
      if (count == 0) {
        return 0;
      }
      if (count > 0) {
        if (count > limit - pos) {
          throw new MalformedAvroException("block of " + count + " items past the end");
        }
        return count;
      }
      pos += readLength();
    }
  }

  /** Structurally invalid Avro: the whole record is unreadable. */
  static final class MalformedAvroException extends IOException {
    MalformedAvroException(String message) {
      super(message);
    }
  }
}
