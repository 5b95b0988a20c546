package io.traceroll.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.archive.s3.S3ArchiveStore;
import io.traceroll.serdes.SpanFormat;
import io.traceroll.serdes.SpanSanitizer;
import io.traceroll.serdes.avro.DeadLetterSpans;
import io.traceroll.span.Span;
import io.traceroll.topology.Names;
import io.traceroll.topology.metrics.TracerollMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.StringJoiner;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Poison pills in every input topic, under the production default {@code exactly_once_v2}: every
 * undecodable record and every invalid span reaches the dead-letter topic with its reason, and the
 * books balance exactly.
 */
@Tag("integration")
@Timeout(300)
class PoisonPillTest extends RealComponents {

  private static final String ZERO_TRACE_ID = "0".repeat(32);
  private static final String ZERO_SPAN_ID = "0".repeat(16);


  @TempDir Path state;

  /** What one input topic received: the good requests and each kind of poison. */
  private record Feed(SpanFormat format, String topic, List<Workload.Request> requests,
      List<byte[]> undecodable, List<Span> invalidSpans, List<byte[]> records) {}

  @Test
  void shouldDeadLetterEveryPoisonRecordAndInvalidSpanWithItsReasonUnderExactlyOnce()
      throws Exception {
    String app = "poison";
    Map<SpanFormat, String> topics = new LinkedHashMap<>();
    StringJoiner inputs = new StringJoiner(",");
    for (SpanFormat f : SpanFormat.values()) {
      String topic = app + "-" + f.configName().replace('_', '-');
      topics.put(f, topic);
      inputs.add(topic + ":" + f.configName());
    }
    Map<String, String> config = PipelineFixture.config(broker, app, inputs.toString(), state);
    String index = config.get(Names.Config.INDEX_TOPIC);
    String deadLetters = config.get(Names.Config.DEAD_LETTER_TOPIC);
    List<String> all = new ArrayList<>(topics.values());
    all.add(index);
    all.add(deadLetters);
    broker.createTopics(all.toArray(String[]::new));

    List<Feed> feeds = new ArrayList<>();
    try (S3ArchiveStore store = s3.store(app);
        PipelineFixture pipeline = PipelineFixture.start(config, store)) {
      // the point of this test: KIP-1034 dead letters inside exactly-once transactions
      assertThat(pipeline.streamsProperties().get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
          .isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
      for (SpanFormat f : SpanFormat.values()) {
        feeds.add(feed(f, topics.get(f), f.ordinal() * 1000L));
      }
      for (Feed feed : feeds) {
        Workload.send(broker, feed.topic(), feed.records());
      }

      long validSpans = feeds.stream().mapToLong(f -> f.requests().stream()
          .mapToLong(r -> r.spans().size()).sum()).sum();
      long invalidSpans = feeds.stream().mapToLong(f -> f.invalidSpans().size()).sum();
      long undecodable = feeds.stream().mapToLong(f -> f.undecodable().size()).sum();
      Await.until(Duration.ofSeconds(120), "all spans archived and all poison dead-lettered", () -> {
        pipeline.assertHealthy();
        return IndexReader.spans(IndexReader.read(broker, index)) >= validSpans
            && broker.readCommitted(deadLetters).size() >= undecodable + invalidSpans;
      });

      List<ConsumerRecord<byte[], byte[]>> letters = broker.readCommitted(deadLetters);
      long archived = IndexReader.spans(IndexReader.read(broker, index));
      assertThat(letters).as("records dead-lettered == poison records")
          .hasSize((int) (undecodable + invalidSpans));
      assertThat(archived + invalidSpans).as("spans produced == archived + dead-lettered")
          .isEqualTo(validSpans + invalidSpans);

      for (Feed feed : feeds) {
        List<ConsumerRecord<byte[], byte[]>> mine = letters.stream()
            .filter(l -> feed.format().configName().equals(header(l, Names.Header.FORMAT)))
            .toList();
        assertThat(mine).as("dead letters of %s", feed.topic())
            .hasSize(feed.undecodable().size() + feed.invalidSpans().size());
        assertThat(mine).allSatisfy(l -> assertThat(header(l, Names.Header.REASON))
            .as("reason header").isNotBlank());

        List<ConsumerRecord<byte[], byte[]>> rawLetters = mine.stream()
            .filter(l -> header(l, Names.Header.SOURCE_TOPIC) == null).toList();
        // KIP-1034's own headers say where the record came from and what failed
        assertThat(rawLetters).allSatisfy(l -> {
          assertThat(header(l, "__streams.errors.topic")).isEqualTo(feed.topic());
          assertThat(header(l, "__streams.errors.offset")).isNotBlank();
          assertThat(header(l, "__streams.errors.exception")).isNotBlank();
          assertThat(new String(l.key(), UTF_8)).startsWith(feed.topic() + "/");
        });
        List<byte[]> raw = rawLetters.stream().map(ConsumerRecord::value).toList();
        assertThat(raw).as("undecodable records of %s, byte for byte", feed.topic())
            .usingElementComparator(Arrays::compare)
            .containsExactlyInAnyOrderElementsOf(feed.undecodable());

        List<DeadLetterSpans.DeadLetter> spans = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> l : mine) {
          if (header(l, Names.Header.SOURCE_TOPIC) != null) {
            DeadLetterSpans.DeadLetter d = DeadLetterSpans.decode(l.value());
            assertThat(header(l, Names.Header.REASON)).isEqualTo(d.reason());
            assertThat(d.sourceTopic()).isEqualTo(feed.topic());
            spans.add(d);
          }
        }
        assertThat(spans).extracting(d -> d.span().name())
            .containsExactlyInAnyOrderElementsOf(
                feed.invalidSpans().stream().map(Span::name).toList());
        assertThat(spans).extracting(DeadLetterSpans.DeadLetter::reason)
            .containsOnly(SpanSanitizer.ALL_ZERO_TRACE_ID, SpanSanitizer.ALL_ZERO_SPAN_ID);
      }
      assertThat(pipeline.metrics.total(TracerollMetrics.DEAD_LETTERS))
          .isEqualTo((double) (undecodable + invalidSpans));

      ArchiveReader archive = new ArchiveReader(store, pipeline.layout());
      for (Feed feed : feeds) {
        for (Workload.Request r : feed.requests()) {
          assertThat(archive.request(r.key()).spanIds())
              .containsExactlyInAnyOrderElementsOf(r.spanIds());
        }
      }
    }
  }

