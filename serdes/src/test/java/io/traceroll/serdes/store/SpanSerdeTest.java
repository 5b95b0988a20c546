package io.traceroll.serdes.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.traceroll.serdes.SpanArbitraries;
import io.traceroll.serdes.avro.AvroSchemas;
import io.traceroll.span.Attribute;
import io.traceroll.span.AttributeValue;
import io.traceroll.span.Mark;
import io.traceroll.span.Span;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class SpanSerdeTest {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private final SpanSerde serde = new SpanSerde();

  @Provide
  Arbitrary<Span> anySpan() {
    return SpanArbitraries.spans();
  }

  @Property(tries = 1000)
  void shouldRoundTripEveryFieldOfAnySpan(@ForAll("anySpan") Span span) {
    assertThat(serde.deserialize("store", serde.serialize("store", span))).isEqualTo(span);
  }

  @Test
  void shouldKeepEmptyStringsDistinctFromAbsentOnes() {
    Span empty = base().parentSpanId("").traceKey("").serviceInstance("").threadName("")
        .statusMessage("").marks(List.of(new Mark("", ""))).build();
    Span absent = base().build();

    assertThat(serde.deserialize("store", serde.serialize("store", empty))).isEqualTo(empty);
    assertThat(serde.deserialize("store", serde.serialize("store", absent))).isEqualTo(absent);
  }

  @Test
  void shouldKeepNanInfinitiesNegativeZeroAndNegativeNumbers() {
    List<Attribute> values = List.of(Attribute.of("nan", Double.NaN),
        Attribute.of("inf", Double.NEGATIVE_INFINITY), Attribute.of("zero", -0.0),
        Attribute.of("neg", Long.MIN_VALUE));
    Span span = base().attributes(values).pid(-1).tid(-2).startNanos(-5).endNanos(-9).build();

    Span read = serde.deserialize("store", serde.serialize("store", span));

    assertThat(read).isEqualTo(span);
    assertThat(((AttributeValue.DoubleValue) read.attributes().get(2).value()).value())
        .hasToString("-0.0");
  }

  /** Changelogs outlive deployments: version 1 must always mean this exact schema. */
  @Test
  void shouldTagTheFormatVersionWhoseSchemaIsPinned() {
    byte[] bytes = serde.serialize("store", base().build());

    assertThat(bytes[0]).isEqualTo(SpanSerde.FORMAT_V1);
    assertThat(String.format("%016x", AvroSchemas.fingerprint(AvroSchemas.SPAN)))
        .as("a new Span schema needs a new store format version byte")
        .isEqualTo("d081b44d775db51a");
  }

  @Test
  void shouldRejectAnUnknownFormatVersion() {
    byte[] bytes = serde.serialize("store", base().build());
    bytes[0] = 2;

    assertThatThrownBy(() -> serde.deserialize("store", bytes))
        .isInstanceOf(SerializationException.class).hasMessageContaining("format version 2");
  }

  @Test
  void shouldRejectTrailingBytes() {
    byte[] bytes = serde.serialize("store", base().build());
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);

    assertThatThrownBy(() -> serde.deserialize("store", longer))
        .isInstanceOf(SerializationException.class).hasMessageContaining("bytes left");
  }

  @Property(tries = 200)
  void shouldRejectEveryTruncationWithKafkasSerializationException(@ForAll("anySpan") Span span) {
    byte[] bytes = serde.serialize("store", span);
    for (int len = 0; len < bytes.length; len++) {
      byte[] cut = Arrays.copyOf(bytes, len);
      assertThatThrownBy(() -> serde.deserialize("store", cut)).as("prefix of %d bytes", len)
          .isInstanceOf(SerializationException.class);
    }
  }

  @Provide
  Arbitrary<byte[]> garbage() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(120)
        .map(b -> {
          byte[] framed = new byte[b.length + 1];
          framed[0] = SpanSerde.FORMAT_V1;
          System.arraycopy(b, 0, framed, 1, b.length);
          return framed;
        });
  }

  @Property(tries = 2000)
  void shouldFailOnCorruptBytesOnlyWithKafkasSerializationException(
      @ForAll("garbage") byte[] bytes) {
    Throwable thrown = catchThrowable(() -> serde.deserialize("store", bytes));

    assertThat(thrown == null || thrown instanceof SerializationException)
        .as("unexpected %s", thrown).isTrue();
  }

  @Test
  void shouldMapNullToNullForTombstones() {
    assertThat(serde.serialize("store", null)).isNull();
    assertThat(serde.deserialize("store", null)).isNull();
  }

  private static Span.Builder base() {
    return Span.builder().traceId(TRACE).spanId("00f067aa0ba902b7").serviceName("checkout")
        .name("GET /cart").startNanos(1_700_000_000_000_000_000L)
        .endNanos(1_700_000_000_250_000_000L);
  }
}
