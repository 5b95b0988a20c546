package io.traceroll.bench;

import io.traceroll.serdes.DecodedBatch;
import io.traceroll.serdes.DecoderSettings;
import io.traceroll.serdes.SpanDecodeException;
import io.traceroll.serdes.SpanDecoder;
import io.traceroll.serdes.SpanFormat;
import io.traceroll.serdes.avro.AvroSpanDecoder;
import io.traceroll.serdes.avro.AvroSpanEncoder;
import io.traceroll.serdes.otlp.OtlpEncoder;
import io.traceroll.serdes.store.SpanChunk;
import io.traceroll.serdes.store.SpanSerde;
import io.traceroll.span.Span;
import io.traceroll.span.TestSpans;
import java.io.IOException;
import java.util.ArrayList;
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
  static final int CHUNK_SPANS = 40;
  static final int REQUESTS = 128;

  private final SpanSerde serde = new SpanSerde();
  private final RecordHeaders headers = new RecordHeaders();
  private Span[] spans;
  private byte[][] stored;
  private byte[] avroBatch;
  private AvroSpanDecoder decoder;
  private SpanDecoder otlpDecoder;
  private byte[][] otlpRequests;
  private List<List<Span>> decodedRequests;
  private byte[][] chunks;
  private int next;

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

    // The chunk benchmarks start from what the OTLP decoder hands the topology, not from
    // TestSpans' records: which strings share an instance is the decoder's business.
    otlpDecoder = SpanFormat.OTLP_PROTO.decoder(DecoderSettings.defaults());
    otlpRequests = new byte[REQUESTS][];
    decodedRequests = new ArrayList<>(REQUESTS);
    chunks = new byte[REQUESTS][];
    long chunkBytes = 0;
    for (int i = 0; i < REQUESTS; i++) {
      otlpRequests[i] = OtlpEncoder.toProto(TestSpans.request(CHUNK_SPANS, 1000 + i));
      try {
        DecodedBatch batch = otlpDecoder.decode(otlpRequests[i], headers);
        if (batch.spans().size() != CHUNK_SPANS || !batch.invalid().isEmpty()) {
          throw new IllegalStateException("request " + i + " decoded " + batch.spans().size()
              + " spans, " + batch.invalid().size() + " invalid");
        }
        decodedRequests.add(batch.spans());
        chunks[i] = SpanChunk.of(batch.spans()).bytes();
        chunkBytes += chunks[i].length;
        List<Span> back = new ArrayList<>(CHUNK_SPANS);
        SpanChunk.readSpans(chunks[i], back);
        if (!back.equals(batch.spans())) {
          throw new IllegalStateException("chunk of request " + i + " does not round-trip");
        }
      } catch (SpanDecodeException | IOException e) {
        throw new IllegalStateException(e);
      }
    }
    System.out.printf("chunk bytes/span %.1f%n", chunkBytes / (double) (REQUESTS * CHUNK_SPANS));
  }

  private int nextRequest() {
    int i = next;
    next = i + 1 == REQUESTS ? 0 : i + 1;
    return i;
  }

  @Benchmark
  @OperationsPerInvocation(CHUNK_SPANS)
  public SpanChunk chunkEncode() {
    return SpanChunk.of(decodedRequests.get(nextRequest()));
  }

  @Benchmark
  @OperationsPerInvocation(CHUNK_SPANS)
  public List<Span> chunkDecode() throws IOException {
    List<Span> out = new ArrayList<>(CHUNK_SPANS);
    SpanChunk.readSpans(chunks[nextRequest()], out);
    return out;
  }

  @Benchmark
  @OperationsPerInvocation(CHUNK_SPANS)
  public List<Span> chunkRoundTrip() throws IOException {
    List<Span> out = new ArrayList<>(CHUNK_SPANS);
    SpanChunk.readSpans(SpanChunk.of(decodedRequests.get(nextRequest())).bytes(), out);
    return out;
  }

  /** OTLP decode, chunk encode, chunk decode: all the serdes work the pipeline does per span. */
  @Benchmark
  @OperationsPerInvocation(CHUNK_SPANS)
  public List<Span> otlpChunkPipeline() throws IOException, SpanDecodeException {
    DecodedBatch batch = otlpDecoder.decode(otlpRequests[nextRequest()], headers);
    List<Span> out = new ArrayList<>(CHUNK_SPANS);
    SpanChunk.readSpans(SpanChunk.of(batch.spans()).bytes(), out);
    return out;
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
