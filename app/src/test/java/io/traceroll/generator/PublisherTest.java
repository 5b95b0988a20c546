package io.traceroll.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.local.EmbeddedKafka;
import io.traceroll.serdes.DecodedBatch;
import io.traceroll.serdes.DecoderSettings;
import io.traceroll.serdes.SpanDecoder;
import io.traceroll.serdes.SpanFormat;
import io.traceroll.span.Span;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Tag("integration")
@Timeout(180)
class PublisherTest {
  static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() throws Exception {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stopBroker() throws Exception {
    kafka.close();
  }

  /**
   * A producer per test: one producer shared by the four topics, on a loaded machine, had a later
   * topic's batches rejected as out of order (its idempotent sequence numbers reset while the
   * broker kept the old ones) until delivery timed out and the spans were lost.
   */
  private static KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, EmbeddedKafka.MAX_MESSAGE_BYTES));
  }

  @ParameterizedTest
  @EnumSource(SpanFormat.class)
  void shouldPublishEverySpanKeyedByItsTraceInRecordsTheDecoderReads(SpanFormat format)
      throws Exception {
    String topic = "publisher-" + format.configName();
    EmbeddedKafka.createTopics(kafka.bootstrapServers(), List.of(topic), 3,
        java.util.Optional.of((short) 1));
    RequestGenerator generator = new RequestGenerator(GeneratorSettings.defaults(31)
        .withSizes(new SizeMix(5, 50, 0.1, 1_000, 0, 20_000)), Clock.systemUTC());
    List<Span> sent = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      GeneratedRequest r = generator.next();
      sent.addAll(r.spans());
      sent.addAll(r.lateSpans());
    }
    Publisher publisher;
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      publisher = new Publisher(producer, topic, format, 100);
      publisher.send(sent);
      producer.flush();
    }

    List<ConsumerRecord<byte[], byte[]>> records = consumeAll(topic, publisher.recordsSent());
    SpanDecoder decoder = format.decoder(DecoderSettings.defaults());
    List<Span> received = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      DecodedBatch batch = decoder.decode(record.value(), record.headers());
      assertThat(batch.invalid()).isEmpty();
      assertThat(batch.spans()).hasSizeBetween(1, 100)
          .allSatisfy(s -> assertThat(s.traceId())
              .isEqualTo(new String(record.key(), StandardCharsets.UTF_8)));
      received.addAll(batch.spans());
    }
    assertThat(publisher.spansSent()).isEqualTo(sent.size());
    assertThat(publisher.failedRecords()).isZero();
    assertThat(received.stream().map(Span::spanId).collect(Collectors.toSet()))
        .isEqualTo(sent.stream().map(Span::spanId).collect(Collectors.toSet()));
    assertThat(received).hasSameSizeAs(sent);
  }

  @ParameterizedTest
  @EnumSource(SpanFormat.class)
  void shouldWritePoisonPillsThatTheDecoderRejects(SpanFormat format) {
    SpanDecoder decoder = format.decoder(DecoderSettings.defaults());

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> decoder.decode(
            TrafficDriver.poisonPill(format), new org.apache.kafka.common.header.internals
                .RecordHeaders()))
        .isInstanceOf(io.traceroll.serdes.SpanDecodeException.class);
  }

  private static List<ConsumerRecord<byte[], byte[]>> consumeAll(String topic, long expected) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "test-" + topic,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
      consumer.subscribe(Set.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (out.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(out::add);
      }
    }
    return out;
  }
}
