package io.traceroll.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.archive.ArchiveLayout;
import io.traceroll.archive.ArchiveStore;
import io.traceroll.archive.TraceArchiver;
import io.traceroll.archive.fs.FileSystemArchiveStore;
import io.traceroll.topology.Names;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile request keys ({@code traceroll.key.rule=attribute:request.id}) through the whole
 * pipeline into both stores: nothing escapes the S3 prefix or the file-system root, distinct keys
 * never share a request, and each request is found again under its own key.
 */
@Tag("integration")
@Timeout(300)
class KeyTraversalTest {

  /**
   * 10 KB keys: longer than the decoder's 4,096-byte attribute limit, and two of them equal in
   * their first 10,239 characters (see finding 2).
   */
  private static final List<String> HUGE = List.of(
      "k".repeat(10_239) + "a", "k".repeat(10_239) + "b", "/".repeat(10_240));

  private static final List<String> ATTACKS = List.of(
      "../../etc/passwd", "/abs", "/", "..", ".", "a/../../b", "..\\..\\windows\\system32",
      "nul\u0000byte", "\u0000", "%2e%2e%2f", "ABC", "abc", "a/b", "a_2fb", "é", " ", "trailing/",
      // as long as an attribute value may be (4,096 UTF-8 bytes): shortened, hashed path segments
      "x".repeat(4_096), "/".repeat(4_096), ".".repeat(4_095) + "/", "é".repeat(2_048));

  private static BrokerFixture broker;
  private static S3Fixture s3;
  private static Run onS3;
  private static Run onFiles;

  /** Holds only the file store's root, so a file written anywhere else in it is an escape. */
  @TempDir static Path dir;
  @TempDir static Path state;

  /** What one pipeline run over all keys left behind. */
  private record Run(ArchiveStore store, ArchiveLayout layout, List<Workload.Request> requests,
      List<IndexReader.Entry> index) {}

  @BeforeAll
  static void archiveAllKeys() throws Exception {
    broker = BrokerFixture.start();
    s3 = S3Fixture.start();
    onS3 = run("keys-s3", s3.store("keys-s3"), ATTACKS);
    Files.createDirectories(dir.resolve("root"));
    onFiles = run("keys-file", new FileSystemArchiveStore(dir.resolve("root")), ATTACKS);
  }

  @AfterAll
  static void stop() throws Exception {
    try (BrokerFixture b = broker; S3Fixture s = s3;
        ArchiveStore a = onS3 == null ? null : onS3.store();
        ArchiveStore f = onFiles == null ? null : onFiles.store()) {
      // closed in reverse order; null when startup failed half way
    }
  }

  @Test
  void shouldKeepEveryS3ObjectUnderTheArchivePrefix() throws Exception {
    List<String> objects = onS3.store().list("");

    assertThat(objects).isNotEmpty().allSatisfy(k -> {
      // trace parts under traces/, the hourly manifests listing them under manifests/
      assertThat(k).satisfiesAnyOf(
          key -> assertThat(key).startsWith(onS3.layout().tracesPrefix()),
          key -> assertThat(key).startsWith(onS3.layout().manifestsPrefix()));
      assertThat(k.split("/", -1)).doesNotContain("", ".", "..");
      assertThat(k.length()).isLessThanOrEqualTo(1024);
    });
  }

  @Test
  void shouldKeepEveryFileUnderTheFileSystemRoot() throws Exception {
    Path root = dir.resolve("root").toRealPath();
    List<Path> files;
    try (Stream<Path> all = Files.walk(dir)) {
      files = all.filter(Files::isRegularFile).toList();
    }

    assertThat(files).hasSizeGreaterThanOrEqualTo(ATTACKS.size())
        .allSatisfy(f -> assertThat(f.toRealPath()).startsWith(root));
    try (Stream<Path> top = Files.list(dir)) {
      assertThat(top.map(p -> p.getFileName().toString())).containsExactly("root");
    }
  }

