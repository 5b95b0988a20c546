package io.traceroll.archive.fs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.traceroll.archive.ArchiveHealth;
import io.traceroll.archive.ArchiveLayout;
import io.traceroll.archive.Compression;
import io.traceroll.archive.ObjectBody;
import io.traceroll.archive.ArchiveLayoutAttacks;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileSystemArchiveStoreTest {

  @TempDir Path dir;

  @Test
  void shouldStoreAndReadBackAnObjectCreatingDirectories() throws IOException {
    FileSystemArchiveStore store = new FileSystemArchiveStore(dir.resolve("root"));

    long n = store.put("a/b/c.bin", ObjectBody.ofBytes("hello".getBytes(UTF_8)));

    assertThat(n).isEqualTo(5);
    assertThat(read(store, "a/b/c.bin")).isEqualTo("hello");
    assertThat(store.get("a/b/missing")).isEmpty();
    assertThat(store.get("a/b")).as("a directory is not an object").isEmpty();
  }

  /** With or without fsync: the rename is what keeps partial objects invisible. */
  @ParameterizedTest(name = "fsync={0}")
  @ValueSource(booleans = {true, false})
  @Timeout(20)
  void shouldNeverShowAPartialObjectWhileItIsBeingWritten(boolean fsync) throws Exception {
    FileSystemArchiveStore store = new FileSystemArchiveStore(dir, fsync);
    store.put("k/obj", ObjectBody.ofBytes("old".getBytes(UTF_8)));
    CountDownLatch halfWritten = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    byte[] big = new byte[1 << 20];

    CompletableFuture<Long> put = CompletableFuture.supplyAsync(() -> {
      try {
        return store.put("k/obj", out -> {
          out.write(big, 0, big.length / 2);
          out.flush();
          halfWritten.countDown();
          await(release);
          out.write(big, big.length / 2, big.length / 2);
        });
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    assertThat(halfWritten.await(10, TimeUnit.SECONDS)).isTrue();

    assertThat(read(store, "k/obj")).isEqualTo("old");
    assertThat(store.list("k/")).containsExactly("k/obj");
    release.countDown();
    assertThat(put.get(10, TimeUnit.SECONDS)).isEqualTo(big.length);
    try (InputStream in = store.get("k/obj").orElseThrow()) {
      assertThat(in.readAllBytes()).isEqualTo(big);
    }
  }

  @ParameterizedTest(name = "fsync={0}")
  @ValueSource(booleans = {true, false})
  void shouldLeaveOldObjectAndNoTempFileWhenTheBodyFails(boolean fsync) throws IOException {
    FileSystemArchiveStore store = new FileSystemArchiveStore(dir, fsync);
    store.put("k/obj", ObjectBody.ofBytes("old".getBytes(UTF_8)));

    assertThatThrownBy(() -> store.put("k/obj", out -> {
      out.write("partial".getBytes(UTF_8));
      throw new IOException("encoder broke");
    })).isInstanceOf(IOException.class).hasMessage("encoder broke");

    assertThat(read(store, "k/obj")).isEqualTo("old");
    try (Stream<Path> files = Files.list(dir.resolve("k"))) {
      assertThat(files).containsExactly(dir.resolve("k/obj"));
    }
  }

  @Test
  void shouldOverwriteIdempotentlyWithIdenticalBytes() throws IOException {
    FileSystemArchiveStore store = new FileSystemArchiveStore(dir);
    ObjectBody body = ObjectBody.ofBytes("same".getBytes(UTF_8));

    store.put("x/y", body);
    store.put("x/y", body);

    assertThat(read(store, "x/y")).isEqualTo("same");
    assertThat(store.list("")).containsExactly("x/y");
  }

  @Test
  @Timeout(30)
  void shouldEndWithOneCompleteObjectWhenPutsOfTheSameKeyRace() throws Exception {
    FileSystemArchiveStore store = new FileSystemArchiveStore(dir);
    byte[] body = new byte[256 * 1024];
    java.util.Arrays.fill(body, (byte) 7);
    List<CompletableFuture<Long>> puts = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      puts.add(CompletableFuture.supplyAsync(() -> {
        try {
          return store.put("race/obj", ObjectBody.ofBytes(body));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }));
    }
    for (CompletableFuture<Long> put : puts) {
      assertThat(put.get(20, TimeUnit.SECONDS)).isEqualTo(body.length);
    }

    try (InputStream in = store.get("race/obj").orElseThrow()) {
      assertThat(in.readAllBytes()).isEqualTo(body);
    }
    try (Stream<Path> files = Files.list(dir.resolve("race"))) {
      assertThat(files).containsExactly(dir.resolve("race/obj"));
    }
  }

  @Test
  void shouldListFullKeysSortedByStringPrefix() throws IOException {
    FileSystemArchiveStore store = new FileSystemArchiveStore(dir);
    for (String k : List.of("t/b/2", "t/a/1", "t/ab/3", "u/1", "t/a/0")) {
      store.put(k, ObjectBody.ofBytes(new byte[] {1}));
    }

    assertThat(store.list("t/a")).containsExactly("t/a/0", "t/a/1", "t/ab/3");
    assertThat(store.list("t/a/")).containsExactly("t/a/0", "t/a/1");
    assertThat(store.list("")).hasSize(5);
    assertThat(store.list("nothing/here/")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/abs", "../x", "a/../../x", "a/./b", "a//b", "a/", ".hidden",
      "a/.tmp", "a\\b", "a\0b", "a\nb", "a b", "\u00e9"})
  void shouldRejectKeysThatCouldEscapeTheRootOrHideAsTempFiles(String key) throws IOException {
    FileSystemArchiveStore store = new FileSystemArchiveStore(dir.resolve("root"));

    assertThatThrownBy(() -> store.put(key, ObjectBody.ofBytes(new byte[1])))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.get(key)).isInstanceOf(IllegalArgumentException.class);
    try (Stream<Path> all = Files.walk(dir)) {
      assertThat(all.filter(Files::isRegularFile)).isEmpty();
    }
  }

  @Test
  void shouldKeepEveryAttackKeyUnderTheRootAndDistinct() throws IOException {
    Path root = dir.resolve("root");
    FileSystemArchiveStore store = new FileSystemArchiveStore(root);
    ArchiveLayout layout = new ArchiveLayout("p", Compression.NONE);
    Set<Path> files = new HashSet<>();

    for (String key : ArchiveLayoutAttacks.KEYS) {
      String objectKey = layout.partKey(key, 0);
      store.put(objectKey, ObjectBody.ofBytes(ArchiveLayout.encodeKey(key).getBytes(UTF_8)));
      Path real = root.resolve(objectKey).toRealPath();
      assertThat(real.startsWith(root.toRealPath().resolve("p/traces"))).isTrue();
      files.add(real);
    }

    assertThat(files).hasSize(ArchiveLayoutAttacks.KEYS.size());
    try (Stream<Path> all = Files.walk(root)) {
      assertThat(all.filter(Files::isRegularFile)).hasSize(ArchiveLayoutAttacks.KEYS.size());
    }
    for (String key : ArchiveLayoutAttacks.KEYS) {
      assertThat(read(store, layout.partKey(key, 0))).isEqualTo(ArchiveLayout.encodeKey(key));
    }
  }

  @Test
  void shouldRefuseToWriteThroughASymbolicLinkLeavingTheRoot() throws IOException {
    Path root = dir.resolve("root");
    Path outside = Files.createDirectories(dir.resolve("outside"));
    FileSystemArchiveStore store = new FileSystemArchiveStore(root);
    Files.createSymbolicLink(root.resolve("evil"), outside);

    assertThatThrownBy(() -> store.put("evil/x", ObjectBody.ofBytes(new byte[1])))
        .isInstanceOf(IOException.class).hasMessageContaining("outside");
    assertThatThrownBy(() -> store.put("evil/deeper/x", ObjectBody.ofBytes(new byte[1])))
        .isInstanceOf(IOException.class).hasMessageContaining("outside");
    assertThatThrownBy(() -> store.list("evil/")).isInstanceOf(IOException.class);
    try (Stream<Path> s = Files.list(outside)) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void shouldReportDegradedHealthOnFailureAndRecoverOnSuccess() throws IOException {
    FileSystemArchiveStore store = new FileSystemArchiveStore(dir);
    store.put("a/file", ObjectBody.ofBytes(new byte[1]));
    assertThat(store.health().isUp()).isTrue();

    // "a/file" is a file, so it cannot also be a directory
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> store.put("a/file/x", ObjectBody.ofBytes(new byte[1])))
          .isInstanceOf(IOException.class);
    }
    ArchiveHealth degraded = store.health();
    assertThat(degraded.state()).isEqualTo(ArchiveHealth.State.DEGRADED);
    assertThat(degraded.consecutiveFailures()).isEqualTo(2);
    assertThat(degraded.lastError()).isPresent();

    store.put("b/file", ObjectBody.ofBytes(new byte[1]));
    ArchiveHealth up = store.health();
    assertThat(up.state()).isEqualTo(ArchiveHealth.State.UP);
    assertThat(up.consecutiveFailures()).isZero();
    assertThat(up.totalFailures()).isEqualTo(2);
  }

  @Test
  void shouldDescribeItselfAsAFileUri() throws IOException {
    FileSystemArchiveStore store = new FileSystemArchiveStore(dir);

    assertThat(store.describe()).startsWith("file:/").contains(dir.getFileName().toString());
  }

  private static String read(FileSystemArchiveStore store, String key) throws IOException {
    Optional<InputStream> in = store.get(key);
    assertThat(in).as(key).isPresent();
    try (InputStream s = in.get()) {
      return new String(s.readAllBytes(), UTF_8);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
