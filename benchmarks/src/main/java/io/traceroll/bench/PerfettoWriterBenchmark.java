package io.traceroll.bench;

import io.traceroll.perfetto.Annotation;
import io.traceroll.perfetto.AnnotationValue;
import io.traceroll.perfetto.Counter;
import io.traceroll.perfetto.EventArgs;
import io.traceroll.perfetto.PerfettoWriter;
import io.traceroll.perfetto.TimestampEncoding;
import io.traceroll.perfetto.Track;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The raw Perfetto wire writer, below the span mapping: one op = one slice (BEGIN + END packets)
 * with a category, 8 typed annotations (one nested dict, three interned string values) and a flow,
 * on a trace of {@value #SLICES} slices over 20 thread tracks, interning tables starting empty as
 * for every real trace, with absolute and delta timestamps. Run with {@code -prof gc} for the
 * allocation per slice.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PerfettoWriterBenchmark {
  static final int SLICES = 1000;
  private static final long T0 = 1_750_000_000_000_000_000L;

  @Param({"ABSOLUTE", "DELTA"})
  public TimestampEncoding encoding;

  private final List<EventArgs> args = new ArrayList<>();
  private final String[] names = new String[50];
  private final long[] threads = new long[20];
  private final Sink sink = new Sink();

  @Setup
  public void setUp() {
    String[] methods = {"GET", "POST", "PUT"};
    for (int t = 0; t < threads.length; t++) {
      threads[t] = Track.uuidOf("svc-" + t % 3 + "/thread/" + t);
    }
    for (int i = 0; i < names.length; i++) {
      names[i] = "svc-" + (i % 12) + " /api/v1/resource/" + i;
    }
    for (int i = 0; i < SLICES; i++) {
      args.add(EventArgs.builder().category(i % 2 == 0 ? "server" : "client")
          .annotate(Annotation.of("span_id", Long.toHexString(0x9e3779b97f4a7c15L * (i + 1))))
          .annotate(Annotation.interned("http.method", methods[i % 3]))
          .annotate(Annotation.of("http.status_code", 200L + i % 5))
          .annotate(Annotation.of("retry", i % 7 == 0))
          .annotate(Annotation.of("weight", i * 0.5))
          .annotate(Annotation.dict("resource", List.of(
              Annotation.interned("service.name", "svc-" + (i % 12)),
              Annotation.interned("host.name", "host-" + (i % 4)),
              Annotation.array("ports", List.of(AnnotationValue.of(8080L),
                  AnnotationValue.of(9090L))))))
          .flow(i / 2 + 1)
          .build());
    }
  }

  @Benchmark
  @OperationsPerInvocation(SLICES)
  public long slicesWithAnnotations() throws IOException {
    sink.count = 0;
    PerfettoWriter w = new PerfettoWriter(sink, 1, encoding);
    for (int t = 0; t < 20; t++) {
      w.describe(Track.thread(threads[t], 100 + t % 3, t + 1, "worker-" + t), T0);
    }
    for (int i = 0; i < SLICES; i++) {
      long track = threads[i % threads.length];
      long ts = T0 + i * 1_000L;
      w.beginSlice(track, ts, names[i % names.length], args.get(i));
      w.endSlice(track, ts + 500);
    }
    w.flush();
    return sink.count;
  }

  @Benchmark
  @OperationsPerInvocation(SLICES)
  public long counterValues() throws IOException {
    sink.count = 0;
    PerfettoWriter w = new PerfettoWriter(sink, 1, encoding);
    long counter = Track.uuidOf("svc-0/in-flight");
    w.describe(Track.counter(counter, "in flight", Counter.plain()));
    for (int i = 0; i < SLICES; i++) {
      w.counter(counter, T0 + i * 1_000L, (long) i);
    }
    w.flush();
    return sink.count;
  }

  /** Counts and drops bytes: the benchmark measures encoding, not copies. */
  static final class Sink extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }
}
