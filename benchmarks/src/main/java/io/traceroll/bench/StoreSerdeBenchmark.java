package io.traceroll.bench;

import io.traceroll.serdes.DecodedBatch;
import io.traceroll.serdes.DecoderSettings;
import io.traceroll.serdes.SpanDecodeException;
import io.traceroll.serdes.avro.AvroSpanDecoder;
import io.traceroll.serdes.avro.AvroSpanEncoder;
import io.traceroll.serdes.store.SpanSerde;
import io.traceroll.span.Span;
import io.traceroll.span.TestSpans;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The store serde (spans in state stores, changelogs and repartition topics) and the Avro producer
 * format, on 100 realistic spans ({@link TestSpans}: 8 to 16 attributes and 6 resource attributes
 * each, some with exception events and stack traces). Scores are spans per second on one core
 * (one op = one span); the setup prints bytes per span.
 *
 * <ul>
 *   <li>{@code store*}: {@link SpanSerde} encode, decode and both ({@code storeRoundTrip}, what a
 *       store put followed by a get costs).
 *   <li>{@code avroBatchDecode}: one 100-span {@code SpanBatch} payload through
 *       {@link AvroSpanDecoder} (header, schema lookup, read, sanitize): the producer hot path.
 * </ul>
 *
 * <p>The store format was chosen between this Avro body and a hand-written protobuf message with
 * binary ids by this benchmark's workload: protobuf was 717.8 bytes/span and 316k round trips per
 * CPU-second, Avro 704.6 bytes/span and 393k.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class StoreSerdeBenchmark {
  static final int SPANS = 100;

  private final SpanSerde serde = new SpanSerde();
  private final RecordHeaders headers = new RecordHeaders();
  private Span[] spans;
  private byte[][] stored;
  private byte[] avroBatch;
  private AvroSpanDecoder decoder;

  @Setup
  public void setUp() {
    List<Span> request = TestSpans.request(SPANS, 42);
    spans = request.toArray(new Span[0]);
    stored = new byte[SPANS][];
    long storedBytes = 0;
    for (int i = 0; i < SPANS; i++) {
      stored[i] = serde.serialize("store", spans[i]);
      storedBytes += stored[i].length;
    }
    avroBatch = AvroSpanEncoder.encodeBatch(request);
    decoder = new AvroSpanDecoder(DecoderSettings.defaults());
    System.out.printf("%nbytes/span: store %.1f, avro SpanBatch payload %.1f%n",
        storedBytes / (double) SPANS, avroBatch.length / (double) SPANS);
  }

  @Benchmark
  @OperationsPerInvocation(SPANS)
  public void storeRoundTrip(Blackhole bh) {
    for (Span s : spans) {
      bh.consume(serde.deserialize("store", serde.serialize("store", s)));
    }
  }

  @Benchmark
  @OperationsPerInvocation(SPANS)
  public void storeEncode(Blackhole bh) {
    for (Span s : spans) {
      bh.consume(serde.serialize("store", s));
    }
  }

  @Benchmark
  @OperationsPerInvocation(SPANS)
  public void storeDecode(Blackhole bh) {
    for (byte[] b : stored) {
      bh.consume(serde.deserialize("store", b));
    }
  }

  @Benchmark
  @OperationsPerInvocation(SPANS)
  public DecodedBatch avroBatchDecode() throws SpanDecodeException {
    return decoder.decode(avroBatch, headers);
  }
}
