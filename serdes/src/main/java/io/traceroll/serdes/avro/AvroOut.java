package io.traceroll.serdes.avro;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Avro binary encoding into a growable per-thread scratch buffer, copied out once at the end
 * ({@link #toArray}) into an exactly sized array.
 *
 * <p>Why one pass and not size-then-write: sizing ran every string twice (a UTF-8 length pass,
 * then an encoding pass, char by char), which was most of the cost of encoding a span. Strings are
 * now encoded once by the JDK ({@link String#getBytes}, intrinsic for Latin-1), and short strings,
 * which repeat across spans (attribute keys, names, low-cardinality values, a request's trace id),
 * come from the thread's {@link EncodedStrings} as ready bytes; the one extra copy of the finished
 * body is a {@code memcpy}.
 *
 * <p>Byte-for-byte what Avro's {@code BinaryEncoder} writes (the interop tests compare them),
 * including lone surrogates, which both encode as {@code '?'}.
 *
 * <p>Not thread-safe: {@link #acquire} hands out the calling thread's instance.
 */
final class AvroOut {
  /** Strings up to this many chars are looked up in the cache; longer ones rarely repeat. */
  static final int MAX_CACHED_CHARS = EncodedStrings.MAX_CHARS;
  private static final int INITIAL_CAPACITY = 16 * 1024;
  /** A scratch buffer grown past this by one huge span is dropped after use, not kept. */
  private static final int RETAINED_CAPACITY = 1024 * 1024;

  private static final ThreadLocal<AvroOut> PER_THREAD = ThreadLocal.withInitial(AvroOut::new);

  private final EncodedStrings strings = new EncodedStrings();
  private byte[] buf = new byte[INITIAL_CAPACITY];
  private int pos;
  private boolean inUse;

  // Lists already written since acquire(), by identity, and where their bytes are in buf.
  private static final int LIST_MEMOS = 8;
  private final Object[] memoLists = new Object[LIST_MEMOS];
  private final int[] memoStart = new int[LIST_MEMOS];
  private final int[] memoEnd = new int[LIST_MEMOS];
  private int nextMemo;

  private AvroOut() {}

  /**
   * The calling thread's writer, empty; {@link #release} it when done. Re-entrant use (never
   * needed today) gets a fresh writer rather than corrupting the one in use.
   */
  static AvroOut acquire() {
    AvroOut out = PER_THREAD.get();
    if (out.inUse) {
      out = new AvroOut();
    }
    out.inUse = true;
    out.pos = 0;
    return out;
  }

  void release() {
    inUse = false;
    Arrays.fill(memoLists, null);
    if (buf.length > RETAINED_CAPACITY) {
      buf = new byte[INITIAL_CAPACITY];
    }
  }

  /** Bytes written so far. */
  int position() {
    return pos;
  }

  /** The scratch buffer: valid up to {@link #position}, until the next write or release. */
  byte[] buffer() {
    return buf;
  }

  /** What was written, as an exactly sized array. */
  byte[] toArray() {
    return Arrays.copyOf(buf, pos);
  }

  void writeRaw(byte[] bytes) {
    writeRaw(bytes, 0, bytes.length);
  }

  void writeRaw(byte[] bytes, int offset, int length) {
    ensure(length);
    System.arraycopy(bytes, offset, buf, pos, length);
    pos += length;
  }

  void writeLong(long v) {
    ensure(10);
    long z = (v << 1) ^ (v >> 63);
    byte[] b = buf;
    int p = pos;
    while ((z & ~0x7FL) != 0) {
      b[p++] = (byte) ((z & 0x7F) | 0x80);
      z >>>= 7;
    }
    b[p++] = (byte) z;
    pos = p;
  }

  void writeInt(int v) {
    writeLong(v);
  }

  /** An int known to be in [0, 63], whose zigzag varint is one byte: union branches, enums. */
  void writeSmall(int v) {
    ensure(1);
    buf[pos++] = (byte) (v << 1);
  }

  void writeBoolean(boolean v) {
    ensure(1);
    buf[pos++] = (byte) (v ? 1 : 0);
  }

  void writeDouble(double v) {
    ensure(8);
    long bits = Double.doubleToRawLongBits(v);
    for (int i = 0; i < 8; i++) {
      buf[pos + i] = (byte) (bits >>> (8 * i));
    }
    pos += 8;
  }

  void writeBytes(byte[] v) {
    writeLong(v.length);
    writeRaw(v);
  }

  void writeString(String s) {
    writeUtf8(s.length() <= MAX_CACHED_CHARS
        ? strings.utf8(s) : s.getBytes(StandardCharsets.UTF_8));
  }

  /** A string known not to repeat (a span's own id): not worth hashing for the cache. */
  void writeUniqueString(String s) {
    writeUtf8(s.getBytes(StandardCharsets.UTF_8));
  }

  private void writeUtf8(byte[] utf8) {
    int n = utf8.length;
    ensure(n + 5L);
    byte[] b = buf;
    int p = pos;
    if (n < 64) {
      b[p++] = (byte) (n << 1); // zigzag of a small length is one byte
    } else {
      long z = (long) n << 1;
      while ((z & ~0x7FL) != 0) {
        b[p++] = (byte) ((z & 0x7F) | 0x80);
        z >>>= 7;
      }
      b[p++] = (byte) z;
    }
    System.arraycopy(utf8, 0, b, p, n);
    pos = p + n;
  }

  /**
   * Writes again what was written for {@code list} (the same instance) since {@link #acquire}, if
   * anything: one copy instead of encoding it again.
   *
   * @return whether it did
   */
  boolean rewrite(Object list) {
    for (int i = 0; i < LIST_MEMOS; i++) {
      if (memoLists[i] == list) {
        int length = memoEnd[i] - memoStart[i];
        ensure(length);
        System.arraycopy(buf, memoStart[i], buf, pos, length);
        pos += length;
        return true;
      }
    }
    return false;
  }

  /** Remembers that {@code [start, position())} is the encoding of {@code list}. */
  void written(Object list, int start) {
    int i = nextMemo;
    nextMemo = (i + 1) % LIST_MEMOS;
    memoLists[i] = list;
    memoStart[i] = start;
    memoEnd[i] = pos;
  }

  /** An array's items are preceded by one block of {@code count} items (none if empty). */
  void writeArrayStart(int count) {
    if (count > 0) {
      writeLong(count);
    }
  }

  void writeArrayEnd() {
    ensure(1);
    buf[pos++] = 0;
  }

  private void ensure(long n) {
    if (n > buf.length - pos) {
      grow(n);
    }
  }

  private void grow(long n) {
    long wanted = Math.max((long) buf.length * 2, pos + n);
    if (wanted > Integer.MAX_VALUE - 8) {
      if (pos + n > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("Avro value larger than 2 GiB");
      }
      wanted = Integer.MAX_VALUE - 8;
    }
    buf = Arrays.copyOf(buf, (int) wanted);
  }
}
