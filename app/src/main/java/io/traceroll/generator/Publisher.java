package io.traceroll.generator;

import io.traceroll.serdes.SpanFormat;
import io.traceroll.serdes.avro.AvroSpanEncoder;
import io.traceroll.serdes.otlp.OtlpEncoder;
import io.traceroll.serdes.zipkin.ZipkinJsonEncoder;
import io.traceroll.span.Span;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends spans to one topic in one wire format, the way the Collector's Kafka exporter does with
 * {@code partition_traces_by_id}: a batch (spans of several requests, in arrival order) is split by
 * trace id, and each trace's spans become records keyed by the trace id (lower-case hex, UTF-8).
 * A trace with more than {@code maxSpansPerRecord} spans is split over several records so a huge
 * request never exceeds the broker's message size.
 *
 * <p>Counts are of acknowledged records only, so after {@link Producer#flush()} they are exactly
 * what the broker holds; failed sends are counted separately, never silently lost. Thread-safe as
 * far as the producer is.
 */
public final class Publisher {

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final SpanFormat format;
  private final int maxSpansPerRecord;
  private final AtomicLong spansSent = new AtomicLong();
  private final AtomicLong recordsSent = new AtomicLong();
  private final AtomicLong bytesSent = new AtomicLong();
  private final AtomicLong rawRecordsSent = new AtomicLong();
  private final AtomicLong failedRecords = new AtomicLong();
  private final AtomicLong failedSpans = new AtomicLong();

  public Publisher(Producer<byte[], byte[]> producer, String topic, SpanFormat format,
      int maxSpansPerRecord) {
    this.producer = Objects.requireNonNull(producer, "producer");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.format = Objects.requireNonNull(format, "format");
    if (maxSpansPerRecord < 1) {
      throw new IllegalArgumentException("maxSpansPerRecord must be >= 1");
    }
    this.maxSpansPerRecord = maxSpansPerRecord;
    // Learn the topic's metadata now: a missing topic fails here, once, instead of every send
    // blocking for max.block.ms; and the first batches do not race the topic's metadata (sends
    // to a topic first seen mid-flight were observed to break idempotent sequence numbers on
    // Kafka 4.3, failing the partition's batches until delivery timed out).
    producer.partitionsFor(topic);
  }

  public String topic() {
    return topic;
  }

  public SpanFormat format() {
    return format;
  }

  /** One exporter batch: any number of spans of any number of requests. */
  public void send(List<Span> batch) {
    Map<String, List<Span>> byTrace = new LinkedHashMap<>();
    for (Span s : batch) {
      byTrace.computeIfAbsent(s.traceId(), k -> new ArrayList<>()).add(s);
    }
    for (Map.Entry<String, List<Span>> trace : byTrace.entrySet()) {
      byte[] key = trace.getKey().getBytes(StandardCharsets.UTF_8);
      List<Span> spans = trace.getValue();
      for (int from = 0; from < spans.size(); from += maxSpansPerRecord) {
        List<Span> chunk = spans.subList(from, Math.min(spans.size(), from + maxSpansPerRecord));
        byte[] value = encode(format, chunk);
        int count = chunk.size();
        producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
          if (error == null) {
            spansSent.addAndGet(count);
            recordsSent.incrementAndGet();
            bytesSent.addAndGet(value.length);
          } else {
            failedSpans.addAndGet(count);
            failedRecords.incrementAndGet();
          }
        });
      }
    }
  }

  /** A record as given, e.g. a poison pill that must end up dead-lettered; no span is counted. */
  public void sendRaw(byte[] key, byte[] value) {
    producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
      if (error == null) {
        rawRecordsSent.incrementAndGet();
      } else {
        failedRecords.incrementAndGet();
      }
    });
  }

  /** The record value for these spans in {@code format}. */
  public static byte[] encode(SpanFormat format, List<Span> spans) {
    return switch (format) {
      case OTLP_PROTO -> OtlpEncoder.toProto(spans);
      case OTLP_JSON -> OtlpEncoder.toJson(spans);
      case ZIPKIN_JSON -> ZipkinJsonEncoder.toJson(spans);
      case AVRO -> AvroSpanEncoder.encodeBatch(spans);
    };
  }

  public long spansSent() {
    return spansSent.get();
  }

  public long recordsSent() {
    return recordsSent.get();
  }

  public long bytesSent() {
    return bytesSent.get();
  }

  public long rawRecordsSent() {
    return rawRecordsSent.get();
  }

  public long failedRecords() {
    return failedRecords.get();
  }

  public long failedSpans() {
    return failedSpans.get();
  }
}
