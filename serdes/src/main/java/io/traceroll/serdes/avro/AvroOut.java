package io.traceroll.serdes.avro;

/**
 * Avro binary encoding for size-then-write: the same write calls run twice, first on a
 * {@link #counting()} instance that only adds up lengths, then on one {@link #into} the exact array
 * that count sized. No intermediate buffers, no {@code String.getBytes} copies: strings are
 * UTF-8-encoded straight into the target.
 *
 * <p>Byte-for-byte what Avro's {@code BinaryEncoder} writes (the interop tests compare them),
 * including lone surrogates, which both encode as {@code '?'}.
 */
final class AvroOut {
  /** A length this short (in chars) cannot exceed 63 UTF-8 bytes: its varint is one byte. */
  private static final int ONE_BYTE_LENGTH_CHARS = 21;

  private final byte[] buf;
  private int pos;

  private AvroOut(byte[] buf, int pos) {
    this.buf = buf;
    this.pos = pos;
  }

  static AvroOut counting() {
    return new AvroOut(null, 0);
  }

  static AvroOut into(byte[] buf, int offset) {
    return new AvroOut(buf, offset);
  }

  /** Bytes counted so far, or the write position. */
  int position() {
    return pos;
  }

  void writeLong(long v) {
    long z = (v << 1) ^ (v >> 63);
    if (buf == null) {
      pos += varintSize(z);
      return;
    }
    while ((z & ~0x7FL) != 0) {
      buf[pos++] = (byte) ((z & 0x7F) | 0x80);
      z >>>= 7;
    }
    buf[pos++] = (byte) z;
  }

  void writeInt(int v) {
    writeLong(v);
  }

  void writeBoolean(boolean v) {
    if (buf != null) {
      buf[pos] = (byte) (v ? 1 : 0);
    }
    pos++;
  }

  void writeDouble(double v) {
    if (buf != null) {
      long bits = Double.doubleToRawLongBits(v);
      for (int i = 0; i < 8; i++) {
        buf[pos + i] = (byte) (bits >>> (8 * i));
      }
    }
    pos += 8;
  }

  void writeBytes(byte[] v) {
    writeLong(v.length);
    if (buf != null) {
      System.arraycopy(v, 0, buf, pos, v.length);
    }
    pos += v.length;
  }

  void writeString(String s) {
    int chars = s.length();
    if (buf == null) {
      int n = utf8Length(s);
      pos += varintSize((long) n << 1) + n;
    } else if (chars <= ONE_BYTE_LENGTH_CHARS) {
      int lengthAt = pos++;
      int n = encodeUtf8(s);
      buf[lengthAt] = (byte) (n << 1);
    } else {
      writeLong(utf8Length(s));
      encodeUtf8(s);
    }
  }

  /** An array's items are preceded by one block of {@code count} items (none if empty). */
  void writeArrayStart(int count) {
    if (count > 0) {
      writeLong(count);
    }
  }

  void writeArrayEnd() {
    writeLong(0);
  }

  private int encodeUtf8(String s) {
    int start = pos;
    byte[] b = buf;
    int p = pos;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        b[p++] = (byte) c;
      } else if (c < 0x800) {
        b[p++] = (byte) (0xC0 | (c >> 6));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < s.length()
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          int cp = Character.toCodePoint(c, s.charAt(++i));
          b[p++] = (byte) (0xF0 | (cp >> 18));
          b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
          b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
          b[p++] = (byte) (0x80 | (cp & 0x3F));
        } else {
          b[p++] = '?'; // as String.getBytes(UTF_8) does for a lone surrogate
        }
      } else {
        b[p++] = (byte) (0xE0 | (c >> 12));
        b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    pos = p;
    return p - start;
  }

  static int utf8Length(String s) {
    int n = s.length();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        if (c < 0x800) {
          n += 1;
        } else if (Character.isSurrogate(c)) {
          if (Character.isHighSurrogate(c) && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1))) {
            n += 2; // two chars, four bytes
            i++;
          } // lone surrogate: one '?' byte, already counted
        } else {
          n += 2;
        }
      }
    }
    return n;
  }

  private static int varintSize(long z) {
    int n = 1;
    while ((z & ~0x7FL) != 0) {
      z >>>= 7;
      n++;
    }
    return n;
  }
}
