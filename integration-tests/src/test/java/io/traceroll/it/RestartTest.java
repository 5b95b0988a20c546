package io.traceroll.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.archive.s3.S3ArchiveStore;
import io.traceroll.serdes.SpanFormat;
import io.traceroll.topology.Names;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restarts while producers keep publishing, under the default {@code exactly_once_v2}: a new
 * instance on the same state directory, then one on an empty state directory (state rebuilt from
 * the changelogs), and an instance killed with SIGKILL mid-transaction. No span may be lost or
 * archived twice, and no part indexed twice.
 */
@Tag("integration")
@Timeout(300)
class RestartTest extends RealComponents {


  @TempDir Path dir;

  @Test
  void shouldLoseNoSpanAndIndexNoPartTwiceAcrossRestartsOnKeptAndEmptyState() throws Exception {
    String app = "restart";
    String input = app + "-spans";
    Map<String, String> config =
        PipelineFixture.config(broker, app, input + ":otlp_proto", dir.resolve("state-1"));
    String index = config.get(Names.Config.INDEX_TOPIC);
    broker.createTopics(input, index, config.get(Names.Config.DEAD_LETTER_TOPIC));
    List<Workload.Request> requests = Workload.requests(150, 1, 7);
    long produced = requests.stream().mapToLong(r -> r.spans().size()).sum();
    int records = requests.stream().mapToInt(r -> Workload.records(SpanFormat.OTLP_PROTO, r).size())
        .sum();
    AtomicInteger sent = new AtomicInteger();

    try (S3ArchiveStore store = s3.store(app)) {
      PipelineFixture first = PipelineFixture.start(config, store);
      // paced so that publishing spans both restarts (~15 s in all)
      CompletableFuture<Void> publishing = publishPaced(input, requests, sent);

      Await.until(Duration.ofSeconds(60), "a third published and some parts indexed", () ->
          sent.get() >= records / 3 && !IndexReader.read(broker, index).isEmpty());
      first.assertHealthy();
      first.close();

      PipelineFixture second = PipelineFixture.start(config, store);
      Await.until(Duration.ofSeconds(60), "two thirds published", () -> {
        second.assertHealthy();
        return sent.get() >= 2 * records / 3;
      });
      second.close();

      Map<String, String> fresh = new java.util.LinkedHashMap<>(config);
      fresh.put("state.dir", dir.resolve("state-2").toString());
      try (PipelineFixture third = PipelineFixture.start(fresh, store)) {
        publishing.get(120, TimeUnit.SECONDS);
        Await.until(Duration.ofSeconds(120), produced + " spans indexed", () -> {
          third.assertHealthy();
          return IndexReader.spans(IndexReader.read(broker, index)) >= produced;
        });

        assertEverySpanArchivedOnceAndEveryPartIndexedOnce(
            new ArchiveReader(store, third.layout()), index, requests);
      }
    }
  }

  @Test
  void shouldLoseNoSpanAndIndexNoPartTwiceWhenAnInstanceIsKilledMidStream() throws Exception {
    String app = "crash";
    String input = app + "-spans";
    Map<String, String> config =
        PipelineFixture.config(broker, app, input + ":otlp_proto", dir.resolve("state"));
    // the killed member never leaves the group: let the broker notice within seconds, not 45 s
    config.put("session.timeout.ms", "6000");
    config.put("heartbeat.interval.ms", "1000");
    String index = config.get(Names.Config.INDEX_TOPIC);
    broker.createTopics(input, index, config.get(Names.Config.DEAD_LETTER_TOPIC));
    List<Workload.Request> requests = Workload.requests(150, 1, 8);
    long produced = requests.stream().mapToLong(r -> r.spans().size()).sum();
    int records = requests.stream().mapToInt(r -> Workload.records(SpanFormat.OTLP_PROTO, r).size())
        .sum();
    AtomicInteger sent = new AtomicInteger();

    try (S3ArchiveStore store = s3.store(app)) {
      KillablePipeline doomed = KillablePipeline.start(config, s3.endpoint(), app, dir);
      CompletableFuture<Void> publishing = publishPaced(input, requests, sent);
      Await.until(Duration.ofSeconds(60), "half published and some parts indexed", () ->
          sent.get() >= records / 2 && !IndexReader.read(broker, index).isEmpty());
      doomed.kill();

      // same state directory: no checkpoint was written, so the local state is not trusted
      try (PipelineFixture survivor = PipelineFixture.start(config, store)) {
        publishing.get(120, TimeUnit.SECONDS);
        Await.until(Duration.ofSeconds(150), produced + " spans indexed", () -> {
          survivor.assertHealthy();
          return IndexReader.spans(IndexReader.read(broker, index)) >= produced;
        });
        assertEverySpanArchivedOnceAndEveryPartIndexedOnce(
            new ArchiveReader(store, survivor.layout()), index, requests);
      }
    }
  }

  private static CompletableFuture<Void> publishPaced(String input,
      List<Workload.Request> requests, AtomicInteger sent) {
    return CompletableFuture.runAsync(() -> {
      try {
        Workload.publish(broker, input, SpanFormat.OTLP_PROTO, requests, 2, n -> {
          sent.set(n);
          pause(Duration.ofMillis(110));
        });
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** Each span in exactly one archived part, each part indexed exactly once, nothing else. */
  private static void assertEverySpanArchivedOnceAndEveryPartIndexedOnce(ArchiveReader archive,
      String index, List<Workload.Request> requests) throws Exception {
    List<String> parts = new ArrayList<>();
    for (Workload.Request r : requests) {
      ArchiveReader.ArchivedRequest found = archive.request(r.key());
      assertThat(found.spanIds()).as("spans of %s, each exactly once", r.key())
          .containsExactlyInAnyOrderElementsOf(r.spanIds());
      parts.addAll(found.partKeys());
    }
    List<IndexReader.Entry> entries = IndexReader.read(broker, index);
    assertThat(entries).extracting(IndexReader.Entry::key).doesNotHaveDuplicates();
    assertThat(entries).extracting(e -> e.value().getObjectKey().toString())
        .containsExactlyInAnyOrderElementsOf(parts);
    assertThat(archive.allParts()).containsExactlyInAnyOrderElementsOf(parts);
    assertThat(IndexReader.spans(entries))
        .isEqualTo(requests.stream().mapToLong(r -> r.spans().size()).sum());
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
