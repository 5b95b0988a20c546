package io.traceroll.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class CompressionTest {

  private static final byte[] DATA = sample();

  @Test
  void shouldWriteIdenticalGzipBytesForIdenticalInput() throws IOException {
    byte[] first = compress(Compression.GZIP, DATA);
    byte[] second = compress(Compression.GZIP, DATA);

    assertThat(first).isEqualTo(second);
    // header: magic, deflate, no flags, zero mtime
    assertThat(first).startsWith(0x1f, 0x8b, 8, 0, 0, 0, 0, 0);
  }

  @Test
  void shouldRoundTripThroughWrapAndUnwrap() throws IOException {
    for (Compression c : Compression.values()) {
      byte[] stored = compress(c, DATA);
      byte[] back = c.unwrap(new ByteArrayInputStream(stored)).readAllBytes();
      assertThat(back).as(c.name()).isEqualTo(DATA);
    }
    assertThat(compress(Compression.NONE, DATA)).isEqualTo(DATA);
  }

  @Test
  void shouldWriteTheBytesOfAFreshDeflaterWhenReusingOneOnTheSameThread() throws IOException {
    byte[] other = sample();
    other[5] ^= 1;
    byte[] first = compress(Compression.GZIP, DATA);
    compress(Compression.GZIP, other);

    assertThat(compress(Compression.GZIP, DATA)).isEqualTo(first);
    assertThat(first).isEqualTo(jdkGzip(DATA));
  }

  @Test
  void shouldKeepTwoStreamsOpenOnOneThreadIndependent() throws IOException {
    ByteArrayOutputStream a = new ByteArrayOutputStream();
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (OutputStream outA = Compression.GZIP.wrap(a);
        OutputStream outB = Compression.GZIP.wrap(b)) {
      outA.write(DATA, 0, 100_000);
      outB.write(DATA, 100_000, 100_000);
      outA.write(DATA, 100_000, 100_000);
      outB.write(DATA, 0, 100_000);
    }

    assertThat(Compression.GZIP.unwrap(new ByteArrayInputStream(a.toByteArray())).readAllBytes())
        .isEqualTo(DATA);
    byte[] swapped = new byte[DATA.length];
    System.arraycopy(DATA, 100_000, swapped, 0, 100_000);
    System.arraycopy(DATA, 0, swapped, 100_000, 100_000);
    assertThat(Compression.GZIP.unwrap(new ByteArrayInputStream(b.toByteArray())).readAllBytes())
        .isEqualTo(swapped);
  }

  @Test
  void shouldWriteEachLevelAsTheJdkDoesAndSwitchLevelsOnOneThread() throws IOException {
    byte[] fast = compress(Compression.GZIP, 1, DATA);
    byte[] small = compress(Compression.GZIP, 9, DATA);

    assertThat(fast).isEqualTo(jdkGzip(DATA, 1));
    assertThat(small).isEqualTo(jdkGzip(DATA, 9));
    assertThat(fast.length).isGreaterThan(small.length);
    assertThat(compress(Compression.GZIP, 1, DATA)).isEqualTo(fast);
  }

  @Test
  void shouldKeepAnOpenStreamIntactWhenAnotherLevelOpensOnTheSameThread() throws IOException {
    ByteArrayOutputStream a = new ByteArrayOutputStream();
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (OutputStream outA = Compression.GZIP.wrap(a, 6);
        OutputStream outB = Compression.GZIP.wrap(b, 1)) {
      outA.write(DATA, 0, 100_000);
      outB.write(DATA);
      outA.write(DATA, 100_000, DATA.length - 100_000);
    }

    assertThat(a.toByteArray()).isEqualTo(jdkGzip(DATA, 6));
    assertThat(b.toByteArray()).isEqualTo(jdkGzip(DATA, 1));
  }

  @Test
  void shouldRejectLevelsOutsideOneToNine() {
    assertThatThrownBy(() -> Compression.GZIP.wrap(new ByteArrayOutputStream(), 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 (fastest) to 9");
    assertThatThrownBy(() -> Compression.GZIP.wrap(new ByteArrayOutputStream(), 10))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldReadAnEmptyTraceBack() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Compression.GZIP.wrap(bytes).close();

    assertThat(new GZIPInputStream(new ByteArrayInputStream(bytes.toByteArray())).readAllBytes())
        .isEmpty();
  }

  @Test
  void shouldNameSuffixesAsThePerfettoUiExpects() {
    assertThat(Compression.GZIP.suffix()).isEqualTo(".gz");
    assertThat(Compression.NONE.suffix()).isEmpty();
  }

  @Test
  void shouldParseConfigValuesAndRejectUnknownOnes() {
    assertThat(Compression.parse(" GZIP ")).isEqualTo(Compression.GZIP);
    assertThat(Compression.parse("none")).isEqualTo(Compression.NONE);
    assertThatThrownBy(() -> Compression.parse("zstd")).hasMessageContaining("gzip or none");
  }

  private static byte[] compress(Compression c, byte[] data) throws IOException {
    return compress(c, Compression.DEFAULT_GZIP_LEVEL, data);
  }

  private static byte[] compress(Compression c, int level, byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = c.wrap(bytes, level)) {
      out.write(data, 0, 10);
      out.write(data[10]);
      out.write(data, 11, data.length - 11);
    }
    return bytes.toByteArray();
  }

  /** What the JDK's own gzip writer makes at the same level: the reference for our framing. */
  private static byte[] jdkGzip(byte[] data) throws IOException {
    return jdkGzip(data, Compression.DEFAULT_GZIP_LEVEL);
  }

  private static byte[] jdkGzip(byte[] data, int level) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes) {
      {
        def.setLevel(level);
      }
    }) {
      out.write(data);
    }
    byte[] b = bytes.toByteArray();
    b[9] = (byte) 0xff; // OS byte: "unknown" (what JDK 16+ writes; older JDKs wrote 0)
    return b;
  }

  private static byte[] sample() {
    byte[] b = new byte[200_000];
    Random r = new Random(7);
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (i % 97 == 0 ? r.nextInt() : i % 13);
    }
    return b;
  }
}