  private static Feed feed(SpanFormat format, String topic, long seed) {
    List<Workload.Request> requests = Workload.requests(20, 0, seed);
    Random r = new Random(seed);
    List<byte[]> undecodable = new ArrayList<>();
    // garbage: random bytes the decoder must reject (a rare random accepted payload is skipped)
    while (undecodable.size() < 3) {
      byte[] garbage = new byte[1 + r.nextInt(200)];
      r.nextBytes(garbage);
      if (Workload.undecodable(format, garbage)) {
        undecodable.add(garbage);
      }
    }
    // truncated: a real record cut short, the classic half-written producer buffer
    byte[] whole = Workload.encode(format, requests.get(0).spans());
    int kept = 0;
    for (int cut = whole.length / 2; cut > 0 && kept < 2; cut -= 1 + whole.length / 7) {
      byte[] truncated = Arrays.copyOf(whole, cut);
      if (Workload.undecodable(format, truncated)) {
        undecodable.add(truncated);
        kept++;
      }
    }
    assertThat(kept).as("truncations of a %s record rejected by the decoder", format).isEqualTo(2);

    // invalid spans inside otherwise valid batches: the first batch of requests 1 and 2 carries
    // one span no request can own (all-zero trace id, all-zero span id)
    List<Span> invalid = new ArrayList<>();
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      Workload.Request request = requests.get(i);
      List<byte[]> batches = new ArrayList<>(Workload.records(format, request));
      if (i == 1 || i == 2) {
        Span bad = invalidSpan(request.spans().get(0), format, i - 1);
        invalid.add(bad);
        List<Span> first = new ArrayList<>(
            request.spans().subList(0, Math.min(Workload.BATCH, request.spans().size())));
        first.add(first.size() / 2, bad);
        batches.set(0, Workload.encode(format, first));
      }
      records.addAll(batches);
    }
    // poison between good records, so the stream must go on after each
    for (int i = 0; i < undecodable.size(); i++) {
      records.add(Math.min(records.size(), 1 + 5 * i), undecodable.get(i));
    }
    return new Feed(format, topic, requests, undecodable, invalid, records);
  }

  /** A copy of {@code s} with an all-zero trace id or span id and a name to find it by. */
  private static Span invalidSpan(Span s, SpanFormat format, int i) {
    return Span.builder().traceId(i == 0 ? ZERO_TRACE_ID : s.traceId())
        .spanId(i == 0 ? s.spanId() : ZERO_SPAN_ID)
        .serviceName(s.serviceName()).name("poison-" + format.configName() + "-" + i)
        .kind(s.kind()).startNanos(s.startNanos()).endNanos(s.endNanos()).build();
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), UTF_8);
  }
}
