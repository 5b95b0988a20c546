package io.traceroll.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArchiveLayoutTest {

  private static final ArchiveLayout GZ = new ArchiveLayout("tr/prod", Compression.GZIP);
  private static final Path ROOT = Path.of("/srv/archive");

  /** Keys a hostile or broken producer could send. */
  static final List<String> ATTACKS = List.of("", ".", "..", "../", "../../etc/passwd", "/",
      "//", "/etc/passwd", "a/../../b", "a/b", "\\", "..\\..\\x", "\0", "a\0b", "\n", "\r\n",
      "\t", "\u007f", "%2e%2e%2f", "%2F", "%", "%%", "_", "__", "_2f", "~", "a~b", "key.txt",
      "part-00000.pftrace.gz", "ABC", "abc", "Abc", "\u00e9", "e\u0301", "\u0130", "i",
      "\ud800", "\udc00", "\ud800\udc00", "\udc00\ud800", "?", "\ufffd", "\ud83d\ude00",
      "x".repeat(10 * 1024), "\u00e9".repeat(10 * 1024), "a".repeat(160), "a".repeat(161),
      "\u00e9".repeat(27), " ", "CON", "nul", "aux.txt", "*", ":", "\"", "<>|");

  @Test
  void shouldPutPartsUnderShardAndEncodedKeyWithSuffixOfCompression() {
    String key = "4bf92f3577b34da6a3ce929d0e0e4736";
    String gz = GZ.partKey(key, 3);
    String plain = new ArchiveLayout("tr/prod/", Compression.NONE).partKey(key, 3);

    assertThat(gz).matches("tr/prod/traces/[0-9a-f]{2}/" + key + "/part-00003\\.pftrace\\.gz");
    assertThat(plain).isEqualTo(gz.substring(0, gz.length() - 3));
    assertThat(gz).startsWith(GZ.requestPrefix(key));
  }

  @Test
  void shouldKeepHexTraceIdsAndUuidsReadable() {
    assertThat(ArchiveLayout.encodeKey("4bf92f3577b34da6")).isEqualTo("4bf92f3577b34da6");
    assertThat(ArchiveLayout.encodeKey("123e4567-e89b-12d3-a456-426614174000"))
        .isEqualTo("123e4567-e89b-12d3-a456-426614174000");
  }

  @Test
  void shouldEscapeEverythingElseAsLowerCaseUtf8Hex() {
    assertThat(ArchiveLayout.encodeKey("A/.")).isEqualTo("_41_2f_2e");
    assertThat(ArchiveLayout.encodeKey("\u00e9")).isEqualTo("_c3_a9");
    assertThat(ArchiveLayout.encodeKey("")).isEqualTo("_");
  }

  @ParameterizedTest
  @ValueSource(strings = {"_", "__", "_4", "_4g", "_41_", "_61", "A", "a/b", "a.b", "_c3", "_c3_29",
      "_c0_80", "_ed_a0_80_ed_b0_80", "_f8_80_80_80", "_f4_90_80_80", "_2F", "a~b", ""})
  void shouldRejectStringsThatAreNotCanonicalEncodings(String bad) {
    if (bad.equals("_")) {
      assertThat(ArchiveLayout.decodeKey(bad)).isEmpty(); // the one spelling of the empty key
      return;
    }
    assertThatThrownBy(() -> ArchiveLayout.decodeKey(bad))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldMapEveryAttackKeyToADistinctSafePathUnderThePrefix() {
    Set<String> paths = new HashSet<>();
    Set<String> foldedPaths = new HashSet<>();
    for (String key : ATTACKS) {
      String path = GZ.partKey(key, 0);
      assertSafe(path);
      assertThat(paths.add(path)).as("collision for %s", printable(key)).isTrue();
      assertThat(foldedPaths.add(path.toLowerCase(Locale.ROOT)))
          .as("case-insensitive collision for %s", printable(key)).isTrue();
    }
  }

  @Test
  void shouldShortenLongKeysToAReadableHeadAndHashWithinS3Limits() {
    String longKey = "order-" + "x".repeat(10 * 1024);
    String segment = ArchiveLayout.keySegment(longKey);

    assertThat(ArchiveLayout.isHashed(longKey)).isTrue();
    assertThat(segment).startsWith("order-xxxx").contains("~").hasSizeLessThanOrEqualTo(161);
    assertThat(segment.substring(segment.indexOf('~') + 1)).matches("[0-9a-f]{64}");
    assertThat(GZ.partKey(longKey, 99999).length()).isLessThan(ObjectKeys.MAX_KEY_BYTES);
    assertThat(GZ.keySidecarKey(longKey)).contains(GZ.requestPrefix(longKey) + "key.txt");
    assertThat(GZ.keySidecarKey("short")).isEmpty();
    assertThat(GZ.traceKeyOf(GZ.partKey(longKey, 0))).isEmpty();
  }

  @Test
  void shouldNotCutAnEscapeInHalfWhenShortening() {
    String key = "\u00e9".repeat(40); // 6 encoded chars each: 96 is not on an escape boundary
    String segment = ArchiveLayout.keySegment(key);
    String head = segment.substring(0, segment.indexOf('~'));

    assertThat(head.length() % 3).isZero();
    assertThat(ArchiveLayout.decodeKey(head)).isEqualTo("\u00e9".repeat(head.length() / 6));
  }

  @Test
  void shouldRecoverTheTraceKeyAndPartNumberFromAPartKey() {
    String key = "GET /api/orders?id=42";
    String part = GZ.partKey(key, 12);

    assertThat(GZ.traceKeyOf(part)).contains(key);
    assertThat(GZ.partNumber(part)).hasValue(12);
    assertThat(GZ.partNumber(GZ.requestPrefix(key) + "key.txt")).isEmpty();
    assertThat(GZ.partNumber(GZ.requestPrefix(key) + "part-1.pftrace")).isEmpty();
    assertThat(GZ.partNumber(GZ.requestPrefix(key) + "part-00001.pftrace.zip")).isEmpty();
  }

  @Test
  void shouldRejectNegativePartNumbers() {
    assertThatThrownBy(() -> GZ.partKey("k", -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"..", "a/../b", "a//b", ".hidden", "a/.b", "a b", "a\\b", "\u00e9"})
  void shouldRejectPrefixesThatCouldEscapeOrConfuseTheLayout(String prefix) {
    assertThatThrownBy(() -> new ArchiveLayout(prefix, Compression.GZIP))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldAcceptAnEmptyPrefix() {
    assertThat(new ArchiveLayout("", Compression.NONE).partKey("k", 0))
        .matches("traces/[0-9a-f]{2}/k/part-00000\\.pftrace");
  }

  @Test
  void shouldNameManifestsByUtcHourTaskAndBatch() {
    Instant t = Instant.parse("2026-03-07T05:59:59.999Z");

    assertThat(GZ.manifestKey(t, "0_3", "1200"))
        .isEqualTo("tr/prod/manifests/2026/03/07/05/0_5f3-1200.ndjson");
    assertThat(GZ.manifestHourPrefix(t)).isEqualTo("tr/prod/manifests/2026/03/07/05/");
    assertThat(ArchiveLayout.hourOf(t.getEpochSecond() * 1_000_000_000L + 999_999_999L))
        .isEqualTo(Instant.parse("2026-03-07T05:00:00Z"));
    assertThat(ArchiveLayout.hourOf(-1)).isEqualTo(Instant.parse("1969-12-31T23:00:00Z"));
  }

  // --- properties -------------------------------------------------------------------------------

  @Property(tries = 2000)
  void shouldDecodeWhatItEncodes(@ForAll("keys") String key) {
    String encoded = ArchiveLayout.encodeKey(key);

    assertThat(encoded).matches("[a-z0-9_-]+");
    assertThat(ArchiveLayout.decodeKey(encoded)).isEqualTo(key);
  }

  @Property(tries = 500)
  void shouldMapDistinctKeysToDistinctSafePaths(@ForAll @Size(max = 30) List<@net.jqwik.api.From(
      "keys") String> keys) {
    Set<String> distinctKeys = new HashSet<>(keys);
    Set<String> paths = new HashSet<>();
    Set<String> folded = new HashSet<>();
    for (String key : distinctKeys) {
      String path = GZ.partKey(key, 0);
      assertSafe(path);
      paths.add(path);
      folded.add(path.toLowerCase(Locale.ROOT));
    }
    assertThat(paths).hasSameSizeAs(distinctKeys);
    assertThat(folded).hasSameSizeAs(distinctKeys);
  }

  @Property(tries = 300)
  void shouldNeverListAnotherRequestsPartUnderARequestPrefix(@ForAll("keys") String a,
      @ForAll("keys") String b) {
    if (a.equals(b)) {
      return;
    }
    assertThat(GZ.partKey(b, 0)).doesNotStartWith(GZ.requestPrefix(a));
  }

  @Provide
  Arbitrary<String> keys() {
    Arbitrary<String> anyChars = Arbitraries.strings().all().ofMaxLength(40);
    Arbitrary<String> pathy = Arbitraries.strings().withChars("./\\%_~-aAzZ09\0\u00e9")
        .ofMaxLength(12);
    Arbitrary<String> caseVariants = Arbitraries.strings().withChars("aAbB").ofMaxLength(6);
    Arbitrary<String> longOnes = Arbitraries.strings().withChars("ab\u00e9/").ofMinLength(100)
        .ofMaxLength(3000);
    return Arbitraries.oneOf(anyChars, pathy, caseVariants, longOnes, Arbitraries.of(ATTACKS));
  }

  private static void assertSafe(String path) {
    assertThat(path).startsWith("tr/prod/traces/");
    ObjectKeys.validate(path);
    assertThat(path.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(ObjectKeys.MAX_KEY_BYTES);
    assertThat(ROOT.resolve(path).normalize()).startsWithRaw(ROOT.resolve("tr/prod/traces"));
    assertThat(path.split("/")).hasSize(6); // prefix(2) traces shard segment file
  }

  private static String printable(String key) {
    return key.length() > 40 ? key.substring(0, 40) + "...(" + key.length() + ")"
        : key.chars().mapToObj(c -> String.format("\\u%04x", c)).reduce("", String::concat);
  }
}
