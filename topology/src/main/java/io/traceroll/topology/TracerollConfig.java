package io.traceroll.topology;

import io.traceroll.archive.ArchiveLayout;
import io.traceroll.serdes.DecoderSettings;
import io.traceroll.serdes.TraceKeyRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Reads the flat settings map (properties file, environment, CLI flags: the caller merges them)
 * into {@link TopologySettings} and Kafka Streams {@link Properties}.
 *
 * <p>Keys starting with {@code traceroll.} are ours (see {@link Names.Config}); {@code archive.*}
 * keys belong to the archive module; everything else is passed to Kafka Streams unchanged, so any
 * Streams or client setting can be tuned without a code change. Our defaults for Streams settings
 * are applied only when the map does not set them.
 */
public final class TracerollConfig {

  public static final String DEFAULT_APPLICATION_ID = "traceroll";
  public static final String DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092";
  public static final String DEFAULT_INPUTS = Names.Topic.INPUT + ":otlp_proto";
  public static final String DEFAULT_KEY_RULE = "trace_id";
  public static final Duration DEFAULT_INACTIVITY_GAP = Duration.ofSeconds(30);
  public static final Duration DEFAULT_ROOT_GRACE = Duration.ofSeconds(5);
  public static final Duration DEFAULT_MAX_REQUEST_DURATION = Duration.ofMinutes(10);
  public static final int DEFAULT_MAX_SPANS_PER_PART = 50_000;
  public static final long DEFAULT_MAX_BYTES_PER_PART = 64L * 1024 * 1024;
  public static final Duration DEFAULT_SPAN_RETENTION = Duration.ofHours(2);
  public static final Duration DEFAULT_REQUEST_RETENTION = Duration.ofHours(24);
  public static final Duration DEFAULT_PUNCTUATION_INTERVAL = Duration.ofSeconds(1);
  public static final Duration DEFAULT_ARCHIVE_RETRY_BUDGET = Duration.ofSeconds(5);
  /**
   * A stream thread runs the punctuations of all its tasks, on both clocks, between two commits:
   * with 1 s each, four tasks on a thread still commit well inside {@link
   * #DEFAULT_TRANSACTION_TIMEOUT_MS}.
   */
  public static final Duration DEFAULT_PUNCTUATION_BUDGET = Duration.ofSeconds(1);
  /**
   * Exactly-once's 10 s default is shorter than one loop of a stream thread can take on a loaded
   * machine (measured: a burst closing thousands of requests at once got the producer fenced and
   * the work redone). A crashed instance's open transaction is aborted at once when its task
   * moves (the new owner fences it), so the longer timeout only delays readers after a thread
   * disappears for good.
   */
  public static final int DEFAULT_TRANSACTION_TIMEOUT_MS = 30_000;
  /**
   * Encoding and compressing a part is CPU work and a put waits on a disk flush or an HTTP round
   * trip: twice the cores keeps the CPUs busy while some threads wait.
   */
  public static final int DEFAULT_ARCHIVE_THREADS =
      Math.max(2, 2 * Runtime.getRuntime().availableProcessors());
  /**
   * Parts per task archived while the stream thread reads on: enough to keep every archive thread
   * busy between two punctuations, few enough that their stored bytes stay a small slice of heap.
   */
  public static final int DEFAULT_ARCHIVE_IN_FLIGHT = 64;

  private final Map<String, String> values;

