package io.traceroll.serdes.avro;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.serdes.SpanArbitraries;
import io.traceroll.span.Span;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/** The hand-written Avro span codec against Avro's own generated-class codec. */
class AvroSpanCodecTest {

  @Provide
  Arbitrary<Span> anySpan() {
    return SpanArbitraries.spans();
  }

  @Property(tries = 300)
  void shouldWriteExactlyTheBytesAvroSpecificDatumWriterWrites(@ForAll("anySpan") Span span)
      throws IOException {
    assertThat(handWritten(span)).isEqualTo(specificWritten(span));
  }

  @Property(tries = 300)
  void shouldReadBackEveryFieldOfAnySpan(@ForAll("anySpan") Span span) throws IOException {
    byte[] bytes = handWritten(span);
    AvroBytesReader in = new AvroBytesReader().reset(bytes, 0, bytes.length);

    assertThat(AvroSpanReader.readSpan(in)).isEqualTo(span);
    assertThat(in.remaining()).isZero();
  }

  @Property(tries = 200)
  void shouldReadWhatAvroSpecificDatumWriterWrote(@ForAll("anySpan") Span span) throws IOException {
    byte[] bytes = specificWritten(span);
    AvroBytesReader in = new AvroBytesReader().reset(bytes, 0, bytes.length);

    assertThat(AvroSpanReader.readSpan(in)).isEqualTo(span);
  }

  @Property(tries = 200)
  void shouldWriteWhatAvroSpecificDatumReaderReads(@ForAll("anySpan") Span span)
      throws IOException {
    byte[] bytes = handWritten(span);
    io.traceroll.avro.Span read = new SpecificDatumReader<>(io.traceroll.avro.Span.class)
        .read(null, DecoderFactory.get().binaryDecoder(bytes, null));

    assertThat(read).isEqualTo(GeneratedAvro.toAvro(span));
  }

  static byte[] handWritten(Span span) {
    return AvroSpanBodies.write(span);
  }

  /** Any chars at all, lone surrogates included: sizing and writing must still agree. */
  @Property(tries = 1000)
  void shouldEncodeAnyStringExactlyAsAvrosBinaryEncoderDoes(@ForAll String s) throws IOException {
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    BinaryEncoder avro = EncoderFactory.get().binaryEncoder(expected, null);
    avro.writeString(s);
    avro.flush();

    byte[] actual = SpanAvroWriter.encode(new byte[0], out -> out.writeString(s));

    assertThat(actual).isEqualTo(expected.toByteArray());
  }

  @org.junit.jupiter.api.Test
  void shouldEncodeLoneSurrogatesAsQuestionMarksLikeAvroDoes() throws IOException {
    String s = "a\uD800b\uDC00c\uD83D\uDE00" + "x".repeat(30) + "\uDBFF";
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    BinaryEncoder avro = EncoderFactory.get().binaryEncoder(expected, null);
    avro.writeString(s);
    avro.flush();

    assertThat(SpanAvroWriter.encode(new byte[0], out -> out.writeString(s)))
        .isEqualTo(expected.toByteArray());
  }

  private static byte[] specificWritten(Span span) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder out = EncoderFactory.get().binaryEncoder(bytes, null);
    new SpecificDatumWriter<>(io.traceroll.avro.Span.class).write(GeneratedAvro.toAvro(span), out);
    out.flush();
    return bytes.toByteArray();
  }
}
