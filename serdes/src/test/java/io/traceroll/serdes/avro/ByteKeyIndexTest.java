package io.traceroll.serdes.avro;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class ByteKeyIndexTest {

  @Test
  void shouldCacheBytesOnlyTheSecondTimeTheyAreSeen() {
    ByteKeyIndex index = new ByteKeyIndex(64, 128);
    byte[] key = "http.request.method".getBytes(StandardCharsets.US_ASCII);

    assertThat(index.find(key, 0, key.length)).isNegative();
    assertThat(index.admit(key, 0, key.length)).isNegative();
    assertThat(index.find(key, 0, key.length)).isNegative();
    int slot = index.admit(key, 0, key.length);

    assertThat(slot).isNotNegative();
    assertThat(index.find(key, 0, key.length)).isEqualTo(slot);
  }

  @Test
  void shouldNeverCacheEmptyOrOverlongKeys() {
    ByteKeyIndex index = new ByteKeyIndex(64, 8);
    byte[] key = "0123456789".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < 3; i++) {
      assertThat(index.admit(key, 0, key.length)).isNegative();
      assertThat(index.admit(key, 0, 0)).isNegative();
    }
    assertThat(index.find(key, 0, key.length)).isNegative();
  }

  /** Keys anywhere in a buffer (its edges included) are found by content, never by accident. */
  @Property(tries = 2000)
  void shouldFindAKeyOnlyWhenEveryByteMatches(
      @ForAll @Size(min = 1, max = 40) byte[] cached,
      @ForAll @Size(min = 1, max = 40) byte[] other,
      @ForAll @IntRange(min = 0, max = 9) int padding) {
    ByteKeyIndex index = new ByteKeyIndex(2, 128); // one set: every key competes for it
    index.admit(cached, 0, cached.length);
    int slot = index.admit(cached, 0, cached.length);

    byte[] buffer = new byte[padding + other.length + padding];
    System.arraycopy(other, 0, buffer, padding, other.length);
    int found = index.find(buffer, padding, other.length);

    if (Arrays.equals(cached, other)) {
      assertThat(found).isEqualTo(slot);
    } else {
      assertThat(found).isNegative();
    }
  }

  @Property(tries = 500)
  void shouldFindTheSameBytesAtAnyOffset(
      @ForAll @Size(min = 1, max = 128) byte[] key,
      @ForAll @IntRange(min = 0, max = 20) int offset) {
    ByteKeyIndex index = new ByteKeyIndex(16, 128);
    byte[] shifted = new byte[offset + key.length];
    System.arraycopy(key, 0, shifted, offset, key.length);
    index.admit(key, 0, key.length);
    int slot = index.admit(key, 0, key.length);

    assertThat(index.find(shifted, offset, key.length)).isEqualTo(slot);
  }
}
