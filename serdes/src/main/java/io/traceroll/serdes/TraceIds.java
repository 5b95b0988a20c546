package io.traceroll.serdes;

import java.nio.charset.StandardCharsets;

/**
 * Normalises trace and span ids to the lower-case hex every later stage compares by.
 *
 * <p>Trace ids are W3C 16-byte (32 hex) or Zipkin 64-bit 8-byte (16 hex) ids; span ids are 8 bytes
 * (16 hex). All-zero ids are invalid by both specs. Every method returns {@code null} for an invalid
 * id rather than throwing, because an invalid id is an expected property of bad input, decided per
 * span. These run once or twice per span, so they avoid regex and intermediate strings.
 */
public final class TraceIds {
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private TraceIds() {}

  /** Trace id from raw bytes (16 or 8), or null when the length is wrong or all bytes are zero. */
  public static String traceIdFromBytes(byte[] id) {
    if (id == null || (id.length != 16 && id.length != 8)) {
      return null;
    }
    return toHexIfNonZero(id);
  }

  /** Span id from raw bytes (8), or null when the length is wrong or all bytes are zero. */
  public static String spanIdFromBytes(byte[] id) {
    if (id == null || id.length != 8) {
      return null;
    }
    return toHexIfNonZero(id);
  }

  /** Trace id from hex text (32 or 16 digits, any case), lower-cased; null when invalid. */
  public static String traceIdFromHex(CharSequence hex) {
    if (hex == null || (hex.length() != 32 && hex.length() != 16)) {
      return null;
    }
    return normaliseHex(hex);
  }

  /** Span id from hex text (16 digits, any case), lower-cased; null when invalid. */
  public static String spanIdFromHex(CharSequence hex) {
    if (hex == null || hex.length() != 16) {
      return null;
    }
    return normaliseHex(hex);
  }

  /** Whether {@code id} is already a normalised, non-zero trace id. */
  public static boolean isNormalisedTraceId(String id) {
    return id != null && (id.length() == 32 || id.length() == 16) && isLowerHexNonZero(id);
  }

  /** Whether {@code id} is already a normalised, non-zero span id. */
  public static boolean isNormalisedSpanId(String id) {
    return id != null && id.length() == 16 && isLowerHexNonZero(id);
  }

  /** Whether every byte is zero (or there are none): how OTLP says "no parent". */
  public static boolean isAllZero(byte[] id) {
    for (byte b : id) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  /** Whether the text is empty or only '0' digits: "no id" in hex form. */
  public static boolean isAllZeroHex(CharSequence hex) {
    for (int i = 0; i < hex.length(); i++) {
      if (hex.charAt(i) != '0') {
        return false;
      }
    }
    return true;
  }

  /** Lower-case hex of any bytes, for carrying a malformed id into a dead letter as it was read. */
  public static String toHex(byte[] bytes) {
    return toHex(bytes, 0, bytes.length);
  }

  /** Lower-case hex of {@code length} bytes from {@code offset}. */
  public static String toHex(byte[] bytes, int offset, int length) {
    // Latin-1 bytes become the String's own representation with one copy; a char[] would be
    // compressed char by char.
    byte[] out = new byte[length * 2];
    for (int i = 0; i < length; i++) {
      int b = bytes[offset + i];
      out[2 * i] = HEX[(b >> 4) & 0xf];
      out[2 * i + 1] = HEX[b & 0xf];
    }
    return new String(out, StandardCharsets.ISO_8859_1);
  }

  private static String toHexIfNonZero(byte[] id) {
    return isAllZero(id) ? null : toHex(id);
  }

  private static String normaliseHex(CharSequence hex) {
    // Fast path: ids from our own encoders are already lower-case, so reuse the String.
    if (hex instanceof String s && isLowerHexNonZero(s)) {
      return s;
    }
    char[] out = new char[hex.length()];
    boolean nonZero = false;
    for (int i = 0; i < out.length; i++) {
      char c = hex.charAt(i);
      char lower;
      if (c >= '0' && c <= '9') {
        lower = c;
      } else if (c >= 'a' && c <= 'f') {
        lower = c;
      } else if (c >= 'A' && c <= 'F') {
        lower = (char) (c + ('a' - 'A'));
      } else {
        return null;
      }
      nonZero |= lower != '0';
      out[i] = lower;
    }
    return nonZero ? new String(out) : null;
  }

  private static boolean isLowerHexNonZero(String s) {
    // One branch per id rather than four per char: valid ids are the norm.
    int bad = 0;
    int nonZero = 0;
    for (int i = 0; i < s.length(); i++) {
      int c = s.charAt(i);
      int digit = c - '0';
      int letter = c - 'a';
      bad |= (digit | (9 - digit)) & (letter | (5 - letter)); // negative iff neither in range
      nonZero |= digit;
    }
    return bad >= 0 && nonZero != 0;
  }
}
