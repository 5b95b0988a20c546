package io.traceroll.loadtest;

import io.traceroll.serdes.SpanFormat;
import java.util.List;
import java.util.Objects;

/**
 * One Kafka record of a benchmark workload, as it will be published.
 *
 * @param key record key; {@code null} publishes an unkeyed record
 * @param spans valid spans the record carries (what the pipeline must archive)
 * @param invalidSpans spans the decoder reads but rejects (dead-lettered one by one)
 * @param undecodable the whole record is unreadable (dead-lettered as a record)
 * @param traceIds trace ids of the valid spans: how a record is matched to the requests archived
 */
public record WorkloadRecord(SpanFormat format, byte[] key, byte[] value, int spans,
    int invalidSpans, boolean undecodable, List<String> traceIds) {

  public WorkloadRecord {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(value, "value");
    traceIds = List.copyOf(traceIds);
    if (spans < 0 || invalidSpans < 0) {
      throw new IllegalArgumentException("span counts must be >= 0");
    }
  }

  /** What the dead-letter counter must rise by for this record: one per span, or the record. */
  public int deadLetters() {
    return undecodable ? 1 : invalidSpans;
  }

  /** Bytes on the wire as a plain consumer counts them: key plus value. */
  public int bytes() {
    return (key == null ? 0 : key.length) + value.length;
  }
}
