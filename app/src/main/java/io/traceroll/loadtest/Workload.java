package io.traceroll.loadtest;

import io.traceroll.generator.GeneratedRequest;
import io.traceroll.generator.GeneratorSettings;
import io.traceroll.generator.Publisher;
import io.traceroll.generator.RequestGenerator;
import io.traceroll.serdes.DecodedBatch;
import io.traceroll.serdes.DecoderSettings;
import io.traceroll.serdes.SpanDecodeException;
import io.traceroll.serdes.SpanDecoder;
import io.traceroll.serdes.SpanFormat;
import io.traceroll.span.Span;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The records a benchmark publishes, built before the clock starts so generating and encoding them
 * is never charged to the pipeline. Generated records look like the Collector's Kafka exporter
 * with {@code partition_traces_by_id}: an exporter batch mixes several requests in shuffled order,
 * is split by trace id, and each trace's spans become records keyed by the trace id (at most
 * {@link #MAX_SPANS_PER_RECORD} spans each, so a 20,000-span request is many records).
 */
public record Workload(List<WorkloadRecord> records) {

  public static final int MAX_SPANS_PER_RECORD = 200;
  /** Spans per exporter batch (the Collector's batch processor default is 8,192; ours is smaller
   * so that a batch mixes a handful of requests, as a single service's exporter would). */
  public static final int BATCH_SPANS = 512;

  public Workload {
    records = List.copyOf(records);
  }

  /**
   * Requests from the generator until {@code maxRequests} requests or {@code minSpans} spans,
   * whichever comes first, in {@code format}. Late spans are sent with the rest: a stalled
   * exporter would only add a fixed wait to the end of the run.
   */
  public static Workload generate(GeneratorSettings settings, SpanFormat format,
      long maxRequests, long minSpans) {
    RequestGenerator generator = new RequestGenerator(settings, Clock.systemUTC());
    Random shuffle = new Random(settings.seed() ^ 0x5DEECE66DL);
    List<WorkloadRecord> out = new ArrayList<>();
    List<Span> batch = new ArrayList<>(BATCH_SPANS * 2);
    long spans = 0;
    for (long n = 0; n < maxRequests && spans < minSpans; n++) {
      GeneratedRequest request = generator.next();
      batch.addAll(request.spans());
      batch.addAll(request.lateSpans());
      spans += request.spanCount();
      if (batch.size() >= BATCH_SPANS) {
        flush(batch, format, shuffle, out);
      }
    }
    flush(batch, format, shuffle, out);
    return new Workload(out);
  }

  private static void flush(List<Span> batch, SpanFormat format, Random shuffle,
      List<WorkloadRecord> out) {
    if (batch.isEmpty()) {
      return;
    }
    Collections.shuffle(batch, shuffle);
    out.addAll(records(batch, format));
    batch.clear();
  }

  /** One exporter batch as records: split by trace id, then into chunks of at most 200 spans. */
  public static List<WorkloadRecord> records(List<Span> batch, SpanFormat format) {
    Map<String, List<Span>> byTrace = new LinkedHashMap<>();
    for (Span s : batch) {
      byTrace.computeIfAbsent(s.traceId(), k -> new ArrayList<>()).add(s);
    }
    List<WorkloadRecord> out = new ArrayList<>();
    for (Map.Entry<String, List<Span>> trace : byTrace.entrySet()) {
      byte[] key = trace.getKey().getBytes(StandardCharsets.UTF_8);
      List<Span> spans = trace.getValue();
      for (int from = 0; from < spans.size(); from += MAX_SPANS_PER_RECORD) {
        List<Span> chunk = spans.subList(from, Math.min(spans.size(), from + MAX_SPANS_PER_RECORD));
        out.add(new WorkloadRecord(format, key, Publisher.encode(format, chunk), chunk.size(), 0,
            false, List.of(trace.getKey())));
      }
    }
    return out;
  }

  /**
   * A record given as bytes (a replayed workload), counted the way the pipeline will count it: by
   * decoding it with the same decoder. An unreadable record is kept (it must be dead-lettered), not
   * dropped.
   */
  public static WorkloadRecord describe(SpanFormat format, byte[] key, byte[] value,
      Map<SpanFormat, SpanDecoder> decoders) {
    SpanDecoder decoder = decoders.computeIfAbsent(format,
        f -> f.decoder(DecoderSettings.defaults()));
    try {
      DecodedBatch decoded = decoder.decode(value, new RecordHeaders());
      Set<String> traceIds = new LinkedHashSet<>();
      decoded.spans().forEach(s -> traceIds.add(s.traceId()));
      return new WorkloadRecord(format, key, value, decoded.spans().size(),
          decoded.invalid().size(), false, List.copyOf(traceIds));
    } catch (SpanDecodeException e) {
      return new WorkloadRecord(format, key, value, 0, 0, true, List.of());
    }
  }

  public static Map<SpanFormat, SpanDecoder> decoders() {
    return new EnumMap<>(SpanFormat.class);
  }

  public long spans() {
    return records.stream().mapToLong(WorkloadRecord::spans).sum();
  }

  public long deadLetters() {
    return records.stream().mapToLong(WorkloadRecord::deadLetters).sum();
  }

  public long bytes() {
    return records.stream().mapToLong(WorkloadRecord::bytes).sum();
  }

  /** Distinct trace ids: the requests under the default key rule. */
  public long traces() {
    Set<String> ids = new HashSet<>();
    records.forEach(r -> ids.addAll(r.traceIds()));
    return ids.size();
  }

  /** The formats present, in first-seen order: one input topic each. */
  public List<SpanFormat> formats() {
    return records.stream().map(WorkloadRecord::format).distinct().toList();
  }
}
