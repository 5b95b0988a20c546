package io.traceroll.generator;

import io.traceroll.serdes.SpanFormat;
import io.traceroll.span.Span;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the generator against the publishers at a steady request rate, on its own thread, like a
 * fleet of exporters: each request goes to one publisher (round robin over the formats), spans
 * collect in per-publisher batches that mix several requests and leave in shuffled order (an
 * exporter's batch is not in tree order), late spans leave after their delay, and now and then
 * each topic gets a poison pill (an unreadable record and a span with an all-zero trace id) so the
 * dead-letter path always has traffic.
 */
public final class TrafficDriver implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TrafficDriver.class);

  /**
   * @param requestsPerSecond steady rate of generated requests
   * @param batchSpans a publisher's batch is sent when it holds this many spans
   * @param flushInterval ...or when it is this old
   * @param poisonInterval how often each topic gets its poison pills; zero for never
   */
  public record Settings(double requestsPerSecond, int batchSpans, Duration flushInterval,
      Duration poisonInterval) {
    public Settings {
      if (!(requestsPerSecond > 0)) {
        throw new IllegalArgumentException("requestsPerSecond must be > 0");
      }
      if (batchSpans < 1) {
        throw new IllegalArgumentException("batchSpans must be >= 1");
      }
      Objects.requireNonNull(flushInterval, "flushInterval");
      Objects.requireNonNull(poisonInterval, "poisonInterval");
    }

    public static Settings defaults(double requestsPerSecond) {
      return new Settings(requestsPerSecond, 512, Duration.ofMillis(200), Duration.ofSeconds(10));
    }
  }

  private record Late(long dueNanos, int publisher, List<Span> spans) {}

  private final RequestGenerator generator;
  private final List<Publisher> publishers;
  private final Settings settings;
  private final Random shuffle;
  private final List<List<Span>> buffers = new ArrayList<>();
  private final PriorityQueue<Late> late =
      new PriorityQueue<>((a, b) -> Long.compare(a.dueNanos, b.dueNanos));
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong spans = new AtomicLong();
  private final AtomicLong errorRequests = new AtomicLong();
  private final AtomicLong poisonRecords = new AtomicLong();
  private final AtomicLong invalidSpans = new AtomicLong();
  private final AtomicLong lateSpansUnsent = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Throwable failure;

  public TrafficDriver(RequestGenerator generator, List<Publisher> publishers, Settings settings) {
    this.generator = Objects.requireNonNull(generator, "generator");
    this.publishers = List.copyOf(publishers);
    this.settings = Objects.requireNonNull(settings, "settings");
    if (this.publishers.isEmpty()) {
      throw new IllegalArgumentException("at least one publisher is required");
    }
    this.shuffle = new Random(generator.settings().seed() ^ 0x5DEECE66DL);
    for (int i = 0; i < this.publishers.size(); i++) {
      buffers.add(new ArrayList<>());
    }
    this.thread = new Thread(this::loop, "traceroll-generator");
    this.thread.setDaemon(true);
  }

  public TrafficDriver start() {
    thread.start();
    return this;
  }

  private void loop() {
    long startNanos = System.nanoTime();
    long lastFlush = startNanos;
    long lastPoison = startNanos;
    long tickNanos = TimeUnit.MILLISECONDS.toNanos(20);
    long scheduled = 0;
    long maxBurst = (long) Math.max(1, settings.requestsPerSecond());
    try {
      while (running) {
        long now = System.nanoTime();
        long due = (long) ((now - startNanos) / 1e9 * settings.requestsPerSecond());
        // more than a second behind (huge requests, a slow machine): forget the debt rather than
        // burst to catch up, so the offered rate is at most the configured one
        scheduled = Math.max(scheduled, due - maxBurst);
        for (; scheduled < due && running; scheduled++) {
          generateOne(now);
        }
        while (!late.isEmpty() && late.peek().dueNanos <= now) {
          Late l = late.poll();
          buffers.get(l.publisher).addAll(l.spans);
        }
        if (now - lastFlush >= settings.flushInterval().toNanos()) {
          flushAll();
          lastFlush = now;
        }
        if (!settings.poisonInterval().isZero()
            && now - lastPoison >= settings.poisonInterval().toNanos()) {
          poison();
          lastPoison = now;
        }
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(tickNanos));
      }
      flushAll();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      failure = e;
      LOG.error("generator stopped", e);
    }
  }

  private void generateOne(long nowNanos) {
    GeneratedRequest request = generator.next();
    int p = (int) (requests.getAndIncrement() % publishers.size());
    spans.addAndGet(request.spanCount());
    if (request.hasError()) {
      errorRequests.incrementAndGet();
    }
    List<Span> buffer = buffers.get(p);
    buffer.addAll(request.spans());
    if (!request.lateSpans().isEmpty()) {
      late.add(new Late(nowNanos + generator.settings().lateDelay().toNanos(), p,
          request.lateSpans()));
    }
    if (buffer.size() >= settings.batchSpans()) {
      flush(p);
    }
  }

  private void flushAll() {
    for (int p = 0; p < publishers.size(); p++) {
      flush(p);
    }
  }

  private void flush(int p) {
    List<Span> buffer = buffers.get(p);
    if (buffer.isEmpty()) {
      return;
    }
    Collections.shuffle(buffer, shuffle);
    publishers.get(p).send(List.copyOf(buffer));
    buffer.clear();
  }

  /** One unreadable record and one span no archive can hold, per topic. */
  private void poison() {
    for (Publisher p : publishers) {
      p.sendRaw("poison".getBytes(StandardCharsets.UTF_8), poisonPill(p.format()));
      poisonRecords.incrementAndGet();
      Span zeroTrace = Span.builder().traceId("00000000000000000000000000000000")
          .spanId("00f067aa0ba902b7").serviceName("poison").name("all-zero trace id")
          .kind(io.traceroll.span.SpanKind.INTERNAL).startNanos(System.currentTimeMillis()
              * 1_000_000L).endNanos(System.currentTimeMillis() * 1_000_000L + 1000).build();
      p.sendRaw("poison".getBytes(StandardCharsets.UTF_8),
          Publisher.encode(p.format(), List.of(zeroTrace)));
      invalidSpans.incrementAndGet();
    }
  }

  /** A value each format's decoder must reject as a whole (truncated or not that format). */
  static byte[] poisonPill(SpanFormat format) {
    return switch (format) {
      case OTLP_PROTO -> new byte[] {0x0a, (byte) 0xff, 0x7f, 0x12}; // length past the end
      case OTLP_JSON -> "{\"resourceSpans\":[{\"scopeSpans\":[".getBytes(StandardCharsets.UTF_8);
      case ZIPKIN_JSON -> "[{\"traceId\":\"a\",".getBytes(StandardCharsets.UTF_8);
      case AVRO -> new byte[] {(byte) 0xc3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 9}; // unknown schema
    };
  }

  /**
   * Stops generating and sends what is buffered; late spans not yet due are not sent (counted in
   * {@link #lateSpansUnsent()}), as when an exporter dies with its queue.
   */
  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(TimeUnit.SECONDS.toMillis(30));
    late.forEach(l -> lateSpansUnsent.addAndGet(l.spans.size()));
    late.clear();
  }

  public long requests() {
    return requests.get();
  }

  /** Spans generated (sent, buffered or still waiting to be late). */
  public long spans() {
    return spans.get();
  }

  public long errorRequests() {
    return errorRequests.get();
  }

  public long poisonRecords() {
    return poisonRecords.get();
  }

  public long invalidSpans() {
    return invalidSpans.get();
  }

  public long lateSpansUnsent() {
    return lateSpansUnsent.get();
  }

  public Throwable failure() {
    return failure;
  }
}
