package io.traceroll.serdes.avro;

import io.traceroll.avro.TraceIndexEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde for the compacted trace-index topic: single-object encoded so that tools outside the JVM
 * can read the index with the schema in {@code AVRO.md}. {@code null} stays {@code null} both ways:
 * tombstones are how the compacted topic forgets an entry. Not a hot path (one record per
 * archived trace part), so it uses Avro's generated classes as they are.
 */
public final class TraceIndexEntrySerde implements Serde<TraceIndexEntry> {
  private static final BinaryMessageEncoder<TraceIndexEntry> ENCODER =
      new BinaryMessageEncoder<>(SpecificData.get(), AvroSchemas.TRACE_INDEX_ENTRY);
  private static final BinaryMessageDecoder<TraceIndexEntry> DECODER =
      new BinaryMessageDecoder<>(SpecificData.get(), AvroSchemas.TRACE_INDEX_ENTRY);

  @Override
  public Serializer<TraceIndexEntry> serializer() {
    return (topic, entry) -> {
      if (entry == null) {
        return null;
      }
      try {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        ENCODER.encode(entry, out);
        return out.toByteArray();
      } catch (IOException e) {
        throw new SerializationException("cannot encode trace index entry " + entry.getTraceKey(), e);
      }
    };
  }

  @Override
  public Deserializer<TraceIndexEntry> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        return DECODER.decode(bytes);
      } catch (IOException | RuntimeException e) {
        throw new SerializationException("cannot decode trace index entry from " + topic, e);
      }
    };
  }
}
