package io.traceroll.serdes;

import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka's view of a {@link SpanDecoder}: one record value in, one {@link DecodedBatch} out.
 *
 * <p>An undecodable record surfaces as Kafka's {@link SerializationException} whose cause is the
 * {@link SpanDecodeException}: that is what Kafka Streams' deserialization exception handler
 * (KIP-1034 dead-letter queue) sees, so the raw record reaches the DLQ with its reason intact.
 *
 * <p>Configured either by constructor or, when Kafka instantiates it by class name, by
 * {@link #FORMAT_CONFIG} (and optionally {@link #KEY_RULE_CONFIG}) in the config map.
 */
public final class SpanBatchDeserializer implements Deserializer<DecodedBatch> {
  public static final String FORMAT_CONFIG = "traceroll.span.format";
  public static final String KEY_RULE_CONFIG = "traceroll.trace.key";

  private SpanDecoder decoder;

  /** For Kafka's reflective instantiation; {@link #configure} must follow. */
  public SpanBatchDeserializer() {}

  public SpanBatchDeserializer(SpanFormat format, DecoderSettings settings) {
    this.decoder = format.decoder(settings);
  }

  /** Wraps an existing decoder (tests, custom formats). */
  public SpanBatchDeserializer(SpanDecoder decoder) {
    this.decoder = Objects.requireNonNull(decoder, "decoder");
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    if (decoder != null) {
      return; // constructed with explicit settings; they win over the map
    }
    Object format = configs.get(FORMAT_CONFIG);
    if (format == null) {
      throw new IllegalArgumentException(FORMAT_CONFIG + " is required");
    }
    DecoderSettings settings = DecoderSettings.defaults();
    Object rule = configs.get(KEY_RULE_CONFIG);
    if (rule != null) {
      settings = settings.withKeyRule(TraceKeyRule.parse(rule.toString()));
    }
    decoder = SpanFormat.fromConfig(format.toString()).decoder(settings);
  }

  @Override
  public DecodedBatch deserialize(String topic, byte[] data) {
    return deserialize(topic, new RecordHeaders(), data);
  }

  @Override
  public DecodedBatch deserialize(String topic, Headers headers, byte[] data) {
    if (decoder == null) {
      throw new IllegalStateException("SpanBatchDeserializer used before configure()");
    }
    if (data == null) {
      // A tombstone has no place on a span topic; dead-letter it rather than drop it silently.
      throw new SerializationException("null record value on span topic " + topic,
          new SpanDecodeException("null_record", "record value is null"));
    }
    try {
      return decoder.decode(data, headers == null ? new RecordHeaders() : headers);
    } catch (SpanDecodeException e) {
      throw new SerializationException(
          "cannot decode span record from " + topic + ": " + e.reason(), e);
    }
  }
}
