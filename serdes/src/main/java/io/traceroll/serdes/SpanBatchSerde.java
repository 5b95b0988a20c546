package io.traceroll.serdes;

import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Source-topic serde for Kafka Streams. Only the deserializer is real: a decoded batch is split into
 * spans straight away and never written back to Kafka in this form (the topology re-keys individual
 * spans with the store serde), so a serializer would be dead code that could drift from the decoders.
 */
public final class SpanBatchSerde implements Serde<DecodedBatch> {
  private final SpanBatchDeserializer deserializer;

  public SpanBatchSerde() {
    this.deserializer = new SpanBatchDeserializer();
  }

  public SpanBatchSerde(SpanFormat format, DecoderSettings settings) {
    this.deserializer = new SpanBatchDeserializer(format, settings);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    deserializer.configure(configs, isKey);
  }

  @Override
  public Serializer<DecodedBatch> serializer() {
    return (topic, batch) -> {
      throw new UnsupportedOperationException(
          "decoded span batches are never written back to Kafka; serialize individual spans instead");
    };
  }

  @Override
  public Deserializer<DecodedBatch> deserializer() {
    return deserializer;
  }
}
