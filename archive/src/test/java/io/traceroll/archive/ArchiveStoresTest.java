package io.traceroll.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.traceroll.archive.fs.FileSystemArchiveStore;
import io.traceroll.archive.s3.S3ArchiveStore;
import io.traceroll.archive.s3.S3Settings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveStoresTest {

  @TempDir Path dir;

  @Test
  void shouldBuildAFileStoreByDefault() throws IOException {
    try (ArchiveStore store = ArchiveStores.fromConfig(Map.of("archive.dir", dir.toString(),
        "unrelated.key", "ignored"))) {
      assertThat(store).isInstanceOf(FileSystemArchiveStore.class);
      assertThat(store.describe()).isEqualTo(dir.toRealPath().toUri().toString());
    }
  }

  @Test
  void shouldAcceptTheFsyncSettingAndRejectAMalformedOne() throws IOException {
    try (ArchiveStore store = ArchiveStores.fromConfig(Map.of("archive.dir", dir.toString(),
        "archive.fs.fsync", "false"))) {
      store.put("a/b", ObjectBody.ofBytes(new byte[] {1, 2}));
      assertThat(store.get("a/b").orElseThrow().readAllBytes()).containsExactly(1, 2);
    }
    assertThatThrownBy(() -> ArchiveStores.fromConfig(Map.of("archive.dir", dir.toString(),
        "archive.fs.fsync", "sometimes"))).hasMessageContaining("archive.fs.fsync");
  }

  @Test
  void shouldBuildAnS3StoreWithoutContactingTheServer() throws IOException {
    try (ArchiveStore store = ArchiveStores.fromConfig(Map.of("archive.type", "s3",
        "archive.s3.bucket", "b", "archive.s3.endpoint", "http://127.0.0.1:1",
        "archive.s3.access-key", "AK", "archive.s3.secret-key", "SECRET"))) {
      assertThat(store).isInstanceOf(S3ArchiveStore.class);
      assertThat(store.describe()).contains("s3://b", "path-style").doesNotContain("SECRET");
    }
  }

  @Test
  void shouldReadEveryS3Setting() {
    S3Settings s = ArchiveStores.s3Settings(Map.ofEntries(Map.entry("archive.s3.bucket", "b"),
        Map.entry("archive.s3.endpoint", "http://minio:9000"),
        Map.entry("archive.s3.region", "eu-west-1"), Map.entry("archive.s3.path-style", "false"),
        Map.entry("archive.s3.part-size", "10485760"), Map.entry("archive.s3.max-attempts", "7"),
        Map.entry("archive.s3.retry-base-delay-ms", "250"),
        Map.entry("archive.s3.call-timeout-ms", "30000"),
        Map.entry("archive.s3.create-bucket", "true")));

    assertThat(s.endpoint()).contains(URI.create("http://minio:9000"));
    assertThat(s.region()).isEqualTo("eu-west-1");
    assertThat(s.pathStyle()).isFalse();
    assertThat(s.partSizeBytes()).isEqualTo(10 * 1024 * 1024);
    assertThat(s.maxAttempts()).isEqualTo(7);
    assertThat(s.retryBaseDelay()).isEqualTo(Duration.ofMillis(250));
    assertThat(s.apiCallTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.createBucket()).isTrue();
    assertThat(s.accessKey()).isEmpty();
  }

  @Test
  void shouldDefaultToPathStyleOnlyWithAnEndpointOverride() {
    assertThat(ArchiveStores.s3Settings(Map.of("archive.s3.bucket", "b")).pathStyle()).isFalse();
    assertThat(ArchiveStores.s3Settings(Map.of("archive.s3.bucket", "b", "archive.s3.endpoint",
        "http://x:1")).pathStyle()).isTrue();
  }

  @Test
  void shouldRejectTyposMissingBucketAndMalformedValues() {
    assertThatThrownBy(() -> ArchiveStores.fromConfig(Map.of("archive.s3.bukket", "b")))
        .hasMessageContaining("archive.s3.bukket");
    assertThatThrownBy(() -> ArchiveStores.fromConfig(Map.of("archive.type", "s3")))
        .hasMessageContaining("archive.s3.bucket");
    assertThatThrownBy(() -> ArchiveStores.fromConfig(Map.of("archive.type", "ftp")))
        .hasMessageContaining("ftp");
    assertThatThrownBy(() -> ArchiveStores.s3Settings(Map.of("archive.s3.bucket", "b",
        "archive.s3.part-size", "1024"))).hasMessageContaining("minimum part size");
    assertThatThrownBy(() -> ArchiveStores.s3Settings(Map.of("archive.s3.bucket", "b",
        "archive.s3.create-bucket", "maybe"))).hasMessageContaining("true or false");
    assertThatThrownBy(() -> ArchiveStores.s3Settings(Map.of("archive.s3.bucket", "b",
        "archive.s3.access-key", "only-half"))).hasMessageContaining("together");
  }

  @Test
  void shouldReadLayoutSettings() {
    ArchiveLayout layout = ArchiveLayout.fromConfig(Map.of("archive.prefix", "/env/prod/",
        "archive.compression", "none"));

    assertThat(layout.prefix()).isEqualTo("env/prod/");
    assertThat(layout.compression()).isEqualTo(Compression.NONE);
    assertThat(ArchiveLayout.fromConfig(Map.of()).compression()).isEqualTo(Compression.GZIP);
  }

  @Test
  void shouldReadTheGzipLevelAndRejectOneThatIsNotALevel() {
    assertThat(ArchiveLayout.fromConfig(Map.of()).compressionLevel())
        .isEqualTo(Compression.DEFAULT_GZIP_LEVEL);
    assertThat(ArchiveLayout.fromConfig(Map.of("archive.compression.level", " 1 "))
        .compressionLevel()).isEqualTo(1);
    assertThatThrownBy(() -> ArchiveLayout.fromConfig(Map.of("archive.compression.level", "fast")))
        .hasMessageContaining("not a number 1-9");
    assertThatThrownBy(() -> ArchiveLayout.fromConfig(Map.of("archive.compression.level", "0")))
        .hasMessageContaining("1 (fastest) to 9");
  }

  @Test
  void shouldArchiveAtTheConfiguredGzipLevel() throws IOException {
    Map<String, String> config = Map.of("archive.dir", dir.toString(),
        "archive.compression.level", "1");
    byte[] trace = new byte[50_000];
    for (int i = 0; i < trace.length; i++) {
      trace[i] = (byte) (i % 251 * (i / 1000));
    }
    try (ArchiveStore store = ArchiveStores.fromConfig(config)) {
      ArchiveLayout fast = ArchiveLayout.fromConfig(config);
      long fastBytes = new TraceArchiver(store, fast)
          .writePart("k", 0, ObjectBody.ofBytes(trace)).bytes();
      long smallBytes = new TraceArchiver(store, ArchiveLayout.fromConfig(Map.of()))
          .writePart("k", 1, ObjectBody.ofBytes(trace)).bytes();

      assertThat(fastBytes).isGreaterThan(smallBytes);
      try (var in = store.get(fast.partKey("k", 0)).orElseThrow()) {
        assertThat(Compression.GZIP.unwrap(in).readAllBytes()).isEqualTo(trace);
      }
    }
  }
}
