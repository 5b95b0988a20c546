package io.traceroll.serdes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class SpanBatchDeserializerTest {
  private static final byte[] ZIPKIN = ("[{\"traceId\":\"5af7183fb1d4cf5f\",\"id\":\"352bff9a74ca9ad2\","
      + "\"name\":\"get\",\"timestamp\":1556604172355737,\"duration\":10,"
      + "\"localEndpoint\":{\"serviceName\":\"backend\"}}]").getBytes(StandardCharsets.UTF_8);

  @Test
  void shouldDecodeARecordWithTheConfiguredFormatAndKeyRule() {
    SpanBatchDeserializer d = new SpanBatchDeserializer();
    d.configure(Map.of(SpanBatchDeserializer.FORMAT_CONFIG, "zipkin-json",
        SpanBatchDeserializer.KEY_RULE_CONFIG, "header:x-request-id"), false);
    RecordHeaders headers = new RecordHeaders();
    headers.add("x-request-id", "req-7".getBytes(StandardCharsets.UTF_8));

    DecodedBatch batch = d.deserialize("spans", headers, ZIPKIN);

    assertThat(batch.spans()).singleElement()
        .satisfies(s -> assertThat(s.traceKey()).isEqualTo("req-7"));
  }

  @Test
  void shouldWrapADecodeFailureSoTheDeadLetterHandlerSeesTheReason() {
    SpanBatchDeserializer d = new SpanBatchDeserializer(SpanFormat.ZIPKIN_JSON,
        DecoderSettings.defaults());

    assertThatThrownBy(() -> d.deserialize("spans", new RecordHeaders(),
        "[{\"traceId\":".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(SerializationException.class)
        .cause()
        .isInstanceOfSatisfying(SpanDecodeException.class,
            e -> assertThat(e.reason()).isEqualTo("malformed_json"));
  }

  @Test
  void shouldDeadLetterATombstoneInsteadOfDroppingIt() {
    SpanBatchDeserializer d = new SpanBatchDeserializer(SpanFormat.OTLP_PROTO,
        DecoderSettings.defaults());

    assertThatThrownBy(() -> d.deserialize("spans", null))
        .isInstanceOf(SerializationException.class)
        .cause()
        .isInstanceOfSatisfying(SpanDecodeException.class,
            e -> assertThat(e.reason()).isEqualTo("null_record"));
  }

  @Test
  void shouldRequireAFormatWhenConfiguredByMap() {
    assertThatThrownBy(() -> new SpanBatchDeserializer().configure(Map.of(), false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(SpanBatchDeserializer.FORMAT_CONFIG);
  }

  @Test
  void shouldRefuseToSerializeBatchesBackToKafka() {
    SpanBatchSerde serde = new SpanBatchSerde(SpanFormat.ZIPKIN_JSON, DecoderSettings.defaults());
    DecodedBatch batch = serde.deserializer().deserialize("spans", ZIPKIN);

    assertThat(batch.spans()).hasSize(1);
    assertThatThrownBy(() -> serde.serializer().serialize("spans", batch))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
