package io.traceroll.topology;

import io.traceroll.archive.ArchiveLayout;
import io.traceroll.archive.Compression;
import io.traceroll.archive.fs.FileSystemArchiveStore;
import io.traceroll.avro.TraceIndexEntry;
import io.traceroll.serdes.SpanFormat;
import io.traceroll.serdes.avro.TraceIndexEntrySerde;
import io.traceroll.serdes.otlp.OtlpEncoder;
import io.traceroll.span.Span;
import io.traceroll.topology.metrics.TracerollMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The real topology in a TopologyTestDriver with persistent (RocksDB) stores and a filesystem
 * archive: only the broker is simulated. Wall clock and record time are advanced explicitly.
 */
final class TopologyHarness implements AutoCloseable {

  static final String INPUT = "spans";
  static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  final TopologySettings settings;
  final TracerollMetrics metrics = new TracerollMetrics();
  final FileSystemArchiveStore store;
  final TopologyTestDriver driver;
  private final TestInputTopic<byte[], byte[]> input;
  private final TestOutputTopic<String, TraceIndexEntry> index;
  private final TestOutputTopic<byte[], byte[]> deadLetters;
  private final List<TestRecord<String, TraceIndexEntry>> indexSeen = new ArrayList<>();
  private final List<TestRecord<byte[], byte[]>> deadSeen = new ArrayList<>();
  private Instant recordTime = T0;

  TopologyHarness(Path dir, TopologySettings settings) {
    this(dir, settings, StreamsConfig.EXACTLY_ONCE_V2);
  }

  /**
   * @param guarantee {@code exactly_once_v2} (production) by default. Tests of undecodable records
   *     pass {@code at_least_once}: under exactly-once, TopologyTestDriver 4.3.1 loses the
   *     dead-letter record of a record that fails to deserialize (it is produced while the driver
   *     has no transaction open), which a broker-backed run does not.
   */
  TopologyHarness(Path dir, TopologySettings settings, String guarantee) {
    this.settings = settings;
    try {
      store = new FileSystemArchiveStore(dir.resolve("archive"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Properties props = new Properties();
    props.putAll(TracerollConfig.streamsDefaults(settings, metrics));
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "traceroll-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
    driver = new TopologyTestDriver(
        new TraceAssemblyTopology(settings, store, metrics).get(), props, T0);
    input = driver.createInputTopic(settings.inputs().get(0).topic(), new ByteArraySerializer(),
        new ByteArraySerializer());
    index = driver.createOutputTopic(settings.indexTopic(), new StringDeserializer(),
        new TraceIndexEntrySerde().deserializer());
    deadLetters = driver.createOutputTopic(settings.deadLetterTopic(),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  TopologyHarness(Path dir) {
    this(dir, settings(false));
  }

  /**
   * Parts are archived inside the punctuation that closes them (no archive in flight), so a test
   * sees the index right after advancing the clock; {@code PipelinedArchiveTest} covers the
   * pipelined default, where they show up on a later punctuation.
   */
  static TopologySettings settings(boolean keyed) {
    return TopologySettings.defaults(List.of(new InputTopic(INPUT, SpanFormat.OTLP_PROTO, keyed)),
        new ArchiveLayout("", Compression.GZIP)).withArchiveRetryBudget(Duration.ZERO)
        .withArchiveInFlight(0);
  }

  /** One Kafka record holding these spans as one OTLP export request. */
  void send(List<Span> spans) {
    send(null, OtlpEncoder.toProto(spans));
  }

  void send(byte[] key, byte[] value) {
    input.pipeInput(new TestRecord<>(key, value, recordTime));
  }

  /** One record of these spans carrying the given record headers. */
  void send(List<Span> spans, org.apache.kafka.common.header.Headers headers) {
    input.pipeInput(new TestRecord<>(null, OtlpEncoder.toProto(spans), headers, recordTime));
  }

  /** Each span in its own record, with a record key of its own (as on many partitions). */
  void sendEach(List<Span> spans) {
    for (Span s : spans) {
      send(s.spanId().getBytes(), OtlpEncoder.toProto(List.of(s)));
    }
  }

  void advanceWallClock(Duration d) {
    driver.advanceWallClockTime(d);
  }

  /** Moves the timestamp of the next records (stream time moves when they arrive). */
  void advanceRecordTime(Duration d) {
    recordTime = recordTime.plus(d);
  }

  /**
   * Punctuates (one punctuation interval of wall clock at a time) until the index holds
   * {@code parts} entries: pipelined parts are announced on the punctuation after their put.
   */
  List<TestRecord<String, TraceIndexEntry>> awaitIndex(int parts, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (index().size() < parts && System.nanoTime() < deadline) {
      Thread.sleep(20);
      advanceWallClock(settings.punctuationInterval());
    }
    return index();
  }

  List<TestRecord<String, TraceIndexEntry>> index() {
    indexSeen.addAll(index.readRecordsToList());
    return List.copyOf(indexSeen);
  }

  List<TestRecord<byte[], byte[]>> deadLetters() {
    deadSeen.addAll(deadLetters.readRecordsToList());
    return List.copyOf(deadSeen);
  }

  /** The decompressed bytes of a part. */
  byte[] part(String traceKey, int part) {
    String key = settings.layout().partKey(traceKey, part);
    try (InputStream in = settings.layout().compression().unwrap(store.get(key).orElseThrow(
        () -> new AssertionError("no archive " + key)))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<String> archivedKeys() {
    try {
      return store.list(settings.layout().tracesPrefix());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    driver.close();
    store.close();
  }
}
