package io.traceroll.crashloop;

import io.traceroll.generator.GeneratedRequest;
import io.traceroll.generator.GeneratorSettings;
import io.traceroll.generator.Publisher;
import io.traceroll.generator.RequestGenerator;
import io.traceroll.generator.SizeMix;
import io.traceroll.serdes.SpanFormat;
import io.traceroll.span.Span;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes a known, seeded set of generated requests at a steady pace and records every span the
 * broker acknowledges in {@link ExpectedSpans}.
 *
 * <p>A request's spans are split into records of at most {@code spansPerRecord} (per trace, keyed
 * by trace id as the Collector's exporter does) and the records of all requests in flight are
 * interleaved, one record per request per tick: a 1,000-span request takes many ticks to publish,
 * so a kill lands in the middle of requests, not between them. Late spans (a stalled exporter) are
 * sent {@code lateDelay} after their request, after it has closed, so they open a further part.
 *
 * <p>Only valid spans are sent: the verifier accounts for dead letters as failures.
 */
final class Workload {

  /** Small requests, 3% of about 1,000 spans (several parts at 300 spans per part), no 20,000s. */
  static final SizeMix SIZES = new SizeMix(5, 50, 0.03, 1_000, 0, 20_000);

  private static final Duration TICK = Duration.ofMillis(100);

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final int spansPerRecord;
  private final Function<GeneratedRequest, Function<Span, String>> keyOf;
  private final RequestGenerator generator;
  private final Duration lateDelay;
  private final ExpectedSpans expected = new ExpectedSpans();
  private final AtomicLong requestsStarted = new AtomicLong();
  private final AtomicLong recordsAcked = new AtomicLong();
  private final AtomicLong failedSpans = new AtomicLong();
  private volatile Exception lastFailure;

  private record Chunk(String key, String traceId, List<Span> spans) {}

  private record Late(long dueNanos, List<Chunk> chunks) {}

  /**
   * @param requestKeyRule {@code trace_id} or {@code attribute:request.id}: which key the pipeline
   *     archives each span under, so the ledger records the key the verifier must find it under
   */
  Workload(Producer<byte[], byte[]> producer, String topic, long seed, SizeMix sizes,
      String requestKeyRule, Duration lateDelay, int spansPerRecord) {
    this.producer = producer;
    this.topic = topic;
    this.spansPerRecord = spansPerRecord;
    this.lateDelay = lateDelay;
    this.keyOf = keyFunction(requestKeyRule);
    this.generator = new RequestGenerator(GeneratorSettings.defaults(seed).withSizes(sizes)
        .withLateSpans(0.05, lateDelay), Clock.systemUTC());
    // learn the topic's partitions before the first send (see Publisher: sends racing the first
    // metadata were seen to upset idempotent sequence numbers)
    producer.partitionsFor(topic);
  }

  static Function<GeneratedRequest, Function<Span, String>> keyFunction(String rule) {
    if (rule.equals("trace_id")) {
      return r -> Span::traceId;
    }
    if (rule.equals("attribute:" + RequestGenerator.REQUEST_ID)) {
      return r -> s -> r.requestId();
    }
    throw new IllegalArgumentException("key rule must be trace_id or attribute:"
        + RequestGenerator.REQUEST_ID + ", got " + rule);
  }

  ExpectedSpans expected() {
    return expected;
  }

  long requestsStarted() {
    return requestsStarted.get();
  }

  long recordsAcked() {
    return recordsAcked.get();
  }

  long failedSpans() {
    return failedSpans.get();
  }

  Exception lastFailure() {
    return lastFailure;
  }

  /**
   * Publishes on the calling thread at {@code requestsPerSecond} until {@code maxRequests} have
   * started or {@code more} says stop, then finishes the requests in flight and their late spans
   * and flushes. Returns when everything sent is acknowledged (or failed).
   */
  void run(double requestsPerSecond, long maxRequests, BooleanSupplier more)
      throws InterruptedException {
    Deque<Deque<Chunk>> inFlight = new ArrayDeque<>();
    PriorityQueue<Late> late = new PriorityQueue<>((a, b) -> Long.compare(a.dueNanos, b.dueNanos));
    long started = System.nanoTime();
    long index = 0;
    while (true) {
      boolean starting = index < maxRequests && more.getAsBoolean();
      if (!starting && inFlight.isEmpty() && late.isEmpty()) {
        break;
      }
      long now = System.nanoTime();
      // requests due by now at the steady rate (catching up after a slow tick)
      double due = (now - started) / 1e9 * requestsPerSecond;
      while (starting && index < maxRequests && index < due) {
        GeneratedRequest r = generator.request(index++, Clock.systemUTC().millis() * 1_000_000L);
        requestsStarted.incrementAndGet();
        inFlight.add(new ArrayDeque<>(chunks(r, r.spans())));
        if (!r.lateSpans().isEmpty()) {
          late.add(new Late(now + lateDelay.toNanos(), chunks(r, r.lateSpans())));
        }
      }
      for (Iterator<Deque<Chunk>> it = inFlight.iterator(); it.hasNext(); ) {
        Deque<Chunk> request = it.next();
        send(request.poll());
        if (request.isEmpty()) {
          it.remove();
        }
      }
      while (!late.isEmpty() && late.peek().dueNanos <= now) {
        late.poll().chunks.forEach(this::send);
      }
      Thread.sleep(TICK.toMillis());
    }
    producer.flush();
  }

  private List<Chunk> chunks(GeneratedRequest r, List<Span> spans) {
    Function<Span, String> key = keyOf.apply(r);
    Map<String, List<Span>> byTrace = new LinkedHashMap<>();
    for (Span s : spans) {
      byTrace.computeIfAbsent(s.traceId(), k -> new ArrayList<>()).add(s);
    }
    List<Chunk> out = new ArrayList<>();
    byTrace.forEach((traceId, list) -> {
      for (int from = 0; from < list.size(); from += spansPerRecord) {
        List<Span> part = list.subList(from, Math.min(list.size(), from + spansPerRecord));
        out.add(new Chunk(key.apply(part.get(0)), traceId, List.copyOf(part)));
      }
    });
    return out;
  }

  private void send(Chunk c) {
    byte[] value = Publisher.encode(SpanFormat.OTLP_PROTO, c.spans);
    List<String> ids = c.spans.stream().map(Span::spanId).toList();
    producer.send(new ProducerRecord<>(topic, c.traceId.getBytes(StandardCharsets.UTF_8), value),
        (metadata, error) -> {
          if (error == null) {
            expected.add(c.key, ids);
            recordsAcked.incrementAndGet();
          } else {
            failedSpans.addAndGet(ids.size());
            lastFailure = error;
          }
        });
  }
}
