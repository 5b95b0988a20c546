package io.traceroll.serdes.avro;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.serdes.TraceIds;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class DecodeCacheTest {

  @Test
  void shouldReturnOneInstanceForAsciiTextThatRepeats() {
    DecodeCache cache = new DecodeCache();
    byte[] a = "xx server.address".getBytes(StandardCharsets.US_ASCII);
    byte[] b = "server.address yy".getBytes(StandardCharsets.US_ASCII);

    String first = cache.asciiOrNull(a, 3, 14);
    String second = cache.asciiOrNull(b, 0, 14);
    String third = cache.asciiOrNull(a, 3, 14);

    assertThat(first).isEqualTo("server.address").isEqualTo(second);
    assertThat(third).isSameAs(second);
  }

  @Test
  void shouldLeaveNonAsciiTextToTheCallersOwnDecoder() {
    DecodeCache cache = new DecodeCache();
    byte[] utf8 = "caf\u00e9".getBytes(StandardCharsets.UTF_8);
    byte[] invalid = {'a', (byte) 0xC0, 'b'};

    for (int i = 0; i < 3; i++) {
      assertThat(cache.asciiOrNull(utf8, 0, utf8.length)).isNull();
      assertThat(cache.asciiOrNull(invalid, 0, invalid.length)).isNull();
    }
  }

  @Property(tries = 500)
  void shouldHexEncodeIdsExactlyAsTraceIdsDoes(@ForAll @Size(min = 0, max = 20) byte[] id) {
    DecodeCache cache = new DecodeCache();

    assertThat(cache.hexId(id, 0, id.length)).isEqualTo(TraceIds.toHex(id))
        .isEqualTo(HexFormat.of().formatHex(id));
    assertThat(cache.hexId(id, 0, id.length)).isEqualTo(TraceIds.toHex(id));
  }

  @Test
  void shouldShareTheHexOfARepeatedTraceId() {
    DecodeCache cache = new DecodeCache();
    byte[] trace = HexFormat.of().parseHex("5b8efff798038103d269b633813fc60c");
    byte[] sameSpanBytes = HexFormat.of().parseHex("5b8efff798038103");

    String first = cache.hexId(trace, 0, 16);

    assertThat(cache.hexId(trace.clone(), 0, 16)).isSameAs(first);
    assertThat(cache.hexId(sameSpanBytes, 0, 8)).isEqualTo("5b8efff798038103");
  }
}
