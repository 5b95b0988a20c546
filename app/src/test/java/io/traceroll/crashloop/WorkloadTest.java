package io.traceroll.crashloop;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.generator.GeneratedRequest;
import io.traceroll.generator.GeneratorSettings;
import io.traceroll.generator.RequestGenerator;
import io.traceroll.generator.SizeMix;
import io.traceroll.serdes.DecodedBatch;
import io.traceroll.serdes.DecoderSettings;
import io.traceroll.serdes.SpanBatchDeserializer;
import io.traceroll.serdes.SpanFormat;
import io.traceroll.span.Span;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The crash-loop workload's ledger against what it actually put on the wire (Kafka's own in-memory
 * producer, decoded with the production decoder): the ledger must hold exactly the acknowledged
 * spans, under the key the pipeline will archive them by. A real broker cannot be told to reject
 * one chosen record, which is what the failure case needs.
 */
class WorkloadTest {

  private static final String TOPIC = "spans";

  /** Acknowledges every record except those of one trace, which fail in the callback. */
  private static final class Rejecting extends MockProducer<byte[], byte[]> {
    private final String rejectedTrace;

    Rejecting(String rejectedTrace) {
      super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
      this.rejectedTrace = rejectedTrace;
    }

    @Override
    public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record,
        Callback callback) {
      if (new String(record.key(), StandardCharsets.UTF_8).equals(rejectedTrace)) {
        callback.onCompletion(null, new IllegalStateException("rejected for the test"));
        return null;
      }
      return super.send(record, callback);
    }
  }

  @Test
  void shouldRecordEveryAcknowledgedSpanOnceUnderItsTraceIdInRecordsOfAtMostTheChunkSize()
      throws InterruptedException {
    MockProducer<byte[], byte[]> producer = new Rejecting("none");
    Workload workload =
        new Workload(producer, TOPIC, 4, SizeMix.smallOnly(), "trace_id", Duration.ZERO, 7);

    workload.run(1_000, 12, () -> true);

    List<Span> sent = sent(producer);
    assertThat(producer.history()).allSatisfy(r -> assertThat(decode(r.value()))
        .hasSizeBetween(1, 7)
        .allMatch(s -> s.traceId().equals(new String(r.key(), StandardCharsets.UTF_8))));
    assertThat(workload.expected().spans()).isEqualTo(sent.size()).isEqualTo(expectedSpans(4, 12));
    for (Span s : sent) {
      assertThat(workload.expected().byKey().get(s.traceId())).contains(s.spanId());
    }
    assertThat(workload.requestsStarted()).isEqualTo(12);
    assertThat(workload.failedSpans()).isZero();
  }

  @Test
  void shouldLeaveRejectedSpansOutOfTheLedgerAndCountThem() throws InterruptedException {
    String rejected = generator(4).request(3, 0).traceIds().get(0);
    MockProducer<byte[], byte[]> producer = new Rejecting(rejected);
    Workload workload =
        new Workload(producer, TOPIC, 4, SizeMix.smallOnly(), "trace_id", Duration.ZERO, 7);

    workload.run(1_000, 12, () -> true);

    assertThat(workload.expected().byKey()).doesNotContainKey(rejected);
    assertThat(workload.failedSpans()).isPositive();
    assertThat(workload.expected().spans() + workload.failedSpans())
        .isEqualTo(expectedSpans(4, 12));
    assertThat(workload.lastFailure()).hasMessage("rejected for the test");
  }

  @Test
  void shouldRecordEverySpanOfARequestUnderItsRequestIdWithTheAttributeRule()
      throws InterruptedException {
    MockProducer<byte[], byte[]> producer = new Rejecting("none");
    Workload workload = new Workload(producer, TOPIC, 9, SizeMix.smallOnly(),
        "attribute:request.id", Duration.ZERO, 50);

    workload.run(1_000, 6, () -> true);

    for (int i = 0; i < 6; i++) {
      GeneratedRequest r = generator(9).request(i, 0);
      Set<String> ids = new HashSet<>();
      r.spans().forEach(s -> ids.add(s.spanId()));
      r.lateSpans().forEach(s -> ids.add(s.spanId()));
      assertThat(workload.expected().byKey().get(r.requestId())).isEqualTo(ids);
    }
  }

  private static long expectedSpans(long seed, int requests) {
    long n = 0;
    for (int i = 0; i < requests; i++) {
      n += generator(seed).request(i, 0).spanCount();
    }
    return n;
  }

  /** The workload's generator: ids depend on seed and request number, never on the start time. */
  private static RequestGenerator generator(long seed) {
    return new RequestGenerator(GeneratorSettings.defaults(seed).withSizes(SizeMix.smallOnly())
        .withLateSpans(0.05, Duration.ZERO), Clock.systemUTC());
  }

  private static List<Span> sent(MockProducer<byte[], byte[]> producer) {
    List<Span> spans = new ArrayList<>();
    producer.history().forEach(r -> spans.addAll(decode(r.value())));
    return spans;
  }

  private static List<Span> decode(byte[] value) {
    try (SpanBatchDeserializer d =
        new SpanBatchDeserializer(SpanFormat.OTLP_PROTO, DecoderSettings.defaults())) {
      DecodedBatch batch = d.deserialize(TOPIC, value);
      assertThat(batch.invalid()).isEmpty();
      return batch.spans();
    }
  }
}
