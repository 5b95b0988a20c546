package io.traceroll.loadtest;

import io.traceroll.archive.Compression;
import io.traceroll.serdes.DecoderSettings;
import io.traceroll.serdes.SpanDecodeException;
import io.traceroll.serdes.SpanDecoder;
import io.traceroll.serdes.SpanFormat;
import io.traceroll.span.Span;
import io.traceroll.timeline.CanonicalOrder;
import io.traceroll.timeline.RequestTrace;
import io.traceroll.timeline.TimelineOptions;
import io.traceroll.timeline.TimelineWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The work no design of this pipeline can skip, timed alone on one thread: decode every record
 * with the pipeline's decoder, encode each request's spans as a Perfetto trace, gzip it at the
 * archive's level. No broker, no state store, no changelog, no file. Its CPU per span bounds what
 * any pipeline producing these archives reaches on this machine: {@code cores / floor} spans/s,
 * before Kafka, RocksDB and the object store take their share. The bench reports it beside the
 * broker's raw read rate, so a throughput target can be checked against what is possible at all.
 */
public final class ProcessingFloor {

  /** Whole requests are taken until this many spans: enough for a stable median, seconds long. */
  public static final long MAX_SPANS = 200_000;
  static final int WARMUP_ROUNDS = 3;
  static final int MEASURED_ROUNDS = 3;

  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  /**
   * CPU microseconds per span of each stage, medians over the measured rounds.
   *
   * @param spans spans per round (whole requests of the workload)
   * @param requests requests per round
   */
  public record Result(long spans, int requests, double decodeMicros, double encodeMicros,
      double gzipMicros, int gzipLevel) {

    public double totalMicros() {
      return decodeMicros + encodeMicros + gzipMicros;
    }

    /** Spans per second one core reaches doing only this work. */
    public double spansPerCoreSecond() {
      return 1e6 / totalMicros();
    }
  }

  private ProcessingFloor() {}

  /**
   * Times the stages on the calling thread, {@link #WARMUP_ROUNDS} unmeasured rounds first (the
   * JIT's), over the records of whole requests up to {@link #MAX_SPANS} spans.
   *
   * @param gzipLevel the archive's deflate level
   */
  public static Result measure(Workload workload, int gzipLevel) {
    List<WorkloadRecord> records = wholeRequests(workload.records(), MAX_SPANS);
    Map<SpanFormat, SpanDecoder> decoders = new EnumMap<>(SpanFormat.class);
    TimelineWriter writer = new TimelineWriter(TimelineOptions.defaults());
    int rounds = WARMUP_ROUNDS + MEASURED_ROUNDS;
    double[] decode = new double[MEASURED_ROUNDS];
    double[] encode = new double[MEASURED_ROUNDS];
    double[] gzip = new double[MEASURED_ROUNDS];
    long spans = 0;
    int requests = 0;
    for (int round = 0; round < rounds; round++) {
      long t0 = CPU.getCurrentThreadCpuTime();
      Map<String, List<Span>> byRequest = decode(records, decoders);
      long t1 = CPU.getCurrentThreadCpuTime();
      List<byte[]> traces = encode(byRequest, writer);
      long t2 = CPU.getCurrentThreadCpuTime();
      gzip(traces, gzipLevel);
      long t3 = CPU.getCurrentThreadCpuTime();
      spans = byRequest.values().stream().mapToLong(List::size).sum();
      requests = byRequest.size();
      if (round >= WARMUP_ROUNDS) {
        int m = round - WARMUP_ROUNDS;
        decode[m] = (t1 - t0) / 1e3 / spans;
        encode[m] = (t2 - t1) / 1e3 / spans;
        gzip[m] = (t3 - t2) / 1e3 / spans;
      }
    }
    return new Result(spans, requests, median(decode), median(encode), median(gzip), gzipLevel);
  }

  /**
   * The records of the first requests (by trace id) until about {@code maxSpans} spans, with
   * every later record of those requests, so each request is encoded whole.
   */
  static List<WorkloadRecord> wholeRequests(List<WorkloadRecord> records, long maxSpans) {
    Set<String> taken = new HashSet<>();
    List<WorkloadRecord> out = new ArrayList<>();
    long spans = 0;
    for (WorkloadRecord r : records) {
      if (r.undecodable() || r.traceIds().isEmpty()) {
        continue;
      }
      boolean ofTaken = r.traceIds().stream().anyMatch(taken::contains);
      if (ofTaken || spans < maxSpans) {
        taken.addAll(r.traceIds());
        out.add(r);
        spans += r.spans();
      }
    }
    return out;
  }

  private static Map<String, List<Span>> decode(List<WorkloadRecord> records,
      Map<SpanFormat, SpanDecoder> decoders) {
    Map<String, List<Span>> byRequest = new LinkedHashMap<>();
    for (WorkloadRecord r : records) {
      SpanDecoder decoder = decoders.computeIfAbsent(r.format(),
          f -> f.decoder(DecoderSettings.defaults()));
      try {
        for (Span s : decoder.decode(r.value(), new RecordHeaders()).spans()) {
          byRequest.computeIfAbsent(s.traceId(), k -> new ArrayList<>()).add(s);
        }
      } catch (SpanDecodeException e) {
        throw new IllegalStateException("a record the workload counted readable failed", e);
      }
    }
    return byRequest;
  }

  private static List<byte[]> encode(Map<String, List<Span>> byRequest, TimelineWriter writer) {
    List<byte[]> out = new ArrayList<>(byRequest.size());
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(1 << 16);
    try {
      for (Map.Entry<String, List<Span>> e : byRequest.entrySet()) {
        List<Span> spans = new ArrayList<>(e.getValue());
        spans.sort(CanonicalOrder.SPANS); // the archiver sorts too
        buffer.reset();
        writer.write(new RequestTrace(e.getKey(), 0, spans, List.of()), buffer);
        out.add(buffer.toByteArray());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static void gzip(List<byte[]> traces, int level) {
    OutputStream sink = OutputStream.nullOutputStream();
    try {
      for (byte[] trace : traces) {
        try (OutputStream gz = Compression.GZIP.wrap(nonClosing(sink), level)) {
          gz.write(trace);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static OutputStream nonClosing(OutputStream out) {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        out.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }
    };
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