  private TracerollConfig(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  public static TracerollConfig from(Map<String, String> values) {
    return new TracerollConfig(values);
  }

  public TopologySettings settings() {
    List<InputTopic> inputs = new ArrayList<>();
    for (String entry : get(Names.Config.INPUTS, DEFAULT_INPUTS).split(",")) {
      if (!entry.isBlank()) {
        inputs.add(InputTopic.parse(entry));
      }
    }
    DecoderSettings decoder = DecoderSettings.defaults()
        .withKeyRule(TraceKeyRule.parse(get(Names.Config.KEY_RULE, DEFAULT_KEY_RULE)));
    return new TopologySettings(inputs, decoder, ArchiveLayout.fromConfig(values),
        get(Names.Config.INDEX_TOPIC, Names.Topic.INDEX),
        get(Names.Config.DEAD_LETTER_TOPIC, Names.Topic.DEAD_LETTERS),
        duration(Names.Config.INACTIVITY_GAP, DEFAULT_INACTIVITY_GAP),
        duration(Names.Config.ROOT_GRACE, DEFAULT_ROOT_GRACE),
        duration(Names.Config.MAX_REQUEST_DURATION, DEFAULT_MAX_REQUEST_DURATION),
        (int) number(Names.Config.MAX_SPANS_PER_PART, DEFAULT_MAX_SPANS_PER_PART),
        number(Names.Config.MAX_BYTES_PER_PART, DEFAULT_MAX_BYTES_PER_PART),
        duration(Names.Config.SPAN_RETENTION, DEFAULT_SPAN_RETENTION),
        duration(Names.Config.REQUEST_RETENTION, DEFAULT_REQUEST_RETENTION),
        duration(Names.Config.PUNCTUATION_INTERVAL, DEFAULT_PUNCTUATION_INTERVAL),
        duration(Names.Config.ARCHIVE_RETRY_BUDGET, DEFAULT_ARCHIVE_RETRY_BUDGET),
        (int) number(Names.Config.ARCHIVE_THREADS, DEFAULT_ARCHIVE_THREADS),
        (int) number(Names.Config.ARCHIVE_IN_FLIGHT, DEFAULT_ARCHIVE_IN_FLIGHT),
        duration(Names.Config.PUNCTUATION_BUDGET, DEFAULT_PUNCTUATION_BUDGET));
  }

  /**
   * Kafka Streams properties: our defaults ({@code exactly_once_v2}, the dead-letter topic and
   * handler), overridden by any non-traceroll key in the map.
   */
  public Properties streamsProperties(TopologySettings settings, Object metrics) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, DEFAULT_APPLICATION_ID);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, DEFAULT_BOOTSTRAP_SERVERS);
    p.putAll(throughputDefaults());
    p.putAll(streamsDefaults(settings, metrics));
    values.forEach((k, v) -> {
      if (!k.startsWith("traceroll.") && !k.startsWith("archive.")) {
        p.put(k, v);
      }
    });
    return p;
  }

  /**
   * The Streams settings the topology relies on, shared with tests (TopologyTestDriver) so they run
   * the same guarantees and dead-letter path as production.
   */
  public static Map<String, Object> streamsDefaults(TopologySettings settings, Object metrics) {
    Map<String, Object> p = new LinkedHashMap<>();
    // the object write happens before the index record and state cleanup commit; EOS makes a
    // replay after a crash rewrite identical objects rather than duplicate index entries
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, settings.deadLetterTopic());
    p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        io.traceroll.topology.ingest.DeadLetterHandler.class.getName());
    p.put(Names.Config.INPUT_FORMATS_INTERNAL, inputFormats(settings));
    if (metrics != null) {
      p.put(Names.Config.METRICS_INTERNAL, metrics);
    }
    return p;
  }

  /**
   * Client and Streams settings for throughput, measured on the real pipeline (see
   * {@code topology/CONFIG.md}); any of them can be overridden by the map.
   *
   * <ul>
   *   <li>one stream thread per core: decoding and collecting are CPU work;
   *   <li>a commit per second instead of exactly-once's 100 ms: every commit is a transaction
   *       (markers on every partition written) and a flush of the store caches, which also collapse
   *       more summary rewrites into one changelog record the longer they hold them; a request is
   *       archived only after its inactivity gap anyway;
   *   <li>repartition and changelog records are batched (linger, 256 KiB batches) and lz4-compressed:
   *       stored spans compress well and the broker shares the machine;
   *   <li>a larger store cache (summaries of open requests).
   * </ul>
   */
  static Map<String, Object> throughputDefaults() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG,
        Math.max(1, Runtime.getRuntime().availableProcessors()));
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 64L * 1024 * 1024);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 10);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
    p.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
        DEFAULT_TRANSACTION_TIMEOUT_MS);
    return p;
  }

  static String inputFormats(TopologySettings settings) {
    StringBuilder sb = new StringBuilder();
    for (InputTopic in : settings.inputs()) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(in.topic()).append('=').append(in.format().configName());
    }
    return sb.toString();
  }

  private String get(String key, String def) {
    String v = values.get(key);
    return v == null || v.isBlank() ? def : v.trim();
  }

  private long number(String key, long def) {
    String v = get(key, null);
    if (v == null) {
      return def;
    }
    try {
      return Long.parseLong(v.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number, got '" + v + "'");
    }
  }

  private Duration duration(String key, Duration def) {
    String v = get(key, null);
    return v == null ? def : parseDuration(key, v);
  }

  /**
   * {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d} or ISO-8601 ({@code PT30S}).
   *
   * @throws IllegalArgumentException naming the key and the accepted forms
   */
  public static Duration parseDuration(String key, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.startsWith("p")) {
        return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
      }
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      }
      long n = Long.parseLong(v.substring(0, v.length() - 1));
      return switch (v.charAt(v.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        case 'd' -> Duration.ofDays(n);
        default -> throw new NumberFormatException();
      };
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(key + " must be a duration like 500ms, 30s, 10m, 2h, 1d"
          + " or PT30S, got '" + value + "'");
    }
  }
}
