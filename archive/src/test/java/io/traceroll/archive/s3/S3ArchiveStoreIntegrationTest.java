package io.traceroll.archive.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.traceroll.archive.ArchiveHealth;
import io.traceroll.archive.ArchiveLayout;
import io.traceroll.archive.ArchiveLayoutAttacks;
import io.traceroll.archive.Compression;
import io.traceroll.archive.ObjectBody;
import io.traceroll.archive.StoredPart;
import io.traceroll.archive.TraceArchiver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.s3.S3Client;

@Tag("integration")
@Timeout(120)
class S3ArchiveStoreIntegrationTest {

  private static S3ProxyServer server;
  private static S3ArchiveStore store;

  @BeforeAll
  static void startServer() throws Exception {
    server = new S3ProxyServer();
    store = new S3ArchiveStore(server.settings("traces"));
  }

  @AfterAll
  static void stopServer() throws Exception {
    store.close();
    server.close();
  }

  @Test
  void shouldCreateTheBucketAndStoreGetAndListObjects() throws IOException {
    long n = store.put("p/a/1", ObjectBody.ofBytes("one".getBytes(UTF_8)));
    store.put("p/b/2", ObjectBody.ofBytes("two".getBytes(UTF_8)));
    store.put("p/a/0", ObjectBody.ofBytes("zero".getBytes(UTF_8)));
    store.put("q/a/0", ObjectBody.ofBytes("other".getBytes(UTF_8)));

    assertThat(n).isEqualTo(3);
    assertThat(read("p/a/1")).isEqualTo("one");
    assertThat(store.get("p/a/9")).isEmpty();
    assertThat(store.list("p/")).containsExactly("p/a/0", "p/a/1", "p/b/2");
    assertThat(store.list("p/a")).containsExactly("p/a/0", "p/a/1");
    assertThat(store.health().isUp()).isTrue();
  }

  @Test
  void shouldStreamLargeObjectsAsMultipartUploads() throws IOException {
    int partSize = S3Settings.MIN_PART_SIZE;
    try (S3ArchiveStore small = new S3ArchiveStore(
        server.settings("multipart").withPartSize(partSize))) {
      byte[] data = random(2 * partSize + 123);

      long n = small.put("big/object", out -> {
        out.write(data, 0, 1000); // uneven writes across part boundaries
        for (int i = 1000; i < data.length; i += 77_777) {
          out.write(data, i, Math.min(77_777, data.length - i));
        }
      });

      assertThat(n).isEqualTo(data.length);
      try (InputStream in = small.get("big/object").orElseThrow()) {
        assertThat(in.readAllBytes()).isEqualTo(data);
      }
      // multipart ETags are "md5-of-md5s-N"
      assertThat(headETag("multipart", "big/object")).endsWith("-3\"");
    }
  }

  @Test
  void shouldStoreObjectsOfExactlyOnePartWithASinglePut() throws IOException {
    int partSize = S3Settings.MIN_PART_SIZE;
    try (S3ArchiveStore small = new S3ArchiveStore(
        server.settings("multipart").withPartSize(partSize))) {
      byte[] data = random(partSize);

      small.put("exact/object", ObjectBody.ofBytes(data));

      try (InputStream in = small.get("exact/object").orElseThrow()) {
        assertThat(in.readAllBytes()).isEqualTo(data);
      }
      assertThat(headETag("multipart", "exact/object")).doesNotContain("-");
    }
  }

  @Test
  void shouldLeaveNothingVisibleWhenAMultipartBodyFails() throws IOException {
    try (S3ArchiveStore small = new S3ArchiveStore(
        server.settings("multipart").withPartSize(S3Settings.MIN_PART_SIZE))) {
      assertThatThrownBy(() -> small.put("broken/object", out -> {
        out.write(random(S3Settings.MIN_PART_SIZE + 1024)); // first part already uploaded
        throw new IOException("encoder broke");
      })).isInstanceOf(IOException.class).hasMessage("encoder broke");

      assertThat(small.get("broken/object")).isEmpty();
      assertThat(small.list("broken/")).isEmpty();
      try (S3Client client = S3ArchiveStore.buildClient(server.settings("multipart"))) {
        assertThat(client.listMultipartUploads(r -> r.bucket("multipart")).uploads())
            .as("aborted, not left billed").noneMatch(u -> u.key().equals("broken/object"));
      }
    }
  }

