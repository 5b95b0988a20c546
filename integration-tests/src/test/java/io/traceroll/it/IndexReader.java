package io.traceroll.it;

import io.traceroll.avro.TraceIndexEntry;
import io.traceroll.serdes.avro.TraceIndexEntrySerde;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;

/** The committed records of an index topic, decoded. */
final class IndexReader {

  private IndexReader() {}

  record Entry(String key, TraceIndexEntry value) {}

  static List<Entry> read(BrokerFixture broker, String topic) {
    try (TraceIndexEntrySerde serde = new TraceIndexEntrySerde()) {
      Deserializer<TraceIndexEntry> d = serde.deserializer();
      return broker.readCommitted(topic).stream()
          .map(r -> new Entry(new String(r.key(), StandardCharsets.UTF_8),
              d.deserialize(topic, r.value())))
          .toList();
    }
  }

  /** Spans in all entries: the archived span count as the index reports it. */
  static long spans(List<Entry> entries) {
    return entries.stream().mapToLong(e -> e.value().getSpanCount()).sum();
  }
}