  @Test
  void shouldArchiveEachRequestWithExactlyItsSpansUnderItsOwnKeyInS3() throws Exception {
    assertEachRequestUnderItsOwnKey(onS3);
  }

  @Test
  void shouldArchiveEachRequestWithExactlyItsSpansUnderItsOwnKeyOnFiles() throws Exception {
    assertEachRequestUnderItsOwnKey(onFiles);
  }

  @Test
  void shouldRecoverEveryKeyFromTheArchiveAlone() throws Exception {
    TraceArchiver archiver = new TraceArchiver(onS3.store(), onS3.layout());
    for (Workload.Request r : onS3.requests()) {
      for (String part : new ArchiveReader(onS3.store(), onS3.layout()).request(r.key()).partKeys()) {
        assertThat(archiver.traceKeyOf(part))
            .withFailMessage("key of %s not recoverable (expected %s)", part, printable(r.key()))
            .isEqualTo(Optional.of(r.key()));
      }
    }
  }

  @Test
  void shouldArchive10KbKeysUnderTheirOwnDistinctKeys() throws Exception {
    Run run = run("keys-huge", s3.store("keys-huge"), HUGE);
    try (ArchiveStore store = run.store()) {
      assertEachRequestUnderItsOwnKey(run);
    }
  }

  private static void assertEachRequestUnderItsOwnKey(Run run) throws Exception {
    ArchiveReader archive = new ArchiveReader(run.store(), run.layout());
    Set<String> prefixes = new HashSet<>();
    List<String> parts = new ArrayList<>();
    for (Workload.Request r : run.requests()) {
      ArchiveReader.ArchivedRequest found = archive.request(r.key());
      assertThat(found.spanIds()).as("spans under key %s", printable(r.key()))
          .containsExactlyInAnyOrderElementsOf(r.spanIds());
      assertThat(prefixes.add(run.layout().requestPrefix(r.key()))).isTrue();
      parts.addAll(found.partKeys());
    }
    assertThat(archive.allParts()).containsExactlyInAnyOrderElementsOf(parts);
    assertThat(run.index()).extracting(e -> e.value().getTraceKey().toString())
        .containsExactlyInAnyOrderElementsOf(run.requests().stream().map(Workload.Request::key)
            .toList());
    assertThat(run.index()).allSatisfy(e -> assertThat(e.value().getObjectKey().toString())
        .startsWith(run.layout().requestPrefix(e.value().getTraceKey().toString())));
  }

  private static Run run(String app, ArchiveStore store, List<String> keys) throws Exception {
    String input = app + "-spans";
    Map<String, String> config =
        PipelineFixture.config(broker, app, input + ":otlp_proto", state.resolve(app));
    config.put(Names.Config.KEY_RULE, "attribute:" + Workload.REQUEST_ID);
    String index = config.get(Names.Config.INDEX_TOPIC);
    broker.createTopics(input, index, config.get(Names.Config.DEAD_LETTER_TOPIC));
    List<Workload.Request> requests = new ArrayList<>();
    List<Workload.Request> generated = Workload.requests(keys.size(), 0, app.hashCode());
    for (int i = 0; i < keys.size(); i++) {
      requests.add(Workload.keyedByAttribute(generated.get(i), keys.get(i)));
    }
    long produced = requests.stream().mapToLong(r -> r.spans().size()).sum();
    try (PipelineFixture pipeline = PipelineFixture.start(config, store)) {
      Workload.publish(broker, input, io.traceroll.serdes.SpanFormat.OTLP_PROTO, requests, 2);
      Await.until(Duration.ofSeconds(120), produced + " spans indexed", () -> {
        pipeline.assertHealthy();
        return IndexReader.spans(IndexReader.read(broker, index)) >= produced;
      });
      return new Run(store, pipeline.layout(), requests, IndexReader.read(broker, index));
    }
  }

  private static String printable(String key) {
    String shown = key.length() > 40 ? key.substring(0, 40) + "...(" + key.length() + ")" : key;
    return shown.replace("\u0000", "\\0");
  }
}