  @Test
  void shouldKeepEveryAttackKeyDistinctAndInsideItsRequestPrefix() throws IOException {
    TraceArchiver archiver = new TraceArchiver(store, new ArchiveLayout("attacks",
        Compression.GZIP));
    List<String> objectKeys = new ArrayList<>();
    for (String key : ArchiveLayoutAttacks.KEYS) {
      StoredPart part = archiver.writePart(key, 0, ObjectBody.ofBytes(ArchiveLayout.encodeKey(key)
          .getBytes(UTF_8)));
      objectKeys.add(part.objectKey());
    }

    assertThat(objectKeys).doesNotHaveDuplicates()
        .allMatch(k -> k.startsWith("attacks/traces/"));
    for (String key : ArchiveLayoutAttacks.KEYS) {
      List<String> parts = archiver.partKeys(key);
      assertThat(parts).singleElement().isEqualTo(archiver.layout().partKey(key, 0));
      try (InputStream in = archiver.openPart(parts.get(0)).orElseThrow()) {
        assertThat(new String(in.readAllBytes(), UTF_8)).isEqualTo(ArchiveLayout.encodeKey(key));
      }
      assertThat(archiver.traceKeyOf(parts.get(0))).contains(key);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"../x", "a/../../x", "/abs", "a//b", ".hidden", "a\\b", "a\nb", "a b"})
  void shouldRejectRawKeysThatAreNotValidObjectKeys(String key) {
    assertThatThrownBy(() -> store.put(key, ObjectBody.ofBytes(new byte[1])))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldFailWithIOExceptionAndDegradedHealthDuringAnOutageAndRecoverAfter()
      throws Exception {
    try (S3ProxyServer own = new S3ProxyServer();
        S3ArchiveStore s = new S3ArchiveStore(own.settings("outage")
            .withRetries(2, Duration.ofMillis(10), Duration.ofSeconds(10)))) {
      s.put("before", ObjectBody.ofBytes(new byte[] {1}));
      own.stop();

      assertThatThrownBy(() -> s.put("during", ObjectBody.ofBytes(new byte[] {2})))
          .isInstanceOf(IOException.class).hasMessageContaining("S3 put failed");
      assertThatThrownBy(() -> s.list("")).isInstanceOf(IOException.class);
      ArchiveHealth down = s.health();
      assertThat(down.state()).isEqualTo(ArchiveHealth.State.DEGRADED);
      assertThat(down.consecutiveFailures()).isEqualTo(2);
      assertThat(down.lastError()).get().asString().doesNotContain(S3ProxyServer.SECRET);

      own.start();
      s.put("after", ObjectBody.ofBytes(new byte[] {3}));

      assertThat(s.health().isUp()).isTrue();
      assertThat(s.list("")).containsExactly("after", "before");
    }
  }

  @Test
  void shouldRideOutAShortOutageWithTheSdkRetryBackoff() throws Exception {
    try (S3ProxyServer own = new S3ProxyServer();
        S3ArchiveStore s = new S3ArchiveStore(own.settings("blip")
            .withRetries(30, Duration.ofMillis(100), Duration.ofSeconds(60)))) {
      s.put("before", ObjectBody.ofBytes(new byte[] {1}));
      own.stop();

      CompletableFuture<Long> put = CompletableFuture.supplyAsync(() -> {
        try {
          return s.put("during", ObjectBody.ofBytes(new byte[] {1, 2}));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      Thread.sleep(700);
      assertThat(put).isNotDone();
      own.start();

      assertThat(put.get(60, TimeUnit.SECONDS)).isEqualTo(2);
      assertThat(s.health().isUp()).isTrue();
      assertThat(s.health().totalFailures()).isZero();
    }
  }

  @Test
  void shouldNeverShowCredentialsInDescriptionOrSettings() {
    S3Settings settings = server.settings("traces");

    assertThat(store.describe()).contains("s3://traces", "endpoint http://127.0.0.1:",
        "path-style").doesNotContain(S3ProxyServer.SECRET).doesNotContain(S3ProxyServer.ACCESS);
    assertThat(settings.toString()).doesNotContain(S3ProxyServer.SECRET);
  }

  private static String headETag(String bucket, String key) {
    try (S3Client client = S3ArchiveStore.buildClient(server.settings(bucket))) {
      return client.headObject(r -> r.bucket(bucket).key(key)).eTag();
    }
  }

  private static String read(String key) throws IOException {
    try (InputStream in = store.get(key).orElseThrow()) {
      return new String(in.readAllBytes(), UTF_8);
    }
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }
}
