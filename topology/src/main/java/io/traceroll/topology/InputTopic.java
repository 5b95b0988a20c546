package io.traceroll.topology;

import io.traceroll.serdes.SpanFormat;
import java.util.Objects;

/**
 * One span topic and how to read it.
 *
 * @param keyedByTraceId the producer already partitions by trace id (the Collector's Kafka exporter
 *     with {@code partition_traces_by_id}), so every span of a trace is in one partition and no
 *     repartition topic is needed in front of the per-trace state
 */
public record InputTopic(String topic, SpanFormat format, boolean keyedByTraceId) {
  public InputTopic {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(format, "format");
    if (topic.isBlank()) {
      throw new IllegalArgumentException("input topic name must not be blank");
    }
  }

  /**
   * Parses {@code topic:format} or {@code topic:format:keyed}.
   *
   * @throws IllegalArgumentException naming the expected form
   */
  public static InputTopic parse(String entry) {
    String[] p = entry.trim().split(":", -1);
    if (p.length < 2 || p.length > 3 || p[0].isBlank()
        || (p.length == 3 && !p[2].trim().equalsIgnoreCase("keyed"))) {
      throw new IllegalArgumentException(
          "input must be topic:format or topic:format:keyed, got '" + entry + "'");
    }
    return new InputTopic(p[0].trim(), SpanFormat.fromConfig(p[1]), p.length == 3);
  }

  public String configValue() {
    return topic + ':' + format.configName() + (keyedByTraceId ? ":keyed" : "");
  }
}
