package io.traceroll.archive.manifest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.traceroll.archive.ArchiveLayout;
import io.traceroll.archive.Compression;
import io.traceroll.archive.ManifestEntry;
import io.traceroll.archive.ObjectBody;
import io.traceroll.archive.fs.FileSystemArchiveStore;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestStoreTest {

  private static final Instant H10 = Instant.parse("2026-11-25T10:00:00Z");
  private static final long NANOS_10_30 = nanos(H10.plusSeconds(1800));
  private static final long NANOS_11_05 = nanos(H10.plusSeconds(3900));
  private static final long NANOS_13_00 = nanos(H10.plusSeconds(3 * 3600));

  @TempDir java.nio.file.Path dir;
  private FileSystemArchiveStore store;
  private final ArchiveLayout layout = new ArchiveLayout("p", Compression.GZIP);
  private ManifestWriter writer;
  private ManifestReader reader;

  @BeforeEach
  void open() throws IOException {
    store = new FileSystemArchiveStore(dir);
    writer = new ManifestWriter(store, layout);
    reader = new ManifestReader(store, layout);
  }

  @Test
  void shouldWriteOneObjectPerHourTouchedByTheBatch() throws IOException {
    List<String> keys = writer.write("0_1", "100", List.of(
        ManifestCodecTest.entry("a", 0, NANOS_10_30), ManifestCodecTest.entry("b", 0, NANOS_11_05),
        ManifestCodecTest.entry("c", 0, NANOS_10_30 + 1)));

    assertThat(keys).containsExactly("p/manifests/2026/11/25/10/0_5f1-100.ndjson",
        "p/manifests/2026/11/25/11/0_5f1-100.ndjson");
    assertThat(lines(keys.get(0))).hasSize(2);
    assertThat(lines(keys.get(1))).hasSize(1);
    assertThat(writer.write("0_1", "101", List.of())).isEmpty();
  }

  @Test
  void shouldFindEntriesByHourRangeInTimeOrder() throws IOException {
    writer.write("0_1", "1", List.of(ManifestCodecTest.entry("late", 0, NANOS_11_05)));
    writer.write("0_2", "1", List.of(ManifestCodecTest.entry("early", 0, NANOS_10_30)));
    writer.write("0_1", "2", List.of(ManifestCodecTest.entry("outside", 0, NANOS_13_00)));

    ManifestScan scan = reader.read(H10, H10.plusSeconds(3600 + 59));

    assertThat(scan.entries()).extracting(ManifestEntry::traceKey)
        .containsExactly("early", "late");
    assertThat(scan.manifests()).hasSize(2);
    assertThat(scan.problems()).isEmpty();
  }

  @Test
  void shouldBeIdempotentWhenABatchIsReplayed() throws IOException {
    List<ManifestEntry> batch = List.of(ManifestCodecTest.entry("a", 0, NANOS_10_30));
    String key = writer.write("0_1", "7", batch).get(0);
    byte[] first = bytes(key);

    writer.write("0_1", "7", batch);
    // a replay that batches differently: same entry, other batch id
    writer.write("0_1", "8", List.of(batch.get(0), ManifestCodecTest.entry("b", 0, NANOS_10_30)));

    assertThat(bytes(key)).isEqualTo(first);
    assertThat(store.list(layout.manifestHourPrefix(H10))).hasSize(2);
    assertThat(reader.read(H10, H10).entries()).extracting(ManifestEntry::traceKey)
        .containsExactly("a", "b");
  }

  @Test
  void shouldReportCorruptLinesAndKeepTheGoodOnes() throws IOException {
    String key = layout.manifestKey(H10, "0_9", "1");
    String good = new String(ManifestCodec.encode(List.of(
        ManifestCodecTest.entry("ok", 0, NANOS_10_30))), UTF_8);
    store.put(key, ObjectBody.ofBytes((good + "{broken\n\n" + good.replace("\"ok\"", "\"ok2\""))
        .getBytes(UTF_8)));

    ManifestScan scan = reader.read(H10, H10);

    assertThat(scan.entries()).extracting(ManifestEntry::traceKey).containsExactly("ok", "ok2");
    assertThat(scan.problems()).singleElement().satisfies(p -> {
      assertThat(p.objectKey()).isEqualTo(key);
      assertThat(p.line()).isEqualTo(2);
    });
  }

  @Test
  void shouldRejectReversedAndOverlongRanges() {
    assertThatThrownBy(() -> reader.read(H10, H10.minusSeconds(3600)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> reader.read(H10, H10.plusSeconds(32L * 24 * 3600)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private List<String> lines(String key) throws IOException {
    return new String(bytes(key), UTF_8).lines().toList();
  }

  private byte[] bytes(String key) throws IOException {
    try (InputStream in = store.get(key).orElseThrow()) {
      return in.readAllBytes();
    }
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L;
  }
}
