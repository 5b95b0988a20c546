package io.traceroll.serdes.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.traceroll.avro.TraceIndexEntry;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class TraceIndexEntrySerdeTest {
  private final TraceIndexEntrySerde serde = new TraceIndexEntrySerde();

  @Test
  void shouldRoundTripAnEntry() {
    TraceIndexEntry entry = TraceIndexEntry.newBuilder()
        .setTraceKey("4bf92f3577b34da6a3ce929d0e0e4736").setPart(2)
        .setObjectKey("traces/2026/11/25/4bf92f3577b34da6a3ce929d0e0e4736-2.pftrace")
        .setStartNanos(1_700_000_000_000_000_000L).setEndNanos(1_700_000_000_250_000_000L)
        .setDurationNanos(250_000_000L).setSpanCount(17).setServices(List.of("cart", "checkout"))
        .setRootSpanName(null).setErrorCount(1).setBytes(4096).setLate(true)
        .setTraceIds(List.of("4bf92f3577b34da6a3ce929d0e0e4736")).build();

    byte[] bytes = serde.serializer().serialize("index", entry);

    assertThat(bytes).startsWith((byte) 0xC3, (byte) 0x01);
    assertThat(serde.deserializer().deserialize("index", bytes)).isEqualTo(entry);
  }

  @Test
  void shouldKeepTombstonesNull() {
    assertThat(serde.serializer().serialize("index", null)).isNull();
    assertThat(serde.deserializer().deserialize("index", null)).isNull();
  }

  @Test
  void shouldRaiseKafkasSerializationExceptionForBytesThatAreNoEntry() {
    byte[] notAnEntry = AvroSpanEncoder.encodeBatch(List.of());

    assertThatThrownBy(() -> serde.deserializer().deserialize("index", notAnEntry))
        .isInstanceOf(SerializationException.class);
  }

  /** Index readers outside the JVM match on it (AVRO.md): a schema change must be deliberate. */
  @Test
  void shouldKeepThePublishedFingerprint() {
    assertThat(String.format("%016x", AvroSchemas.fingerprint(AvroSchemas.TRACE_INDEX_ENTRY)))
        .isEqualTo("987259f1d9b0f7be");
  }
}
