package io.traceroll.local;

import io.traceroll.archive.ArchiveLayout;
import io.traceroll.archive.ArchiveStore;
import io.traceroll.archive.fs.FileSystemArchiveStore;
import io.traceroll.archive.s3.S3ArchiveStore;
import io.traceroll.generator.Publisher;
import io.traceroll.generator.RequestGenerator;
import io.traceroll.generator.TrafficDriver;
import io.traceroll.serdes.DecoderSettings;
import io.traceroll.serdes.SpanFormat;
import io.traceroll.topology.InputTopic;
import io.traceroll.topology.Names;
import io.traceroll.topology.TopologySettings;
import io.traceroll.topology.TraceAssemblyTopology;
import io.traceroll.topology.TracerollConfig;
import io.traceroll.topology.metrics.TracerollMetrics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs traceroll in one process: optionally an embedded broker, the topology on Kafka Streams, the
 * archive store, and optionally the built-in generator. {@code ./traceroll local} and
 * {@code ./traceroll run} are this class with different {@link RunSettings}.
 *
 * <p>Lifecycle: {@link #start}, then {@link #awaitStop} (prints progress until the duration ends,
 * the stop latch opens or Streams dies), then {@link #stop} which stops the generator, optionally
 * drains (waits until every span read is archived), closes Streams with a timeout, then the store
 * and the broker, and returns the {@link RunSummary}.
 */
public final class TracerollRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TracerollRunner.class);
  private static final Duration STREAMS_CLOSE_TIMEOUT = Duration.ofSeconds(30);
  private static final int MAX_SPANS_PER_RECORD = 200;
  private static final int MAX_THREAD_REPLACEMENTS = 10;

  private final AtomicInteger threadReplacements = new AtomicInteger();
  private final RunSettings settings;
  private final PrintStream out;
  private final TracerollMetrics metrics = new TracerollMetrics();
  private final List<Publisher> publishers = new ArrayList<>();
  private EmbeddedKafka broker;
  private String bootstrapServers;
  private ArchiveStore archive;
  private TopologySettings topologySettings;
  private KafkaStreams streams;
  private Path stateDir;
  private KafkaProducer<byte[], byte[]> producer;
  private TrafficDriver traffic;
  private long startedNanos;
  private volatile Throwable streamsFailure;
  private RunSummary summary;

  public TracerollRunner(RunSettings settings, PrintStream out) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.out = Objects.requireNonNull(out, "out");
  }

  public void start() throws Exception {
    startedNanos = System.nanoTime();
    if (settings.embeddedBroker()) {
      out.println("traceroll: starting the embedded Kafka broker (KRaft) ...");
      broker = EmbeddedKafka.start();
      bootstrapServers = broker.bootstrapServers();
    } else {
      bootstrapServers = settings.bootstrapServers().orElseThrow();
    }

    Map<SpanFormat, String> usable = usableInputs();
    Map<String, String> config = new HashMap<>(settings.config());
    config.putIfAbsent(Names.Config.INPUTS, String.join(",", usable.entrySet().stream()
        .map(e -> e.getValue() + ":" + e.getKey().configName()).toList()));
    TracerollConfig tracerollConfig = TracerollConfig.from(config);
    topologySettings = tracerollConfig.settings();

    archive = openArchive();
    if (settings.createTopics()) {
      List<String> topics = new ArrayList<>();
      topologySettings.inputs().forEach(i -> topics.add(i.topic()));
      topics.add(topologySettings.deadLetterTopic());
      topics.add(topologySettings.indexTopic());
      EmbeddedKafka.createTopics(bootstrapServers, topics, settings.partitions(),
          settings.embeddedBroker() ? Optional.of((short) 1) : Optional.empty(),
          Set.of(topologySettings.indexTopic()));
    }

    Properties props = tracerollConfig.streamsProperties(topologySettings, metrics);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    if (settings.embeddedBroker()) {
      // a fresh broker each run: state from an earlier run would describe offsets that are gone
      stateDir = Files.createTempDirectory("traceroll-state");
      props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
      props.putIfAbsent(StreamsConfig.APPLICATION_ID_CONFIG, "traceroll-local");
      props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
      props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
          EmbeddedKafka.MAX_MESSAGE_BYTES);
    }
    streams = new KafkaStreams(
        new TraceAssemblyTopology(topologySettings, archive, metrics).get(), props);
    streams.setUncaughtExceptionHandler(this::onStreamThreadDeath);
    streams.start();

    printBanner();
    if (settings.generator().isPresent()) {
      startGenerator(usable);
    }
  }

  /**
   * Formats whose decoder is available in this build; the others are skipped with a warning
   * rather than failing the whole run.
   */
  private Map<SpanFormat, String> usableInputs() {
    Map<SpanFormat, String> usable = new LinkedHashMap<>();
    settings.inputTopics().forEach((format, topic) -> {
      try {
        format.decoder(DecoderSettings.defaults());
        usable.put(format, topic);
      } catch (UnsupportedOperationException e) {
        out.println("traceroll: WARNING format " + format.configName() + " skipped: "
            + e.getMessage());
      }
    });
    if (usable.isEmpty()) {
      throw new IllegalStateException("no usable input format among " + settings.inputTopics());
    }
    return usable;
  }

  private ArchiveStore openArchive() throws IOException {
    if (settings.s3().isPresent()) {
      return new S3ArchiveStore(settings.s3().get());
    }
    // archive.fs.fsync=false trades durability against an OS crash for ~1 ms of disk flushes per
    // object; a killed process still leaves only whole objects (the rename is atomic)
    String fsync = settings.config().getOrDefault("archive.fs.fsync", "true").trim();
    if (!fsync.equalsIgnoreCase("true") && !fsync.equalsIgnoreCase("false")) {
      throw new IllegalArgumentException("archive.fs.fsync must be true or false: '" + fsync + "'");
    }
    return new FileSystemArchiveStore(settings.dataDir().resolve("archive"),
        Boolean.parseBoolean(fsync));
  }

  private void startGenerator(Map<SpanFormat, String> usable) {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, EmbeddedKafka.MAX_MESSAGE_BYTES);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "traceroll-generator");
    producer = new KafkaProducer<>(p);
    List<String> inputTopics = topologySettings.inputs().stream().map(InputTopic::topic).toList();
    usable.forEach((format, topic) -> {
      if (inputTopics.contains(topic)) {
        publishers.add(new Publisher(producer, topic, format, MAX_SPANS_PER_RECORD));
      }
    });
    if (publishers.isEmpty()) {
      out.println("traceroll: WARNING generator has no topic the topology reads; not started");
      return;
    }
    RequestGenerator generator =
        new RequestGenerator(settings.generator().get(), Clock.systemUTC());
    traffic = new TrafficDriver(generator, publishers, settings.traffic()).start();
    out.printf("traceroll: generator publishing %.1f requests/s to %s%n",
        settings.traffic().requestsPerSecond(),
        String.join(", ", publishers.stream().map(Publisher::topic).toList()));
  }

  private void printBanner() {
    out.println("traceroll: Kafka bootstrap servers: " + bootstrapServers
        + (settings.embeddedBroker() ? "  (embedded KRaft broker; any Kafka client can publish)"
            : ""));
    for (InputTopic in : topologySettings.inputs()) {
      out.println("traceroll:   input " + in.topic() + " (" + in.format().configName() + ")");
    }
    out.println("traceroll:   dead letters " + topologySettings.deadLetterTopic()
        + ", index " + topologySettings.indexTopic());
    out.println("traceroll: archives land in " + archive.describe()
        + "  (open a .pftrace at https://ui.perfetto.dev)");
  }

  /**
   * Prints a progress line every {@code progressInterval} until the duration (counted from this
   * call) is over, {@code stop} opens, or Streams fails.
   *
   * @return true when the run ended by itself (duration), false when stopped or failed
   */
  public boolean awaitStop(CountDownLatch stop) throws InterruptedException {
    // the duration is the time traffic flows, not counting broker and Streams start-up
    long now = System.nanoTime();
    long deadline = settings.duration().map(d -> now + d.toNanos()).orElse(Long.MAX_VALUE);
    Progress progress = new Progress(metrics, traffic);
    long interval = settings.progressInterval().toMillis();
    while (true) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        return true;
      }
      if (stop.await(Math.min(interval, left), TimeUnit.MILLISECONDS)) {
        return false;
      }
      if (streamsFailure != null || streams.state() == KafkaStreams.State.ERROR) {
        out.println("traceroll: Kafka Streams failed: " + streamsFailure);
        return false;
      }
      out.println(progress.line(elapsed()));
    }
  }

  /**
   * Stops everything in order and returns the summary; safe to call more than once.
   *
   * @param drain wait (up to {@code drainTimeout}) until every span read has been archived, so the
   *     archive is complete for what was sent; Ctrl-C skips this for a fast exit
   */
  public synchronized RunSummary stop(boolean drain) {
    if (summary != null) {
      return summary;
    }
    if (traffic != null) {
      try {
        traffic.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (producer != null) {
      producer.flush();
      producer.close(Duration.ofSeconds(10));
    }
    boolean drained = drain && drain();
    if (streams != null) {
      // leave the group on the way out: a replacement instance gets the partitions at once instead
      // of after the session timeout (45 s) that a silent departure costs
      if (!streams.close(CloseOptions.timeout(STREAMS_CLOSE_TIMEOUT)
          .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP))) {
        out.println("traceroll: WARNING Kafka Streams did not close within "
            + STREAMS_CLOSE_TIMEOUT.toSeconds() + " s");
      }
    }
    long objects = countObjects();
    summary = RunSummary.of(elapsed(), metrics, traffic, publishers, objects,
        archive == null ? "-" : archive.describe(), drained);
    closeQuietly(archive);
    if (broker != null) {
      try {
        broker.close();
      } catch (Exception e) {
        LOG.warn("embedded broker did not close cleanly", e);
      }
    }
    deleteQuietly(stateDir);
    return summary;
  }

  /** Waits until every valid span read has been archived and the counts stop moving. */
  private boolean drain() {
    if (streams == null || streamsFailure != null) {
      return false;
    }
    long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
    long sent = traffic == null ? -1 : publishers.stream().mapToLong(Publisher::spansSent).sum();
    out.println("traceroll: draining: waiting for open requests to close ...");
    while (System.nanoTime() < deadline) {
      double in = metrics.total(TracerollMetrics.SPANS_IN);
      double archived = metrics.total(TracerollMetrics.SPANS_ARCHIVED);
      if ((sent < 0 || in >= sent) && archived >= in) {
        return true;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    out.println("traceroll: WARNING drain timed out after " + settings.drainTimeout());
    return false;
  }

  private long countObjects() {
    if (archive == null || topologySettings == null) {
      return -1;
    }
    try {
      return archive.list(topologySettings.layout().tracesPrefix()).stream()
          .filter(k -> k.contains(ArchiveLayout.PART_PREFIX)).count();
    } catch (IOException e) {
      return -1;
    }
  }

  private Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  /**
   * KAFKA-20808 (fixed after 4.3.1): a task re-initialised after a TaskCorruptedException (what a
   * killed instance leaves under exactly-once) can find a window-store segment of its own "closed"
   * and kill its stream thread. The task's state is intact; a fresh thread re-opens it. Seen by the
   * crash-loop test in 5 of 13 restarts. A bounded number of replacements, so a store that stays
   * broken still stops the client; anything else stops it at once.
   */
  private StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse onStreamThreadDeath(
      Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InvalidStateStoreException
          && threadReplacements.incrementAndGet() <= MAX_THREAD_REPLACEMENTS) {
        LOG.warn("stream thread died on a closed store (KAFKA-20808); replacing it", e);
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
      }
    }
    streamsFailure = e;
    LOG.error("Kafka Streams failed; shutting down", e);
    return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
  }

  public TracerollMetrics metrics() {
    return metrics;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public ArchiveStore archive() {
    return archive;
  }

  public TopologySettings topologySettings() {
    return topologySettings;
  }

  public Throwable streamsFailure() {
    return streamsFailure;
  }

  @Override
  public void close() {
    stop(false);
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("close failed", e);
      }
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.debug("could not delete {}", dir, e);
    }
  }
}
