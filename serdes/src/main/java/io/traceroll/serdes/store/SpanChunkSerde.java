package io.traceroll.serdes.store;

import java.io.IOException;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * {@link SpanChunk}s on repartition topics: the serializer hands over the chunk's bytes as they are
 * (no copy, no re-encoding), the deserializer reads only the header. Stateless and thread-safe;
 * {@code null} maps to {@code null} both ways.
 */
public final class SpanChunkSerde
    implements Serde<SpanChunk>, Serializer<SpanChunk>, Deserializer<SpanChunk> {

  @Override
  public byte[] serialize(String topic, SpanChunk chunk) {
    return chunk == null ? null : chunk.bytes();
  }

  @Override
  public SpanChunk deserialize(String topic, byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    try {
      return SpanChunk.parse(bytes);
    } catch (IOException e) {
      throw new SerializationException(
          "corrupt span chunk (" + bytes.length + " bytes) from " + topic + ": " + e.getMessage(),
          e);
    }
  }

  @Override
  public Serializer<SpanChunk> serializer() {
    return this;
  }

  @Override
  public Deserializer<SpanChunk> deserializer() {
    return this;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {}

  @Override
  public void close() {}
}
