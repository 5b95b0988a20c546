package io.traceroll.serdes.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.traceroll.serdes.SpanArbitraries;
import io.traceroll.serdes.avro.AvroSpanBodies;
import io.traceroll.span.Attribute;
import io.traceroll.span.Span;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class SpanChunkTest {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private final SpanChunkSerde serde = new SpanChunkSerde();

  @Provide
  Arbitrary<List<Span>> anySpans() {
    return SpanArbitraries.spans().list().ofMinSize(1).ofMaxSize(12);
  }

  @Property(tries = 300)
  void shouldRoundTripEverySpanOfAnyChunkInOrder(
      @ForAll("anySpans") List<Span> spans) throws IOException {
    SpanChunk chunk = SpanChunk.of(spans);

    SpanChunk read = serde.deserialize("repartition", serde.serialize("repartition", chunk));

    assertThat(read.spans()).containsExactlyElementsOf(spans);
    assertThat(read.count()).isEqualTo(spans.size());
  }

  @Property(tries = 300)
  void shouldSummariseRootAndEndTimesInTheHeaderAsTheSpansSay(
      @ForAll("anySpans") List<Span> spans) throws IOException {
    SpanChunk read = SpanChunk.parse(SpanChunk.of(spans).bytes());

    List<Span> roots = spans.stream().filter(Span::isRoot).toList();
    assertThat(read.hasRoot()).isEqualTo(!roots.isEmpty());
    assertThat(read.rootEndNanos()).isEqualTo(
        roots.stream().mapToLong(Span::endNanos).max().orElse(0));
    assertThat(read.maxEndNanos())
        .isEqualTo(spans.stream().mapToLong(Span::endNanos).max().getAsLong());
  }

  @Test
  void shouldCarryTheSameSpanBodiesTheSingleSpanStoreFormatHolds() {
    Span span = span("00f067aa0ba902b7", null, 5);
    byte[] single = new SpanSerde().serialize("store", span);
    byte[] chunk = SpanChunk.of(List.of(span)).bytes();

    byte[] body = Arrays.copyOfRange(single, 1, single.length);
    assertThat(Arrays.copyOfRange(chunk, chunk.length - body.length, chunk.length))
        .isEqualTo(body);
    assertThat(body).isEqualTo(AvroSpanBodies.write(span));
  }

  /** Stores written before chunks existed hold one version-1 span per value. */
  @Test
  void shouldReadVersionOneStoredSpansAndChunksAlike() throws IOException {
    Span a = span("00f067aa0ba902b7", null, 5);
    Span b = span("00f067aa0ba902b8", "00f067aa0ba902b7", 4);
    List<Span> out = new ArrayList<>();

    SpanChunk.readSpans(new SpanSerde().serialize("store", a), out);
    SpanChunk.readSpans(SpanChunk.of(List.of(b, a)).bytes(), out);

    assertThat(out).containsExactly(a, b, a);
  }

  @Property(tries = 200)
  void shouldSplitSpansIntoChunksUnderTheSizeLimitKeepingTheirOrder(
      @ForAll("anySpans") List<Span> spans) throws IOException {
    int limit = 600;

    List<SpanChunk> chunks = SpanChunk.chunks(spans, limit);

    List<Span> read = new ArrayList<>();
    for (SpanChunk c : chunks) {
      read.addAll(SpanChunk.parse(c.bytes()).spans());
      assertThat(c.bytes().length <= limit || c.count() == 1)
          .as("a chunk over the limit holds one span").isTrue();
    }
    assertThat(read).containsExactlyElementsOf(spans);
    assertThat(chunks).extracting(SpanChunk::count).allMatch(n -> n >= 1);
  }

  @Test
  void shouldRejectAnEmptyChunk() {
    assertThatThrownBy(() -> SpanChunk.of(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldRejectEveryTruncationOfAChunkLoudly() {
    byte[] bytes = SpanChunk.of(List.of(span("00f067aa0ba902b7", null, 5),
        span("00f067aa0ba902b8", "00f067aa0ba902b7", 4))).bytes();

    for (int n = 0; n < bytes.length; n++) {
      byte[] cut = Arrays.copyOf(bytes, n);
      assertThatThrownBy(() -> serde.deserialize("repartition", cut))
          .as("truncated to %d bytes", n)
          .isInstanceOf(SerializationException.class).hasMessageContaining("span chunk");
    }
  }

  @Test
  void shouldRejectTrailingBytesAndForeignVersions() {
    byte[] bytes = SpanChunk.of(List.of(span("00f067aa0ba902b7", null, 5))).bytes();
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    byte[] foreign = bytes.clone();
    foreign[0] = 7;

    assertThatThrownBy(() -> serde.deserialize("t", longer))
        .isInstanceOf(SerializationException.class).hasMessageContaining("after the last span");
    assertThatThrownBy(() -> serde.deserialize("t", foreign))
        .isInstanceOf(SerializationException.class).hasMessageContaining("format version 7");
    assertThatThrownBy(() -> SpanChunk.readSpans(foreign, new ArrayList<>()))
        .isInstanceOf(IOException.class).hasMessageContaining("format version 7");
  }

  /** One resource list instance shared by many spans is written once per chunk, then copied. */
  @Test
  void shouldWriteASharedResourceListExactlyAsSeparateEqualLists() throws IOException {
    List<Attribute> shared = List.of(Attribute.of("service.name", "svc"),
        Attribute.of("host.name", "node-1"), Attribute.of("process.pid", 7L));
    List<Span> sharing = new ArrayList<>();
    List<Span> separate = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Span s = span("00f067aa0ba902b" + i, i == 0 ? null : "00f067aa0ba902b0", 5 + i);
      sharing.add(withResource(s, shared));
      separate.add(withResource(s, new ArrayList<>(shared)));
    }

    byte[] bytes = SpanChunk.of(sharing).bytes();
    List<Span> read = new ArrayList<>();
    SpanChunk.readSpans(bytes, read);

    assertThat(bytes).isEqualTo(SpanChunk.of(separate).bytes());
    assertThat(read).containsExactlyElementsOf(sharing);
    // equal resources read back as one list, as they were written
    assertThat(read.get(4).resourceAttributes()).isSameAs(read.get(1).resourceAttributes());
  }

  /** The encoder's scratch buffer grows for a span of megabytes and still writes it exactly. */
  @Test
  void shouldRoundTripASpanLargerThanTheEncodersScratchBuffer() throws IOException {
    String huge = "x".repeat(3 * 1024 * 1024);
    Span big = Span.builder().traceId(TRACE).spanId("00f067aa0ba902b7").serviceName("svc")
        .name("op").startNanos(1).endNanos(2)
        .attributes(List.of(Attribute.of("payload", huge))).build();
    Span small = span("00f067aa0ba902b8", "00f067aa0ba902b7", 4);

    List<Span> read = new ArrayList<>();
    SpanChunk.readSpans(SpanChunk.of(List.of(small, big, small)).bytes(), read);
    SpanChunk.readSpans(SpanChunk.of(List.of(small)).bytes(), read);

    assertThat(read).containsExactly(small, big, small, small);
    assertThat(new SpanSerde().serialize("store", small)).isEqualTo(
        new SpanSerde().serialize("store", read.get(3)));
  }

  private static Span withResource(Span s, List<Attribute> resource) {
    return new Span(s.traceId(), s.spanId(), s.parentSpanId(), s.traceKey(), s.serviceName(),
        s.serviceInstance(), s.pid(), s.tid(), s.threadName(), s.name(), s.kind(), s.startNanos(),
        s.endNanos(), s.statusCode(), s.statusMessage(), s.attributes(), s.events(), s.links(),
        resource, s.marks());
  }

  @Test
  void shouldMapNullToNullBothWays() {
    assertThat(serde.serialize("t", null)).isNull();
    assertThat(serde.deserialize("t", null)).isNull();
  }

  private static Span span(String id, String parent, long end) {
    return Span.builder().traceId(TRACE).spanId(id).parentSpanId(parent).serviceName("svc")
        .name("op").startNanos(1).endNanos(end).build();
  }
}
