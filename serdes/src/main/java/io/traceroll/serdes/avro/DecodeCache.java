package io.traceroll.serdes.avro;

import io.traceroll.serdes.TraceIds;
import io.traceroll.span.Attribute;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A decoding thread's bounded caches, so that what repeats across spans (whole key/value pairs,
 * attribute keys, service and span names, low-cardinality values, a request's trace id) is decoded
 * once and then shared as the same immutable instance.
 *
 * <p>Why: building strings and attribute objects is most of the cost of decoding, and later stages
 * pay again for every copy: the chunk encoder finds a shared string's bytes by identity, and the
 * Perfetto writer hashes the strings it interns, which a shared instance does once.
 *
 * <p>What is cached, each verified against the full bytes on a hit (see {@link ByteKeyIndex}):
 * <ul>
 *   <li>Key/value pairs with a scalar value, by their encoded bytes, one cache per wire format
 *       ({@link #otlpPair}, {@link #avroPair}): the same bytes mean different things in protobuf
 *       and Avro. Most attributes of real spans repeat exactly (method, route, status, server,
 *       database, tenant...), and a hit replaces two strings and two objects with one lookup.
 *   <li>ASCII strings of the OTLP reader up to {@value #MAX_STRING_BYTES} bytes
 *       ({@link #asciiOrNull}). ASCII only: it is valid UTF-8, so a hit needs no validation.
 *       The Avro chunk reader does not use it: measured, building its strings was cheaper than
 *       finding them, its repeated strings arriving mostly inside cached pairs.
 *   <li>Hex ids of 8 or 16 raw bytes ({@link #hexId}): a request's trace id is on all its spans,
 *       and a span id comes back as its children's parent id.
 * </ul>
 *
 * <p>Shared by the Avro readers and the OTLP protobuf reader (hence public). Not thread-safe: one
 * instance per thread ({@link #forCurrentThread}); bounded (about 3 MiB if every slot held the
 * longest key, typically a few hundred KiB), and it only ever holds immutable objects, so nothing
 * leaks between threads.
 */
public final class DecodeCache {
  /** Longer text (stack traces, SQL, messages) is rarely repeated byte for byte. */
  static final int MAX_STRING_BYTES = 128;
  static final int MAX_ATTRIBUTE_BYTES = 128;

  private static final int ID_SLOTS = 1024;
  private static final long M = 0x9E3779B97F4A7C15L;
  private static final long NON_ASCII = 0x8080808080808080L;
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private static final ThreadLocal<DecodeCache> PER_THREAD =
      ThreadLocal.withInitial(DecodeCache::new);

  private static final int STRING_SLOTS = 4096;
  private static final int PAIR_SLOTS = 2048;

  private final ByteKeyIndex stringKeys = new ByteKeyIndex(STRING_SLOTS, MAX_STRING_BYTES);
  private final String[] strings = new String[STRING_SLOTS];
  private final ByteKeyIndex otlpPairKeys = new ByteKeyIndex(PAIR_SLOTS, MAX_ATTRIBUTE_BYTES);
  private final Attribute[] otlpPairs = new Attribute[PAIR_SLOTS];
  private final ByteKeyIndex avroPairKeys = new ByteKeyIndex(PAIR_SLOTS, MAX_ATTRIBUTE_BYTES);
  private final Attribute[] avroPairs = new Attribute[PAIR_SLOTS];

  private final long[] idLow = new long[ID_SLOTS];
  private final long[] idHigh = new long[ID_SLOTS];
  private final String[] ids = new String[ID_SLOTS];

  DecodeCache() {}

  /** This thread's cache. */
  public static DecodeCache forCurrentThread() {
    return PER_THREAD.get();
  }

  /**
   * The attribute an encoded protobuf {@code KeyValue} message (its bytes after the length)
   * decoded to before, or null.
   */
  public Attribute otlpPair(byte[] bytes, int offset, int length) {
    int slot = otlpPairKeys.find(bytes, offset, length);
    return slot < 0 ? null : otlpPairs[slot];
  }

  /** Records what those bytes decoded to, after {@link #otlpPair} missed. */
  public void otlpPairDecoded(byte[] bytes, int offset, int length, Attribute attribute) {
    int slot = otlpPairKeys.admit(bytes, offset, length);
    if (slot >= 0) {
      otlpPairs[slot] = attribute;
    }
  }

  /** The attribute an encoded Avro {@code KeyValue} record decoded to before, or null. */
  Attribute avroPair(byte[] bytes, int offset, int length) {
    int slot = avroPairKeys.find(bytes, offset, length);
    return slot < 0 ? null : avroPairs[slot];
  }

  /** Records what those bytes decoded to, after {@link #avroPair} missed. */
  void avroPairDecoded(byte[] bytes, int offset, int length, Attribute attribute) {
    int slot = avroPairKeys.admit(bytes, offset, length);
    if (slot >= 0) {
      avroPairs[slot] = attribute;
    }
  }

  /**
   * The string of {@code length} ASCII bytes (possibly a cached instance), or {@code null} when
   * the bytes are not all ASCII: then the caller decodes them itself, with its own rules for
   * invalid UTF-8.
   */
  public String asciiOrNull(byte[] bytes, int offset, int length) {
    if (length == 0) {
      return "";
    }
    int slot = stringKeys.find(bytes, offset, length);
    if (slot >= 0) {
      return strings[slot]; // cached keys are ASCII: no need to check again
    }
    if (!isAscii(bytes, offset, length)) {
      return null;
    }
    String s = new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
    slot = stringKeys.admit(bytes, offset, length);
    if (slot >= 0) {
      strings[slot] = s;
    }
    return s;
  }

  /**
   * Lower-case hex of {@code length} raw id bytes, as {@link TraceIds#toHex} gives, cached for
   * ids of 8 and 16 bytes (span and trace ids). Every id is admitted: its string is built anyway,
   * and the key is two longs.
   */
  public String hexId(byte[] bytes, int offset, int length) {
    if (length != 8 && length != 16) {
      return TraceIds.toHex(bytes, offset, length);
    }
    long low = (long) LONGS.get(bytes, offset);
    long high = length == 16 ? (long) LONGS.get(bytes, offset + 8) : 0;
    long h = ((low * M) ^ high ^ length) * M;
    int a = ((int) (h >>> 40) & (ID_SLOTS / 2 - 1)) << 1;
    int b = a + 1;
    String s = ids[a];
    if (s != null && idLow[a] == low && idHigh[a] == high && s.length() == 2 * length) {
      return s;
    }
    s = ids[b];
    boolean hit = s != null && idLow[b] == low && idHigh[b] == high && s.length() == 2 * length;
    if (!hit) {
      s = hex(bytes, offset, length);
    }
    ids[b] = ids[a];
    idLow[b] = idLow[a];
    idHigh[b] = idHigh[a];
    ids[a] = s;
    idLow[a] = low;
    idHigh[a] = high;
    return s;
  }

  private static String hex(byte[] bytes, int offset, int length) {
    byte[] out = new byte[2 * length];
    for (int i = 0; i < length; i++) {
      int v = bytes[offset + i];
      out[2 * i] = HEX[(v >> 4) & 0xf];
      out[2 * i + 1] = HEX[v & 0xf];
    }
    return new String(out, StandardCharsets.ISO_8859_1);
  }

  private static boolean isAscii(byte[] bytes, int offset, int length) {
    int end = offset + length;
    long or = 0;
    int i = offset;
    for (; i <= end - 8; i += 8) {
      or |= (long) LONGS.get(bytes, i);
    }
    for (; i < end; i++) {
      or |= bytes[i] & 0xff;
    }
    return (or & NON_ASCII) == 0;
  }
}
