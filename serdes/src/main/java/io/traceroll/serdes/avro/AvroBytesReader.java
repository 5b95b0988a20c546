package io.traceroll.serdes.avro;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
  private byte[] buf;
  private int pos;
  private int limit;

  AvroBytesReader reset(byte[] bytes, int offset, int length) {
    if (offset < 0 || length < 0 || offset + length > bytes.length) {
      throw new IndexOutOfBoundsException("offset " + offset + " length " + length);
    }
    this.buf = bytes;
    this.pos = offset;
    this.limit = offset + length;
    return this;
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
