package io.traceroll.archive;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.archive.fs.FileSystemArchiveStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceArchiverTest {

  @TempDir Path dir;

  @Test
  void shouldStorePartsGzippedAndReadThemBackInPartOrder() throws IOException {
    FileSystemArchiveStore store = new FileSystemArchiveStore(dir);
    TraceArchiver archiver = new TraceArchiver(store, new ArchiveLayout("p", Compression.GZIP));
    byte[] trace = "perfetto-bytes".repeat(100).getBytes(UTF_8);

    StoredPart p1 = archiver.writePart("req-1", 1, ObjectBody.ofBytes(trace));
    archiver.writePart("req-1", 0, ObjectBody.ofBytes(trace));
    archiver.writePart("req-10", 0, ObjectBody.ofBytes(trace));

    assertThat(archiver.partKeys("req-1")).containsExactly(
        archiver.layout().partKey("req-1", 0), p1.objectKey());
    byte[] stored = store.get(p1.objectKey()).orElseThrow().readAllBytes();
    assertThat(p1.bytes()).isEqualTo(stored.length).isLessThan(trace.length);
    assertThat(new GZIPInputStream(new ByteArrayInputStream(stored)).readAllBytes())
        .isEqualTo(trace);
    try (InputStream in = archiver.openPart(p1.objectKey()).orElseThrow()) {
      assertThat(in.readAllBytes()).isEqualTo(trace);
    }
  }

  @Test
  void shouldWriteTheSameBytesWhenAPartIsReplayed() throws IOException {
    FileSystemArchiveStore store = new FileSystemArchiveStore(dir);
    TraceArchiver archiver = new TraceArchiver(store, new ArchiveLayout("", Compression.GZIP));
    ObjectBody body = ObjectBody.ofBytes("trace".repeat(1000).getBytes(UTF_8));

    String key = archiver.writePart("k", 0, body).objectKey();
    byte[] first = store.get(key).orElseThrow().readAllBytes();
    archiver.writePart("k", 0, body);

    assertThat(store.get(key).orElseThrow().readAllBytes()).isEqualTo(first);
  }

  @Test
  void shouldRecordLongKeysInASidecarAndResolveThemBack() throws IOException {
    FileSystemArchiveStore store = new FileSystemArchiveStore(dir);
    TraceArchiver archiver = new TraceArchiver(store, new ArchiveLayout("p", Compression.NONE));
    String longKey = "session=" + "\u00e9\ud800/..".repeat(3000);

    StoredPart part = archiver.writePart(longKey, 0, ObjectBody.ofBytes(new byte[] {1, 2}));

    assertThat(store.list(archiver.layout().requestPrefix(longKey)))
        .containsExactly(archiver.layout().requestPrefix(longKey) + "key.txt", part.objectKey());
    assertThat(archiver.traceKeyOf(part.objectKey())).contains(longKey);
    assertThat(archiver.traceKeyOf(archiver.layout().partKey("short", 0))).contains("short");
  }

  @Test
  void shouldNotTrustASidecarThatBelongsToAnotherDirectory() throws IOException {
    FileSystemArchiveStore store = new FileSystemArchiveStore(dir);
    ArchiveLayout layout = new ArchiveLayout("p", Compression.NONE);
    TraceArchiver archiver = new TraceArchiver(store, layout);
    String longKey = "x".repeat(500);
    StoredPart part = archiver.writePart(longKey, 0, ObjectBody.ofBytes(new byte[] {1}));
    // a planted sidecar naming some other key
    store.put(layout.keySidecarKey(longKey).orElseThrow(),
        ObjectBody.ofBytes(ArchiveLayout.encodeKey("y".repeat(500)).getBytes(UTF_8)));

    assertThat(archiver.traceKeyOf(part.objectKey())).isEmpty();
  }
}
