package io.traceroll.archive;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Where each object lives inside a store. See {@code archive/README.md} for the layout and the
 * reasoning; in short:
 *
 * <pre>
 * {prefix}/traces/{shard}/{key segment}/part-{NNNNN}.pftrace[.gz]
 * {prefix}/traces/{shard}/{key segment}/key.txt            (only for hashed, i.e. long, keys)
 * {prefix}/manifests/{yyyy}/{MM}/{dd}/{HH}/{task}-{batch}.ndjson
 * </pre>
 *
 * <p>Trace keys come from producers and are untrusted. {@link #encodeKey} maps every Java string
 * (including the empty string, {@code ..}, {@code /}, NUL, unpaired surrogates and percent signs)
 * injectively onto {@code [a-z0-9_-]+}: a single path segment that cannot be {@code .} or {@code ..},
 * is URL-safe without escaping, and stays distinct on case-insensitive file systems because it has
 * no upper-case letters at all. {@link #decodeKey} reverses it.
 *
 * <p>Immutable and thread-safe.
 */
public final class ArchiveLayout {

  /** Encoded keys longer than this are shortened to a readable head plus a hash. */
  public static final int MAX_PLAIN_SEGMENT = 160;
  /** Characters of the encoded key kept in front of the hash of a shortened segment. */
  static final int HASHED_HEAD = 96;
  /** Separates head and hash in a shortened segment; never produced by {@link #encodeKey}. */
  static final char HASH_MARK = '~';
  /** Hex digits of the key hash used as shard directory (256 shards). */
  static final int SHARD_HEX = 2;

  public static final String PART_PREFIX = "part-";
  public static final String PART_SUFFIX = ".pftrace";
  public static final String KEY_SIDECAR = "key.txt";
  public static final String MANIFEST_SUFFIX = ".ndjson";

  private static final HexFormat HEX = HexFormat.of();

  private final String prefix; // "" or "a/b/" (always ends with '/')
  private final Compression compression;
  private final int compressionLevel;

  /**
   * @param prefix operator-chosen key prefix, e.g. {@code "traceroll/prod"}; empty for none. Leading
   *     and trailing slashes are ignored. Segments may use {@code [A-Za-z0-9._-]} and must not start
   *     with {@code .}
   * @throws IllegalArgumentException for a prefix that could escape or confuse the layout
   */
  public ArchiveLayout(String prefix, Compression compression) {
    this(prefix, compression, Compression.DEFAULT_GZIP_LEVEL);
  }

  /**
   * As {@link #ArchiveLayout(String, Compression)} with a deflate level for {@link
   * Compression#GZIP}: 1 (fastest) to 9 (smallest). The level is not part of any key, so parts
   * written at different levels sit side by side and read alike.
   *
   * @throws IllegalArgumentException for a level outside 1-9
   */
  public ArchiveLayout(String prefix, Compression compression, int compressionLevel) {
    this.prefix = normalizePrefix(prefix);
    this.compression = Objects.requireNonNull(compression, "compression");
    this.compressionLevel = Compression.checkLevel(compressionLevel);
  }

  /**
   * Reads {@code archive.prefix} (default empty), {@code archive.compression} (default gzip) and
   * {@code archive.compression.level} (default {@value Compression#DEFAULT_GZIP_LEVEL}).
   *
   * @throws IllegalArgumentException for a value that does not parse or is out of range
   */
  public static ArchiveLayout fromConfig(Map<String, String> config) {
    String level = config.getOrDefault("archive.compression.level",
        Integer.toString(Compression.DEFAULT_GZIP_LEVEL)).trim();
    int parsed;
    try {
      parsed = Integer.parseInt(level);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "archive.compression.level '" + level + "' is not a number 1-9", e);
    }
    return new ArchiveLayout(config.getOrDefault("archive.prefix", ""),
        Compression.parse(config.getOrDefault("archive.compression", "gzip")), parsed);
  }

  /** The prefix as used in keys: empty, or ending with {@code /}. */
  public String prefix() {
    return prefix;
  }

  public Compression compression() {
    return compression;
  }

  /** The deflate level of {@link Compression#GZIP} parts, 1-9. */
  public int compressionLevel() {
    return compressionLevel;
  }

  /** {@code {prefix}traces/}: every trace part lives under it. */
  public String tracesPrefix() {
    return prefix + "traces/";
  }

  /** {@code {prefix}manifests/}: every manifest lives under it. */
  public String manifestsPrefix() {
    return prefix + "manifests/";
  }

  /**
   * The directory-like prefix holding every part of one request, ending in {@code /}. Listing it
   * finds all parts (and the key sidecar), and nothing of any other request.
   */
  public String requestPrefix(String traceKey) {
    KeyPath kp = keyPath(traceKey);
    return tracesPrefix() + kp.shard + '/' + kp.segment + '/';
  }

  /** The object key of part {@code part} (0-based) of a request's trace. */
  public String partKey(String traceKey, int part) {
    if (part < 0) {
      throw new IllegalArgumentException("part must be >= 0: " + part);
    }
    StringBuilder sb = new StringBuilder(requestPrefix(traceKey)).append(PART_PREFIX);
    String digits = Integer.toString(part);
    for (int i = digits.length(); i < 5; i++) {
      sb.append('0');
    }
    return sb.append(digits).append(PART_SUFFIX).append(compression.suffix()).toString();
  }

  /**
   * The part number of a part key of this layout (any compression), or empty for any other key, so
   * a listing of {@link #requestPrefix} can be turned into parts without string fiddling.
   */
  public OptionalInt partNumber(String objectKey) {
    int slash = objectKey.lastIndexOf('/');
    String name = objectKey.substring(slash + 1);
    if (!name.startsWith(PART_PREFIX)) {
      return OptionalInt.empty();
    }
    int end = name.indexOf(PART_SUFFIX, PART_PREFIX.length());
    if (end < 0) {
      return OptionalInt.empty();
    }
    String rest = name.substring(end + PART_SUFFIX.length());
    if (!rest.isEmpty() && !rest.equals(Compression.GZIP.suffix())) {
      return OptionalInt.empty();
    }
    String digits = name.substring(PART_PREFIX.length(), end);
    if (digits.length() < 5 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return OptionalInt.empty();
    }
    try {
      return OptionalInt.of(Integer.parseInt(digits));
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  /**
   * The key of the sidecar holding the full (encoded) trace key, present only when the key is too
   * long to be kept whole in its path segment. Its content is {@link #encodeKey}{@code (traceKey)}
   * in ASCII.
   */
  public Optional<String> keySidecarKey(String traceKey) {
    return keyPath(traceKey).hashed ? Optional.of(requestPrefix(traceKey) + KEY_SIDECAR)
        : Optional.empty();
  }

  /** Whether the path segment of this key is shortened (so its sidecar must be written). */
  public static boolean isHashed(String traceKey) {
    return encodeKey(traceKey).length() > MAX_PLAIN_SEGMENT;
  }

  /**
   * The trace key a request prefix or part key belongs to, when the path alone holds it; empty for
   * a shortened segment (read the sidecar) or a key not of this layout.
   */
  public Optional<String> traceKeyOf(String objectKey) {
    String traces = tracesPrefix();
    if (!objectKey.startsWith(traces)) {
      return Optional.empty();
    }
    String[] parts = objectKey.substring(traces.length()).split("/", -1);
    if (parts.length < 2) {
      return Optional.empty();
    }
    return decodeSegment(parts[1]);
  }

  /**
   * The key of one manifest object. Deterministic in its arguments, so a replayed batch overwrites
   * its own object instead of adding a new one.
   *
   * @param hour any instant inside the hour the entries belong to (truncated here)
   * @param taskId the emitting task, e.g. a Kafka Streams task id {@code 0_3}; encoded like a key
   * @param batchId identifies the batch within task and hour, e.g. the first source offset in it or
   *     a content hash; encoded like a key
   */
  public String manifestKey(Instant hour, String taskId, String batchId) {
    return manifestHourPrefix(hour) + encodeKey(taskId) + '-' + encodeKey(batchId)
        + MANIFEST_SUFFIX;
  }

  /** {@code {prefix}manifests/yyyy/MM/dd/HH/}: lists every manifest of that hour. */
  public String manifestHourPrefix(Instant hour) {
    ZonedDateTime t = hour.atZone(ZoneOffset.UTC);
    return manifestsPrefix() + t.getYear() + '/' + two(t.getMonthValue()) + '/'
        + two(t.getDayOfMonth()) + '/' + two(t.getHour()) + '/';
  }

  /** The start of the UTC hour containing {@code epochNanos}. */
  public static Instant hourOf(long epochNanos) {
    return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L))
        .truncatedTo(ChronoUnit.HOURS);
  }

  private static String two(int v) {
    return v < 10 ? "0" + v : Integer.toString(v);
  }

  // ---------------------------------------------------------------------------------------------
  // key encoding

  /**
   * Encodes any string into a non-empty, URL-safe, lower-case path segment, injectively.
   *
   * <p>{@code a-z}, {@code 0-9} and {@code -} stand for themselves (so hex trace ids and UUIDs stay
   * readable); every other code point becomes its UTF-8 bytes as {@code _hh} (lower-case hex).
   * Unpaired surrogates, which Java strings may hold but UTF-8 cannot, are encoded as the 3-byte
   * sequence of their code unit (as WTF-8 does) rather than replaced, so they stay distinct. The
   * empty string encodes to {@code _}, which no other string produces.
   */
  public static String encodeKey(String key) {
    Objects.requireNonNull(key, "key");
    if (key.isEmpty()) {
      return "_";
    }
    StringBuilder sb = new StringBuilder(key.length() + 16);
    for (int i = 0; i < key.length(); ) {
      int cp = key.codePointAt(i);
      i += Character.charCount(cp);
      if (isPlain(cp)) {
        sb.append((char) cp);
      } else if (cp < 0x80) {
        escape(sb, cp);
      } else if (cp < 0x800) {
        escape(sb, 0xC0 | (cp >> 6));
        escape(sb, 0x80 | (cp & 0x3F));
      } else if (cp < 0x10000) {
        escape(sb, 0xE0 | (cp >> 12));
        escape(sb, 0x80 | ((cp >> 6) & 0x3F));
        escape(sb, 0x80 | (cp & 0x3F));
      } else {
        escape(sb, 0xF0 | (cp >> 18));
        escape(sb, 0x80 | ((cp >> 12) & 0x3F));
        escape(sb, 0x80 | ((cp >> 6) & 0x3F));
        escape(sb, 0x80 | (cp & 0x3F));
      }
    }
    return sb.toString();
  }

  /**
   * Reverses {@link #encodeKey}.
   *
   * @throws IllegalArgumentException if {@code encoded} is not exactly what {@link #encodeKey}
   *     produces for some string (malformed escape, invalid UTF-8, or a non-canonical spelling such
   *     as {@code _61} for {@code a}): a path found in a bucket is never half-trusted
   */
  public static String decodeKey(String encoded) {
    Objects.requireNonNull(encoded, "encoded");
    if (encoded.equals("_")) {
      return "";
    }
    StringBuilder out = new StringBuilder(encoded.length());
    int i = 0;
    int n = encoded.length();
    while (i < n) {
      char c = encoded.charAt(i);
      if (c != '_') {
        if (!isPlain(c)) {
          throw new IllegalArgumentException("not an encoded key: unexpected '" + c + "'");
        }
        out.append(c);
        i++;
        continue;
      }
      int lead = hexByte(encoded, i);
      i += 3;
      int extra;
      int cp;
      if (lead < 0x80) {
        extra = 0;
        cp = lead;
      } else if ((lead & 0xE0) == 0xC0) {
        extra = 1;
        cp = lead & 0x1F;
      } else if ((lead & 0xF0) == 0xE0) {
        extra = 2;
        cp = lead & 0x0F;
      } else if ((lead & 0xF8) == 0xF0) {
        extra = 3;
        cp = lead & 0x07;
      } else {
        throw new IllegalArgumentException("not an encoded key: bad UTF-8 lead byte");
      }
      for (int k = 0; k < extra; k++) {
        if (i >= n || encoded.charAt(i) != '_') {
          throw new IllegalArgumentException("not an encoded key: truncated UTF-8 sequence");
        }
        int cont = hexByte(encoded, i);
        if ((cont & 0xC0) != 0x80) {
          throw new IllegalArgumentException("not an encoded key: bad UTF-8 continuation");
        }
        cp = (cp << 6) | (cont & 0x3F);
        i += 3;
      }
      if (cp > Character.MAX_CODE_POINT) {
        throw new IllegalArgumentException("not an encoded key: code point out of range");
      }
      out.appendCodePoint(cp);
    }
    String key = out.toString();
    // Rejects overlong forms, escaped plain characters and split surrogate pairs in one place:
    // exactly one spelling of each key is accepted, so decode is injective too.
    if (!encodeKey(key).equals(encoded)) {
      throw new IllegalArgumentException("not an encoded key: non-canonical encoding");
    }
    return key;
  }

  /** The trace key held by a path segment, or empty for a shortened (hashed) or foreign one. */
  public static Optional<String> decodeSegment(String segment) {
    if (segment.indexOf(HASH_MARK) >= 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(decodeKey(segment));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * The path segment of a key: its encoding when short enough, otherwise the first
   * {@value #HASHED_HEAD} encoded characters, {@code ~} and the SHA-256 (hex) of the whole encoding.
   * Plain segments never contain {@code ~}, so the two forms cannot collide with each other.
   */
  public static String keySegment(String traceKey) {
    return keyPath(traceKey).segment;
  }

  private record KeyPath(String shard, String segment, boolean hashed) {}

  private static KeyPath keyPath(String traceKey) {
    String encoded = encodeKey(traceKey);
    // The hash input is the (injective, ASCII) encoding, not the key's UTF-8, which would merge
    // keys differing only in unpaired surrogates.
    byte[] digest = sha256(encoded.getBytes(StandardCharsets.US_ASCII));
    String hex = HEX.formatHex(digest);
    String shard = hex.substring(0, SHARD_HEX);
    if (encoded.length() <= MAX_PLAIN_SEGMENT) {
      return new KeyPath(shard, encoded, false);
    }
    int head = HASHED_HEAD;
    // do not cut an escape in half: the head stays a readable prefix of the encoding
    int lastEscape = encoded.lastIndexOf('_', head - 1);
    if (lastEscape >= 0 && lastEscape + 3 > head) {
      head = lastEscape;
    }
    return new KeyPath(shard, encoded.substring(0, head) + HASH_MARK + hex, true);
  }

  private static boolean isPlain(int cp) {
    return (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || cp == '-';
  }

  private static void escape(StringBuilder sb, int b) {
    sb.append('_').append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xF, 16));
  }

  private static int hexByte(String s, int underscore) {
    if (underscore + 2 >= s.length()) {
      throw new IllegalArgumentException("not an encoded key: truncated escape");
    }
    int hi = lowerHex(s.charAt(underscore + 1));
    int lo = lowerHex(s.charAt(underscore + 2));
    return (hi << 4) | lo;
  }

  private static int lowerHex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    throw new IllegalArgumentException("not an encoded key: bad hex digit");
  }

  private static byte[] sha256(byte[] input) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static String normalizePrefix(String raw) {
    Objects.requireNonNull(raw, "prefix");
    String p = raw;
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.isEmpty()) {
      return "";
    }
    for (String segment : p.split("/", -1)) {
      if (segment.isEmpty() || segment.startsWith(".")
          || !segment.chars().allMatch(ArchiveLayout::isPrefixChar)) {
        throw new IllegalArgumentException("invalid archive prefix '" + raw
            + "': segments use [A-Za-z0-9._-], are non-empty and do not start with '.'");
      }
    }
    return p + '/';
  }

  private static boolean isPrefixChar(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
        || c == '_' || c == '.';
  }

  @Override
  public String toString() {
    return "ArchiveLayout[prefix=" + prefix + ", compression=" + compression + "]";
  }
}
