package io.traceroll.loadtest;

import io.traceroll.local.EmbeddedKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** What the benchmark asks the broker: topics, the raw read rate, bytes on disk per topic. */
final class BrokerProbe {

  private BrokerProbe() {}

  /**
   * Creates the topics (single replica), each with its own configuration, and waits until every
   * partition has a leader. Input topics are stamped with the broker's append time
   * ({@link #APPEND_TIME}), so a record's timestamp as the producer's acknowledgement returns it is
   * when the broker accepted it: the start of its end-to-end delay.
   */
  static void createTopics(String bootstrap, Map<String, Map<String, String>> topics,
      int partitions) throws InterruptedException, ExecutionException {
    try (Admin admin = admin(bootstrap)) {
      admin.createTopics(topics.entrySet().stream().map(t -> {
        Map<String, String> configs = new HashMap<>(t.getValue());
        configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
            Integer.toString(EmbeddedKafka.MAX_MESSAGE_BYTES));
        return new NewTopic(t.getKey(), partitions, (short) 1).configs(configs);
      }).toList()).all().get();
      EmbeddedKafka.awaitLeaders(admin, topics.keySet());
    }
  }

  static final Map<String, String> APPEND_TIME =
      Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");
  static final Map<String, String> COMPACTED =
      Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);

  /** Records and bytes (key + value) read, and how long the read took. */
  record RawRead(long records, long bytes, long nanos) {
    double recordsPerSecond() {
      return records / (nanos / 1e9);
    }

    double megabytesPerSecond() {
      return bytes / 1e6 / (nanos / 1e9);
    }
  }

  /**
   * A plain consumer reading every partition of {@code topics} from the beginning to the end
   * offsets taken at the start; no group, no deserialisation beyond bytes, no processing. The
   * clock runs from the first poll to the last record.
   */
  static RawRead rawRead(String bootstrap, Collection<String> topics) {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, "traceroll-bench-raw");
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String t : topics) {
        consumer.partitionsFor(t).forEach(p -> partitions.add(
            new TopicPartition(p.topic(), p.partition())));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long expected = 0;
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
      for (TopicPartition tp : partitions) {
        expected += end.get(tp) - begin.get(tp);
      }
      long records = 0;
      long bytes = 0;
      long start = System.nanoTime();
      long deadline = start + Duration.ofMinutes(10).toNanos();
      while (records < expected) {
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(500));
        for (ConsumerRecord<byte[], byte[]> r : batch) {
          records++;
          bytes += (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0
              : r.value().length);
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("raw read stalled at " + records + " of " + expected);
        }
      }
      return new RawRead(records, bytes, System.nanoTime() - start);
    }
  }

  /** Bytes on disk of each topic matching {@code filter}, from the broker's log dirs. */
  static Map<String, Long> topicBytes(String bootstrap, Predicate<String> filter)
      throws InterruptedException, ExecutionException {
    try (Admin admin = admin(bootstrap)) {
      List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(Node::id)
          .toList();
      Map<String, Long> bytes = new HashMap<>();
      for (Map<String, LogDirDescription> dirs
          : admin.describeLogDirs(brokers).allDescriptions().get().values()) {
        for (LogDirDescription d : dirs.values()) {
          for (Map.Entry<TopicPartition, ReplicaInfo> r : d.replicaInfos().entrySet()) {
            String topic = r.getKey().topic();
            if (filter.test(topic)) {
              bytes.merge(topic, r.getValue().size(), Long::sum);
            }
          }
        }
      }
      return bytes;
    }
  }

  /** Sum of the end offsets of every partition of {@code topics}: records ever appended. */
  static long endOffsets(String bootstrap, Collection<String> topics)
      throws InterruptedException, ExecutionException {
    try (Admin admin = admin(bootstrap)) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin.describeTopics(topics).allTopicNames().get().values().forEach(d ->
          d.partitions().forEach(p -> latest.put(new TopicPartition(d.name(), p.partition()),
              OffsetSpec.latest())));
      return admin.listOffsets(latest).all().get().values().stream()
          .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
    }
  }

  static Set<String> topics(String bootstrap) throws InterruptedException, ExecutionException {
    try (Admin admin = admin(bootstrap)) {
      return admin.listTopics().names().get();
    }
  }

  private static Admin admin(String bootstrap) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }
}
