package io.traceroll.loadtest;

import io.traceroll.avro.TraceIndexEntry;
import io.traceroll.serdes.avro.TraceIndexEntrySerde;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The committed index topic, read to its end: one entry per archived part. It says which object
 * holds each part and which trace ids the part's request covers, so a produced record can be
 * matched to the archive write that contains its spans.
 */
final class IndexScan {
  private IndexScan() {}

  /** Entries by part key; a later entry for the same key replaces the earlier one. */
  static Map<String, TraceIndexEntry> read(String bootstrap, String topic) {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // only what the pipeline committed: an aborted transaction's entry names a part that a
    // replay will write again
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        IsolationLevel.READ_COMMITTED.toString().toLowerCase(Locale.ROOT));
    Deserializer<TraceIndexEntry> serde = new TraceIndexEntrySerde().deserializer();
    Map<String, TraceIndexEntry> entries = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer.partitionsFor(topic).forEach(p -> partitions.add(
          new TopicPartition(p.topic(), p.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          String key = new String(r.key(), StandardCharsets.UTF_8);
          TraceIndexEntry e = serde.deserialize(topic, r.value());
          if (e == null) {
            entries.remove(key);
          } else {
            entries.put(key, e);
          }
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("index topic " + topic + " not read to its end in 2 min");
        }
      }
    }
    return entries;
  }

  static long spans(Map<String, TraceIndexEntry> entries) {
    return entries.values().stream().mapToLong(TraceIndexEntry::getSpanCount).sum();
  }
}
