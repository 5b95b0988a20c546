package io.traceroll.bench;

import io.traceroll.serdes.DecodedBatch;
import io.traceroll.serdes.DecoderSettings;
import io.traceroll.serdes.SpanDecodeException;
import io.traceroll.serdes.SpanDecoder;
import io.traceroll.serdes.SpanFormat;
import io.traceroll.serdes.avro.AvroSpanEncoder;
import io.traceroll.serdes.otlp.OtlpEncoder;
import io.traceroll.serdes.zipkin.ZipkinJsonEncoder;
import io.traceroll.span.Span;
import io.traceroll.span.TestSpans;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.internals.RecordHeaders;
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
 * Decode throughput in spans per second on one thread (so per core), for one Kafka record holding
 * {@value #SPANS} realistic spans (TestSpans: 8-16 semantic-convention attributes, 12 services) in
 * each wire format, including sanitising and trace-key extraction, i.e. the whole per-record cost
 * of the ingest stage before Kafka Streams. Target: 500k spans/s/core for OTLP protobuf and Avro.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar DecodeBenchmark -f 1 -wi 2 -i 3}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@OperationsPerInvocation(DecodeBenchmark.SPANS)
public class DecodeBenchmark {
  static final int SPANS = 100;
  /** Requests {@link #otlpProtoDistinct} cycles through: more than any decoder cache holds. */
  static final int DISTINCT = 64;

  private final RecordHeaders headers = new RecordHeaders();
  private byte[] otlpProto;
  private byte[][] otlpProtoDistinct;
  private int next;
  private byte[] otlpJson;
  private byte[] zipkinJson;
  private byte[] avro;
  private SpanDecoder otlpProtoDecoder;
  private SpanDecoder otlpJsonDecoder;
  private SpanDecoder zipkinDecoder;
  private SpanDecoder avroDecoder;

  @Setup(Level.Trial)
  public void setUp() throws SpanDecodeException {
    List<Span> spans = TestSpans.request(SPANS, 42);
    otlpProto = OtlpEncoder.toProto(spans);
    otlpProtoDistinct = new byte[DISTINCT][];
    for (int i = 0; i < DISTINCT; i++) {
      otlpProtoDistinct[i] = OtlpEncoder.toProto(TestSpans.request(SPANS, 1000 + i));
    }
    otlpJson = OtlpEncoder.toJson(spans);
    zipkinJson = ZipkinJsonEncoder.toJson(spans);
    avro = AvroSpanEncoder.encodeBatch(spans);
    DecoderSettings settings = DecoderSettings.defaults();
    otlpProtoDecoder = SpanFormat.OTLP_PROTO.decoder(settings);
    otlpJsonDecoder = SpanFormat.OTLP_JSON.decoder(settings);
    zipkinDecoder = SpanFormat.ZIPKIN_JSON.decoder(settings);
    avroDecoder = SpanFormat.AVRO.decoder(settings);
    // Fail fast if a payload does not decode fully: a benchmark of rejected input means nothing.
    for (SpanDecoder d : List.of(otlpProtoDecoder, otlpJsonDecoder, zipkinDecoder, avroDecoder)) {
      byte[] payload = d == otlpProtoDecoder ? otlpProto : d == otlpJsonDecoder ? otlpJson
          : d == zipkinDecoder ? zipkinJson : avro;
      DecodedBatch batch = d.decode(payload, headers);
      if (batch.spans().size() != SPANS || !batch.invalid().isEmpty()) {
        throw new IllegalStateException(d.getClass().getSimpleName() + " decoded "
            + batch.spans().size() + " spans, " + batch.invalid().size() + " invalid");
      }
    }
  }

  @Benchmark
  public DecodedBatch otlpProto() throws SpanDecodeException {
    return otlpProtoDecoder.decode(otlpProto, headers);
  }

  /**
   * As {@link #otlpProto}, but each invocation decodes another request (ids and high-cardinality
   * values new each time, as in production), so decoder-side string caches are measured honestly.
   */
  @Benchmark
  public DecodedBatch otlpProtoDistinct() throws SpanDecodeException {
    int i = next;
    next = i + 1 == DISTINCT ? 0 : i + 1;
    return otlpProtoDecoder.decode(otlpProtoDistinct[i], headers);
  }

  @Benchmark
  public DecodedBatch otlpJson() throws SpanDecodeException {
    return otlpJsonDecoder.decode(otlpJson, headers);
  }

  @Benchmark
  public DecodedBatch zipkinJson() throws SpanDecodeException {
    return zipkinDecoder.decode(zipkinJson, headers);
  }

  @Benchmark
  public DecodedBatch avro() throws SpanDecodeException {
    return avroDecoder.decode(avro, headers);
  }
}
