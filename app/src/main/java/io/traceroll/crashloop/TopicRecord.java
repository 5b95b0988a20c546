package io.traceroll.crashloop;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One committed record of a topic, as raw as the broker holds it: the verifier decodes it itself so
 * an undecodable record is a finding, not an exception.
 *
 * @param key UTF-8 key, {@code null} for none
 * @param value {@code null} for a tombstone
 * @param headers last value of each header, UTF-8
 */
public record TopicRecord(int partition, long offset, String key, byte[] value,
    Map<String, String> headers) {

  public TopicRecord {
    headers = Map.copyOf(headers);
  }

  static String utf8(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  /** Where it is, for a finding: {@code topic-partition@offset}. */
  String where() {
    return "p" + partition + "@" + offset;
  }
}
