package io.traceroll.bench;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Status;
import io.traceroll.serdes.otlp.OtlpEncoder;
import io.traceroll.serdes.zipkin.ZipkinJsonEncoder;
import io.traceroll.span.AttributeValue;
import io.traceroll.span.Span;
import io.traceroll.span.SpanEvent;
import io.traceroll.span.TestSpans;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encode throughput in spans per second on one thread for one exporter batch of {@value #SPANS}
 * realistic spans: the hand-written OTLP protobuf writer against the same message built with the
 * generated classes (what it replaces), OTLP JSON and Zipkin JSON. The generator publishes through
 * these, so they bound how much load one core can offer the topology.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar SpanEncodeBenchmark -f 1 -wi 2 -i 3}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@OperationsPerInvocation(SpanEncodeBenchmark.SPANS)
public class SpanEncodeBenchmark {
  static final int SPANS = 100;

  private List<Span> spans;

  @Setup(Level.Trial)
  public void setUp() {
    spans = TestSpans.request(SPANS, 42);
    // a baseline that writes other bytes would measure the wrong thing
    if (!Arrays.equals(otlpProtoHandWritten(), otlpProtoGeneratedClasses())) {
      throw new IllegalStateException("hand-written and generated OTLP bytes differ");
    }
  }

  @Benchmark
  public byte[] otlpProtoHandWritten() {
    return OtlpEncoder.toProto(spans);
  }

  @Benchmark
  public byte[] otlpProtoGeneratedClasses() {
    Map<List<Object>, ResourceSpans.Builder> groups = new LinkedHashMap<>();
    for (Span s : spans) {
      ResourceSpans.Builder rs = groups.computeIfAbsent(List.of(s.serviceName(),
          String.valueOf(s.serviceInstance()), s.pid(), s.resourceAttributes()), k -> {
            Resource.Builder r = Resource.newBuilder();
            if (s.serviceInstance() != null) {
              r.addAttributes(kv("service.instance.id", string(s.serviceInstance())));
            }
            if (s.pid() != 0) {
              r.addAttributes(kv("process.pid", AnyValue.newBuilder().setIntValue(s.pid())
                  .build()));
            }
            s.resourceAttributes().forEach(a -> r.addAttributes(kv(a.key(), any(a.value()))));
            return ResourceSpans.newBuilder().setResource(r).addScopeSpans(ScopeSpans.newBuilder());
          });
      var b = io.opentelemetry.proto.trace.v1.Span.newBuilder()
          .setTraceId(id(s.traceId())).setSpanId(id(s.spanId())).setName(s.name())
          .setKindValue(s.kind().ordinal())
          .setStartTimeUnixNano(s.startNanos()).setEndTimeUnixNano(s.endNanos());
      if (s.parentSpanId() != null) {
        b.setParentSpanId(id(s.parentSpanId()));
      }
      if (s.tid() != 0) {
        b.addAttributes(kv("thread.id", AnyValue.newBuilder().setIntValue(s.tid()).build()));
      }
      if (s.threadName() != null) {
        b.addAttributes(kv("thread.name", string(s.threadName())));
      }
      s.attributes().forEach(a -> b.addAttributes(kv(a.key(), any(a.value()))));
      for (SpanEvent e : s.events()) {
        var eb = io.opentelemetry.proto.trace.v1.Span.Event.newBuilder()
            .setTimeUnixNano(e.timeNanos()).setName(e.name());
        e.attributes().forEach(a -> eb.addAttributes(kv(a.key(), any(a.value()))));
        b.addEvents(eb);
      }
      if (s.statusCode().ordinal() != 0
          || (s.statusMessage() != null && !s.statusMessage().isEmpty())) {
        Status.Builder st = Status.newBuilder().setCodeValue(s.statusCode().ordinal());
        if (s.statusMessage() != null) {
          st.setMessage(s.statusMessage());
        }
        b.setStatus(st);
      }
      rs.getScopeSpansBuilder(0).addSpans(b);
    }
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    groups.values().forEach(request::addResourceSpans);
    return request.build().toByteArray();
  }

  @Benchmark
  public byte[] otlpJson() {
    return OtlpEncoder.toJson(spans);
  }

  @Benchmark
  public byte[] zipkinJson() {
    return ZipkinJsonEncoder.toJson(spans);
  }

  private static KeyValue kv(String key, AnyValue value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }

  private static AnyValue string(String s) {
    return AnyValue.newBuilder().setStringValue(s).build();
  }

  /** The value types TestSpans produces. */
  private static AnyValue any(AttributeValue v) {
    if (v instanceof AttributeValue.StringValue s) {
      return string(s.value());
    } else if (v instanceof AttributeValue.LongValue l) {
      return AnyValue.newBuilder().setIntValue(l.value()).build();
    } else if (v instanceof AttributeValue.DoubleValue d) {
      return AnyValue.newBuilder().setDoubleValue(d.value()).build();
    } else if (v instanceof AttributeValue.BoolValue b) {
      return AnyValue.newBuilder().setBoolValue(b.value()).build();
    } else if (v instanceof AttributeValue.ArrayValue arr) {
      ArrayValue.Builder a = ArrayValue.newBuilder();
      arr.values().forEach(e -> a.addValues(any(e)));
      return AnyValue.newBuilder().setArrayValue(a).build();
    }
    throw new IllegalArgumentException("not in TestSpans: " + v);
  }

  private static ByteString id(String hex) {
    return ByteString.copyFrom(HexFormat.of().parseHex(hex));
  }
}
