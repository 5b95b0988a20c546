package io.traceroll.crashloop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads every committed record of a topic from the beginning to its current end. Only committed
 * data counts: a transaction a killed instance left open (its records are replayed by the next
 * owner) is aborted, and counting its records would report duplicates the guarantee rules out.
 */
public final class CommittedTopic {

  private CommittedTopic() {}

  public static List<TopicRecord> read(String bootstrapServers, String topic, Duration timeout) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "crashloop-verifier-" + UUID.randomUUID());
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = c.partitionsFor(topic, timeout).stream()
          .map(i -> new TopicPartition(topic, i.partition())).toList();
      if (partitions.isEmpty()) {
        throw new IllegalStateException("topic " + topic + " does not exist");
      }
      c.assign(partitions);
      c.seekToBeginning(partitions);
      // for read_committed the end offset is the last stable offset: it waits for (or skips past)
      // open transactions, so reading up to it sees exactly what is committed
      Map<TopicPartition, Long> end = c.endOffsets(partitions, timeout);
      List<TopicRecord> out = new ArrayList<>();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (partitions.stream().anyMatch(tp -> c.position(tp, timeout) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + topic + " to its end " + end
              + " within " + timeout);
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          Map<String, String> headers = new LinkedHashMap<>();
          for (Header h : r.headers()) {
            headers.put(h.key(), TopicRecord.utf8(h.value()));
          }
          out.add(new TopicRecord(r.partition(), r.offset(), TopicRecord.utf8(r.key()), r.value(),
              headers));
        }
      }
      return out;
    }
  }
}
