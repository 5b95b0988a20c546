package io.traceroll.local;

import io.traceroll.archive.s3.S3Settings;
import io.traceroll.generator.GeneratorSettings;
import io.traceroll.generator.TrafficDriver;
import io.traceroll.serdes.SpanFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One run of traceroll: where Kafka is, where archives go, whether the built-in generator runs.
 *
 * @param bootstrapServers a real cluster; empty starts the embedded broker (local mode)
 * @param config {@code traceroll.*}, {@code archive.*} and Kafka Streams settings (as from a
 *     {@code --config} file); the runner fills in inputs, timing and Streams defaults it lacks
 * @param dataDir filesystem archive root (and Streams state for the embedded broker), used unless
 *     {@code s3} is given
 * @param inputTopics the input topic of each wire format the generator publishes to
 * @param generator generator settings, empty for none
 * @param duration stop by itself after this long; empty runs until Ctrl-C
 * @param drainTimeout after the generator stops (bounded runs), how long to wait for every open
 *     request to be archived before closing
 * @param createTopics create missing input, dead-letter and index topics with {@code partitions}
 *     partitions (local mode); {@code run} leaves topics to the operator
 */
public record RunSettings(
    Optional<String> bootstrapServers,
    Map<String, String> config,
    Path dataDir,
    Optional<S3Settings> s3,
    Map<SpanFormat, String> inputTopics,
    Optional<GeneratorSettings> generator,
    TrafficDriver.Settings traffic,
    Optional<Duration> duration,
    Duration progressInterval,
    Duration drainTimeout,
    int partitions,
    boolean createTopics) {

  /** The topic per format local mode creates and the generator publishes to. */
  public static final Map<SpanFormat, String> DEFAULT_TOPICS = defaultTopics();

  public RunSettings {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    config = Map.copyOf(config);
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(s3, "s3");
    inputTopics = Collections.unmodifiableMap(new LinkedHashMap<>(inputTopics)); // keeps order
    Objects.requireNonNull(generator, "generator");
    Objects.requireNonNull(traffic, "traffic");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(progressInterval, "progressInterval");
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1");
    }
  }

  public boolean embeddedBroker() {
    return bootstrapServers.isEmpty();
  }

  private static Map<SpanFormat, String> defaultTopics() {
    Map<SpanFormat, String> m = new LinkedHashMap<>();
    m.put(SpanFormat.OTLP_PROTO, "otlp_spans");
    m.put(SpanFormat.OTLP_JSON, "otlp_json");
    m.put(SpanFormat.ZIPKIN_JSON, "zipkin");
    m.put(SpanFormat.AVRO, "spans_avro");
    return Collections.unmodifiableMap(m);
  }
}
