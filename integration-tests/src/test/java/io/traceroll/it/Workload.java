package io.traceroll.it;

import io.traceroll.serdes.DecoderSettings;
import io.traceroll.serdes.SpanBatchDeserializer;
import io.traceroll.serdes.SpanFormat;
import io.traceroll.serdes.avro.AvroSpanEncoder;
import io.traceroll.serdes.otlp.OtlpEncoder;
import io.traceroll.serdes.zipkin.ZipkinJsonEncoder;
import io.traceroll.span.Attribute;
import io.traceroll.span.Span;
import io.traceroll.span.TestSpans;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** What the tests publish: realistic requests (proto's {@link TestSpans}) in any input format. */
final class Workload {

  /** Attribute carrying the request key under the {@code attribute:request.id} rule. */
  static final String REQUEST_ID = "request.id";

  /** Spans per record: keeps a 1,000-span request well below the 1 MB record limit. */
  static final int BATCH = 25;

  private Workload() {}

  /** One request as produced: the key it must be archived under and its spans. */
  record Request(String key, List<Span> spans) {
    List<String> spanIds() {
      return spans.stream().map(Span::spanId).toList();
    }
  }

  /**
   * {@code count} requests of 5–50 spans plus {@code large} requests of 1,000 spans, keyed by trace
   * id; all derived from {@code seed}.
   */
  static List<Request> requests(int count, int large, long seed) {
    Random r = new Random(seed);
    List<Request> out = new ArrayList<>(count + large);
    for (int i = 0; i < count + large; i++) {
      int size = i < large ? 1_000 : 5 + r.nextInt(46);
      List<Span> spans = TestSpans.request(size, r.nextLong());
      out.add(new Request(spans.get(0).traceId(), spans));
    }
    return out;
  }

  /** The same request grouped by a {@code request.id} attribute carrying {@code key}. */
  static Request keyedByAttribute(Request request, String key) {
    List<Span> spans = new ArrayList<>(request.spans().size());
    for (Span s : request.spans()) {
      List<Attribute> attributes = new ArrayList<>(s.attributes());
      attributes.add(Attribute.of(REQUEST_ID, key));
      spans.add(Span.builder().traceId(s.traceId()).spanId(s.spanId())
          .parentSpanId(s.parentSpanId()).serviceName(s.serviceName())
          .serviceInstance(s.serviceInstance()).pid(s.pid()).tid(s.tid())
          .threadName(s.threadName()).name(s.name()).kind(s.kind()).startNanos(s.startNanos())
          .endNanos(s.endNanos()).statusCode(s.statusCode()).statusMessage(s.statusMessage())
          .attributes(attributes).events(s.events()).links(s.links())
          .resourceAttributes(s.resourceAttributes()).build());
    }
    return new Request(key, spans);
  }

  static byte[] encode(SpanFormat format, List<Span> spans) {
    return switch (format) {
      case OTLP_PROTO -> OtlpEncoder.toProto(spans);
      case OTLP_JSON -> OtlpEncoder.toJson(spans);
      case ZIPKIN_JSON -> ZipkinJsonEncoder.toJson(spans);
      case AVRO -> AvroSpanEncoder.encodeBatch(spans);
    };
  }

  /** The records of a request: its spans in batches of {@link #BATCH}, in generation order. */
  static List<byte[]> records(SpanFormat format, Request request) {
    List<byte[]> out = new ArrayList<>();
    List<Span> spans = request.spans();
    for (int i = 0; i < spans.size(); i += BATCH) {
      out.add(encode(format, spans.subList(i, Math.min(spans.size(), i + BATCH))));
    }
    return out;
  }

  /**
   * Publishes with {@code producers} concurrent producers, each owning a share of the requests and
   * interleaving their batches (as services of many requests report at once); returns when every
   * record is acknowledged. {@code progress} is told the number of records sent so far.
   */
  static void publish(BrokerFixture broker, String topic, SpanFormat format,
      List<Request> requests, int producers) throws Exception {
    publish(broker, topic, format, requests, producers, n -> {});
  }

  static void publish(BrokerFixture broker, String topic, SpanFormat format,
      List<Request> requests, int producers, IntConsumer progress) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(producers);
    AtomicInteger sent = new AtomicInteger();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int p = 0; p < producers; p++) {
        int me = p;
        done.add(pool.submit(() -> {
          List<List<byte[]>> mine = new ArrayList<>();
          for (int i = me; i < requests.size(); i += producers) {
            mine.add(records(format, requests.get(i)));
          }
          try (KafkaProducer<byte[], byte[]> producer = broker.producer()) {
            for (int round = 0; ; round++) {
              boolean any = false;
              for (List<byte[]> batches : mine) {
                if (round < batches.size()) {
                  any = true;
                  producer.send(new ProducerRecord<>(topic, batches.get(round))).get();
                  progress.accept(sent.incrementAndGet());
                }
              }
              if (!any) {
                break;
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  static void send(BrokerFixture broker, String topic, List<byte[]> records) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = broker.producer()) {
      for (byte[] r : records) {
        producer.send(new ProducerRecord<>(topic, r)).get();
      }
    }
  }

  /** Whether the production decoder rejects the record as a whole (a true poison pill). */
  static boolean undecodable(SpanFormat format, byte[] record) {
    try (SpanBatchDeserializer d = new SpanBatchDeserializer(format, DecoderSettings.defaults())) {
      d.deserialize("probe", record);
      return false;
    } catch (RuntimeException e) {
      return true; // what Kafka Streams hands to the deserialization exception handler
    }
  }
}
