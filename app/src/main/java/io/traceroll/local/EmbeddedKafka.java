package io.traceroll.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node KRaft Kafka (combined broker and controller) inside this JVM, from Kafka's own
 * cluster kit: local mode gets the genuine protocol, transactions and consumer groups that Kafka
 * Streams relies on, with nothing to install. Its data lives in a temporary directory that is
 * deleted on close: local mode is a demo and a test bed, not a place to keep data.
 */
public final class EmbeddedKafka implements AutoCloseable {

  /** Generous, so a chunk of a huge request with stack traces always fits in one record. */
  public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

  private final KafkaClusterTestKit cluster;
  private final Path baseDir;

  private EmbeddedKafka(KafkaClusterTestKit cluster, Path baseDir) {
    this.cluster = cluster;
    this.baseDir = baseDir;
  }

  /** Formats, starts and waits for the broker; typically 2–5 s. */
  public static EmbeddedKafka start() throws Exception {
    // our own directory, deleted after close: the kit's delete-on-close races the controller's
    // last snapshot and logs a spurious ERROR on every shutdown
    Path baseDir = Files.createTempDirectory("traceroll-kafka");
    TestKitNodes nodes = new TestKitNodes.Builder()
        // the kit defaults to the newest, still unstable metadata version (features under
        // development); a local broker should behave like a released one
        .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
        .setBaseDirectory(baseDir)
        .setCombined(true)
        .setNumBrokerNodes(1)
        .setNumControllerNodes(1)
        .build();
    KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
        // one broker: every internal topic (offsets, transactions for exactly-once) has one replica
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("offsets.topic.num.partitions", "4")
        .setConfigProp("transaction.state.log.replication.factor", "1")
        .setConfigProp("transaction.state.log.min.isr", "1")
        .setConfigProp("transaction.state.log.num.partitions", "4")
        .setConfigProp("group.initial.rebalance.delay.ms", "0")
        .setConfigProp("message.max.bytes", Integer.toString(MAX_MESSAGE_BYTES))
        .setConfigProp("auto.create.topics.enable", "false")
        .setDeleteOnClose(false)
        .build();
    try {
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
    } catch (Exception | Error e) {
      cluster.close();
      deleteRecursively(baseDir);
      throw e;
    }
    return new EmbeddedKafka(cluster, baseDir);
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /**
   * Creates the topics that do not exist yet on any cluster; existing ones are kept as they are.
   *
   * @param replicationFactor empty for the broker's default
   */
  public static void createTopics(String bootstrapServers, Collection<String> topics,
      int partitions, Optional<Short> replicationFactor)
      throws InterruptedException, ExecutionException {
    createTopics(bootstrapServers, topics, partitions, replicationFactor, Set.of());
  }

  /**
   * As above; the topics in {@code compacted} get {@code cleanup.policy=compact} (the index topic:
   * one record per part key, the latest wins, kept for as long as the archive).
   */
  public static void createTopics(String bootstrapServers, Collection<String> topics,
      int partitions, Optional<Short> replicationFactor, Set<String> compacted)
      throws InterruptedException, ExecutionException {
    try (Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = topics.stream().distinct().filter(t -> !existing.contains(t))
          .map(t -> new NewTopic(t, Optional.of(partitions), replicationFactor)
              .configs(compacted.contains(t)
                  ? Map.of("max.message.bytes", Integer.toString(MAX_MESSAGE_BYTES),
                      "cleanup.policy", "compact")
                  : Map.of("max.message.bytes", Integer.toString(MAX_MESSAGE_BYTES))))
          .collect(Collectors.toList());
      if (!missing.isEmpty()) {
        try {
          admin.createTopics(missing).all().get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) { // a concurrent creator won
            throw e;
          }
        }
      }
      awaitLeaders(admin, topics);
    }
  }

  /**
   * Created is not yet writable: until every partition has a leader, a producer's first batches
   * bounce and its retries have been seen to upset idempotent sequence numbers (the broker then
   * rejects the partition's batches as out of order until delivery times out). A topic just
   * created may also be unknown to the broker's metadata for a moment (describeTopics then fails
   * with UnknownTopicOrPartition on a busy machine): both are waited out.
   */
  public static void awaitLeaders(Admin admin, Collection<String> topics)
      throws InterruptedException, ExecutionException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        Map<String, TopicDescription> described =
            admin.describeTopics(Set.copyOf(topics)).allTopicNames().get();
        boolean ready = described.values().stream().flatMap(d -> d.partitions().stream())
            .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        if (ready) {
          return;
        }
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() > deadline) {
          throw e;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("topics have no leader after 60 s: " + topics);
      }
      Thread.sleep(100);
    }
  }

  @Override
  public void close() throws Exception {
    try {
      cluster.close();
    } finally {
      deleteRecursively(baseDir);
    }
  }

  /** Deletes a directory tree if it exists (the broker's data, a bench's scratch space). */
  public static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
