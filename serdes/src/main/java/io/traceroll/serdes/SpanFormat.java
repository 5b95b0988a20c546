package io.traceroll.serdes;

import io.traceroll.serdes.avro.AvroSpanDecoder;
import io.traceroll.serdes.otlp.OtlpJsonSpanDecoder;
import io.traceroll.serdes.otlp.OtlpProtoSpanDecoder;
import io.traceroll.serdes.zipkin.ZipkinJsonSpanDecoder;
import java.util.Locale;
import java.util.Objects;

/** The wire formats a span topic may carry; one format per topic, chosen in configuration. */
public enum SpanFormat {
  /** Our own Avro schema (single-object encoding). */
  AVRO("avro"),
  /** OTLP {@code ExportTraceServiceRequest} protobuf: the Collector's Kafka exporter default. */
  OTLP_PROTO("otlp_proto"),
  /** OTLP/JSON: protobuf JSON mapping with hex ids. */
  OTLP_JSON("otlp_json"),
  /** Zipkin v2 JSON list of spans, as Zipkin reporters' Kafka sender writes. */
  ZIPKIN_JSON("zipkin_json");

  private final String configName;

  SpanFormat(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  /**
   * Parses a config name: any case, {@code -} or {@code _} as separator.
   *
   * @throws IllegalArgumentException naming the accepted values, so a typo fails at startup
   */
  public static SpanFormat fromConfig(String name) {
    Objects.requireNonNull(name, "name");
    String normalised = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    for (SpanFormat f : values()) {
      if (f.configName.equals(normalised)) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown span format '" + name
        + "', expected one of avro, otlp_proto, otlp_json, zipkin_json");
  }

  public SpanDecoder decoder(DecoderSettings settings) {
    Objects.requireNonNull(settings, "settings");
    return switch (this) {
      case AVRO -> new AvroSpanDecoder(settings);
      case OTLP_PROTO -> new OtlpProtoSpanDecoder(settings);
      case OTLP_JSON -> new OtlpJsonSpanDecoder(settings);
      case ZIPKIN_JSON -> new ZipkinJsonSpanDecoder(settings);
    };
  }
}
