package io.traceroll.perfetto;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** String fields against protobuf's encoder, whatever the characters and the length. */
class WireBufferTest {

  @Provide
  Arbitrary<String> strings() {
    // ASCII, Latin-1, other scripts, emoji and unpaired surrogates; lengths across the
    // one-byte length limit (127/128) where the encoder changes paths
    return Arbitraries.oneOf(
        Arbitraries.strings().ascii().ofMaxLength(300),
        Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(300),
        Arbitraries.strings().all().ofMaxLength(300));
  }

  @Property(tries = 500)
  void shouldWriteAnyStringRangeAsProtobufWritesTheWellFormedSubstring(
      @ForAll("strings") String s, @ForAll @IntRange(min = 0, max = 300) int a,
      @ForAll @IntRange(min = 0, max = 300) int b) throws IOException {
    int from = Math.min(Math.min(a, b), s.length());
    int to = Math.min(Math.max(a, b), s.length());
    WireBuffer buffer = new WireBuffer(4);
    buffer.varintField(1, 7); // something before, so the field does not start at 0

    buffer.stringField(Fields.Annotation.STRING_VALUE, s, from, to);

    assertThat(Arrays.copyOf(buffer.buf, buffer.pos))
        .isEqualTo(protobuf(WellFormed.utf16(s.substring(from, to))));
  }

  @Test
  void shouldWriteNonAsciiStringsOfEveryShortLengthAsProtobufDoes() throws IOException {
    for (int n = 0; n < 140; n++) {
      String ascii = "x".repeat(n);
      for (String s : new String[] {ascii, ascii + "\u00e9", "\u4e2d" + ascii, ascii + "\ud800"}) {
        WireBuffer buffer = new WireBuffer(1);
        buffer.varintField(1, 7);
        buffer.stringField(Fields.Annotation.STRING_VALUE, s);

        assertThat(Arrays.copyOf(buffer.buf, buffer.pos)).as("length %d: %s", n, s)
            .isEqualTo(protobuf(WellFormed.utf16(s)));
      }
    }
  }

  @Property(tries = 500)
  void shouldWriteAnIidStringEntryAsTheGeneralCallsDo(@ForAll("strings") String s,
      @ForAll @IntRange(min = 1, max = 300) int field,
      @ForAll @IntRange(min = 1, max = 15) int valueField, @ForAll long iid) {
    WireBuffer general = new WireBuffer(4);
    general.varintField(1, 7);
    int m = general.begin(field);
    general.varintField(1, iid);
    general.stringField(valueField, s);
    general.end(m);
    WireBuffer fused = new WireBuffer(4);
    fused.varintField(1, 7);

    fused.iidStringEntry(field, iid, valueField, s);

    assertThat(Arrays.copyOf(fused.buf, fused.pos))
        .isEqualTo(Arrays.copyOf(general.buf, general.pos));
  }

  @Test
  void shouldWriteIidStringEntriesOfEveryShortLengthAsProtobufDoes() throws IOException {
    for (int n = 0; n < 140; n++) {
      String ascii = "x".repeat(n);
      for (String s : new String[] {ascii, ascii + "\u00e9", "\u4e2d" + ascii, ascii + "\ud800"}) {
        for (long iid : new long[] {1, 300, Long.MAX_VALUE, -1}) {
          WireBuffer buffer = new WireBuffer(1);

          buffer.iidStringEntry(Fields.Annotation.DICT_ENTRIES, iid,
              Fields.Annotation.STRING_VALUE, s);

          ByteArrayOutputStream entry = new ByteArrayOutputStream();
          CodedOutputStream out = CodedOutputStream.newInstance(entry);
          out.writeUInt64(Fields.Annotation.NAME_IID, iid);
          out.writeString(Fields.Annotation.STRING_VALUE, WellFormed.utf16(s));
          out.flush();
          ByteArrayOutputStream expected = new ByteArrayOutputStream();
          CodedOutputStream framed = CodedOutputStream.newInstance(expected);
          framed.writeByteArray(Fields.Annotation.DICT_ENTRIES, entry.toByteArray());
          framed.flush();
          assertThat(Arrays.copyOf(buffer.buf, buffer.pos)).as("length %d, iid %d: %s", n, iid, s)
              .isEqualTo(expected.toByteArray());
        }
      }
    }
  }

  private static byte[] protobuf(String s) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeUInt64(1, 7);
    out.writeString(Fields.Annotation.STRING_VALUE, s);
    out.flush();
    return bytes.toByteArray();
  }
}
