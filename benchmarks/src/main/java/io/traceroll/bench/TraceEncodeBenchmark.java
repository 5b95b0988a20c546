package io.traceroll.bench;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Status;
import io.traceroll.span.Attribute;
import io.traceroll.span.AttributeValue;
import io.traceroll.span.Span;
import io.traceroll.span.SpanEvent;
import io.traceroll.span.SpanLink;
import io.traceroll.span.TestSpans;
import io.traceroll.timeline.RequestTrace;
import io.traceroll.timeline.TimelineOptions;
import io.traceroll.timeline.TimelineWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
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
 * Encoding one realistic 1,000-span, 12-service request ({@link TestSpans}) into a Perfetto trace:
 * the score is spans per second on one core (one op = one span). The setup prints the archive size
 * per span, raw and gzip'd, next to the OTLP {@code ExportTraceServiceRequest} encoding of the same
 * spans with every attribute, event and link (the fidelity the trace keeps); {@link #main} prints
 * just that comparison, for the benchmark's request and three other seeds ({@code main [spans]
 * [seed...]}). The request's seed is a parameter ({@code -p seed=7}); 42 is the reference.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TraceEncodeBenchmark {
  static final int SPANS = 1000;
  static final long[] SIZE_SEEDS = {42, 7, 99, 1234};

  @Param({"42"})
  public long seed;

  private RequestTrace request;
  private TimelineWriter writer;
  private final CountingSink sink = new CountingSink();

  @Setup
  public void setUp() throws IOException {
    request = new RequestTrace("4bf92f3577b34da6a3ce929d0e0e4736", 0,
        TestSpans.request(SPANS, seed), List.of());
    writer = new TimelineWriter(TimelineOptions.defaults());
    System.out.println();
    System.out.println(sizeReport(request));
  }

  @Benchmark
  @OperationsPerInvocation(SPANS)
  public long encode() throws IOException {
    sink.count = 0;
    writer.write(request, sink);
    return sink.count;
  }

  public static void main(String[] args) throws IOException {
    int spans = args.length > 0 ? Integer.parseInt(args[0]) : SPANS;
    long[] seeds = SIZE_SEEDS;
    if (args.length > 1) {
      seeds = new long[args.length - 1];
      for (int i = 1; i < args.length; i++) {
        seeds[i - 1] = Long.parseLong(args[i]);
      }
    }
    for (long s : seeds) {
      System.out.println("seed " + s + ": " + sizeReport(new RequestTrace(
          "4bf92f3577b34da6a3ce929d0e0e4736", 0, TestSpans.request(spans, s), List.of())));
    }
  }

  static String sizeReport(RequestTrace request) throws IOException {
    ByteArrayOutputStream perfetto = new ByteArrayOutputStream();
    new TimelineWriter(TimelineOptions.defaults()).write(request, perfetto);
    byte[] otlp = toOtlp(request.spans()).toByteArray();
    int n = request.spans().size();
    byte[] p = perfetto.toByteArray();
    int perfettoGzip = gzip(p);
    int otlpGzip = gzip(otlp);
    return String.format(
        "sizes for %d spans: perfetto raw %.1f B/span, gzip %.2f B/span; "
            + "OTLP raw %.1f B/span, gzip %.2f B/span; gzip'd perfetto - OTLP %+d B",
        n, p.length / (double) n, perfettoGzip / (double) n, otlp.length / (double) n,
        otlpGzip / (double) n, perfettoGzip - otlpGzip);
  }

  static int gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.size();
  }

  /** OTLP as an SDK exporter sends it: one ResourceSpans per service resource. */
  static ExportTraceServiceRequest toOtlp(List<Span> spans) {
    Map<List<Attribute>, ScopeSpans.Builder> byResource = new LinkedHashMap<>();
    for (Span s : spans) {
      io.opentelemetry.proto.trace.v1.Span.Builder b = io.opentelemetry.proto.trace.v1.Span.newBuilder()
          .setTraceId(hex(s.traceId())).setSpanId(hex(s.spanId()))
          .setName(s.name()).setKindValue(s.kind().ordinal())
          .setStartTimeUnixNano(s.startNanos()).setEndTimeUnixNano(s.endNanos())
          .setStatus(Status.newBuilder().setCodeValue(s.statusCode().ordinal())
              .setMessage(s.statusMessage() == null ? "" : s.statusMessage()));
      if (s.parentSpanId() != null) {
        b.setParentSpanId(hex(s.parentSpanId()));
      }
      for (Attribute a : s.attributes()) {
        b.addAttributes(kv(a));
      }
      if (s.serviceInstance() != null) {
        b.addAttributes(kv(Attribute.of("service.instance.id", s.serviceInstance())));
      }
      if (s.threadName() != null) {
        b.addAttributes(kv(Attribute.of("thread.name", s.threadName())));
        b.addAttributes(kv(Attribute.of("thread.id", s.tid())));
      }
      for (SpanEvent e : s.events()) {
        io.opentelemetry.proto.trace.v1.Span.Event.Builder eb = io.opentelemetry.proto.trace.v1.Span.Event
            .newBuilder().setTimeUnixNano(e.timeNanos()).setName(e.name());
        e.attributes().forEach(a -> eb.addAttributes(kv(a)));
        b.addEvents(eb);
      }
      for (SpanLink l : s.links()) {
        io.opentelemetry.proto.trace.v1.Span.Link.Builder lb = io.opentelemetry.proto.trace.v1.Span.Link
            .newBuilder().setTraceId(hex(l.traceId())).setSpanId(hex(l.spanId()));
        l.attributes().forEach(a -> lb.addAttributes(kv(a)));
        b.addLinks(lb);
      }
      byResource.computeIfAbsent(s.resourceAttributes(), r -> ScopeSpans.newBuilder()).addSpans(b);
    }
    ExportTraceServiceRequest.Builder req = ExportTraceServiceRequest.newBuilder();
    byResource.forEach((resource, scope) -> {
      Resource.Builder rb = Resource.newBuilder();
      resource.forEach(a -> rb.addAttributes(kv(a)));
      req.addResourceSpans(ResourceSpans.newBuilder().setResource(rb).addScopeSpans(scope));
    });
    return req.build();
  }

  private static ByteString hex(String s) {
    return ByteString.copyFrom(HexFormat.of().parseHex(s));
  }

  private static KeyValue kv(Attribute a) {
    return KeyValue.newBuilder().setKey(a.key()).setValue(any(a.value())).build();
  }

  private static AnyValue any(AttributeValue v) {
    if (v instanceof AttributeValue.StringValue s) {
      return AnyValue.newBuilder().setStringValue(s.value()).build();
    } else if (v instanceof AttributeValue.LongValue l) {
      return AnyValue.newBuilder().setIntValue(l.value()).build();
    } else if (v instanceof AttributeValue.DoubleValue d) {
      return AnyValue.newBuilder().setDoubleValue(d.value()).build();
    } else if (v instanceof AttributeValue.BoolValue b) {
      return AnyValue.newBuilder().setBoolValue(b.value()).build();
    } else if (v instanceof AttributeValue.BytesValue b) {
      return AnyValue.newBuilder().setBytesValue(ByteString.copyFrom(b.value())).build();
    } else if (v instanceof AttributeValue.ArrayValue a) {
      ArrayValue.Builder ab = ArrayValue.newBuilder();
      a.values().forEach(e -> ab.addValues(any(e)));
      return AnyValue.newBuilder().setArrayValue(ab).build();
    } else {
      KeyValueList.Builder kb = KeyValueList.newBuilder();
      ((AttributeValue.MapValue) v).entries().forEach(e -> kb.addValues(kv(e)));
      return AnyValue.newBuilder().setKvlistValue(kb).build();
    }
  }

  /** Counts bytes and drops them: the benchmark measures encoding, not memory copies. */
  static final class CountingSink extends OutputStream {
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
