package io.traceroll.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.traceroll.archive.s3.S3ArchiveStore;
import io.traceroll.serdes.SpanFormat;
import io.traceroll.topology.Names;
import io.traceroll.topology.metrics.TracerollMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * S3 goes away for 20 s while spans keep arriving (the server is stopped, then restarted on the
 * same port with the same blob store): health reads degraded meanwhile, nothing is indexed that
 * is not stored, and every request is archived once S3 is back.
 */
@Tag("integration")
@Timeout(300)
class ArchiveOutageTest extends RealComponents {

  private static final Duration OUTAGE = Duration.ofSeconds(20);


  @TempDir Path dir;

  @Test
  void shouldReportDegradedDuringAnS3OutageAndArchiveEverythingAfterIt() throws Exception {
    String app = "outage";
    String input = app + "-spans";
    Map<String, String> config =
        PipelineFixture.config(broker, app, input + ":otlp_proto", dir);
    String index = config.get(Names.Config.INDEX_TOPIC);
    broker.createTopics(input, index, config.get(Names.Config.DEAD_LETTER_TOPIC));
    List<Workload.Request> before = Workload.requests(40, 0, 11);
    List<Workload.Request> during = Workload.requests(120, 1, 12);
    long producedBefore = before.stream().mapToLong(r -> r.spans().size()).sum();
    long produced = producedBefore + during.stream().mapToLong(r -> r.spans().size()).sum();
    SimpleMeterRegistry prometheusLike = new SimpleMeterRegistry();

    try (S3ArchiveStore store = s3.store(app);
        PipelineFixture pipeline = PipelineFixture.start(config, store)) {
      pipeline.metrics.bindTo(prometheusLike);
      Workload.publish(broker, input, SpanFormat.OTLP_PROTO, before, 2);
      Await.until(Duration.ofSeconds(60), "first requests indexed", () ->
          IndexReader.spans(IndexReader.read(broker, index)) >= producedBefore);
      assertThat(degradedGauge(prometheusLike)).isZero();

      s3.stopServer();
      long outageEnds = System.nanoTime() + OUTAGE.toNanos();
      CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
        try {
          Workload.publish(broker, input, SpanFormat.OTLP_PROTO, during, 2);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      Await.until(Duration.ofSeconds(15), "archive degraded gauge = 1",
          () -> degradedGauge(prometheusLike) == 1.0);
      assertThat(store.health().isUp()).isFalse();
      publishing.get(60, TimeUnit.SECONDS);
      while (System.nanoTime() < outageEnds) {
        pipeline.assertHealthy();
        Thread.sleep(500);
      }
      // an index entry promises an object: none may appear while no object can be written
      assertThat(IndexReader.spans(IndexReader.read(broker, index)))
          .as("spans indexed during the outage").isEqualTo(producedBefore);
      assertThat(degradedGauge(prometheusLike)).as("still degraded at the end").isEqualTo(1.0);
      pipeline.assertHealthy();

      s3.startServer();
      Await.until(Duration.ofSeconds(120), produced + " spans indexed after the outage", () -> {
        pipeline.assertHealthy();
        return IndexReader.spans(IndexReader.read(broker, index)) >= produced;
      });

      assertThat(degradedGauge(prometheusLike)).isZero();
      assertThat(store.health().isUp()).isTrue();
      assertThat(pipeline.metrics.total(TracerollMetrics.ARCHIVE_FAILURES)).isPositive();
      ArchiveReader archive = new ArchiveReader(store, pipeline.layout());
      List<String> parts = new ArrayList<>();
      List<Workload.Request> all = new ArrayList<>(before);
      all.addAll(during);
      for (Workload.Request r : all) {
        ArchiveReader.ArchivedRequest found = archive.request(r.key());
        assertThat(found.spanIds()).as("spans of %s", r.key())
            .containsExactlyInAnyOrderElementsOf(r.spanIds());
        parts.addAll(found.partKeys());
      }
      List<IndexReader.Entry> entries = IndexReader.read(broker, index);
      assertThat(entries).extracting(IndexReader.Entry::key).doesNotHaveDuplicates();
      assertThat(entries).extracting(e -> e.value().getObjectKey().toString())
          .containsExactlyInAnyOrderElementsOf(parts);
      assertThat(IndexReader.spans(entries)).isEqualTo(produced);
    }
  }

  private static double degradedGauge(SimpleMeterRegistry registry) {
    return registry.get(TracerollMetrics.ARCHIVE_DEGRADED).gauge().value();
  }
}
