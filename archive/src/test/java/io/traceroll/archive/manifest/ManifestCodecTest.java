package io.traceroll.archive.manifest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.traceroll.archive.ManifestEntry;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ManifestCodecTest {

  static ManifestEntry entry(String key, int part, long start) {
    return new ManifestEntry(key, part, "p/traces/00/" + key + "/part-0000" + part + ".pftrace.gz",
        start, start + 1_000_000, 12, List.of("api", "db"), "GET /orders", 1, 2048, false,
        List.of("4bf92f3577b34da6a3ce929d0e0e4736"));
  }

  @Test
  void shouldWriteOneAsciiJsonObjectPerLine() {
    byte[] bytes = ManifestCodec.encode(List.of(entry("a", 0, 1), entry("b\u00e9\ud800", 1, 2)));
    String text = new String(bytes, UTF_8);

    assertThat(text).endsWith("\n");
    assertThat(text.split("\n")).hasSize(2);
    assertThat(text.chars().allMatch(c -> c < 0x80)).isTrue();
    assertThat(text.split("\n")[0]).startsWith("{\"v\":1,\"traceKey\":\"a\",\"part\":0,");
  }

  @Property(tries = 300)
  void shouldRoundTripEveryEntry(@ForAll("entries") ManifestEntry e) {
    String line = new String(ManifestCodec.encode(List.of(e)), UTF_8).strip();

    assertThat(ManifestCodec.decodeLine(line)).isEqualTo(e);
  }

  @Test
  void shouldSkipUnknownFieldsFromNewerWriters() {
    String line = "{\"v\":1,\"extra\":{\"nested\":[1,2]},\"traceKey\":\"k\",\"part\":2,"
        + "\"objectKey\":\"o\",\"startNanos\":5,\"endNanos\":6}";

    ManifestEntry e = ManifestCodec.decodeLine(line);

    assertThat(e.traceKey()).isEqualTo("k");
    assertThat(e.part()).isEqualTo(2);
    assertThat(e.services()).isEmpty();
    assertThat(e.rootSpanName()).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "[]", "{", "not json", "{\"traceKey\":\"k\"}",
      "{\"v\":2,\"traceKey\":\"k\",\"part\":0,\"objectKey\":\"o\",\"startNanos\":1,\"endNanos\":2}",
      "{\"traceKey\":1,\"part\":0,\"objectKey\":\"o\",\"startNanos\":1,\"endNanos\":2}",
      "{\"traceKey\":\"k\",\"part\":-1,\"objectKey\":\"o\",\"startNanos\":1,\"endNanos\":2}",
      "{\"traceKey\":\"k\",\"part\":0,\"objectKey\":\"o\",\"startNanos\":1e3,\"endNanos\":2}",
      "{\"traceKey\":\"k\",\"part\":0,\"objectKey\":\"o\",\"startNanos\":1,\"endNanos\":2,"
          + "\"bytes\":-5}",
      "{\"traceKey\":\"k\",\"part\":0,\"objectKey\":\"o\",\"startNanos\":99999999999999999999,"
          + "\"endNanos\":2}",
      "{\"traceKey\":\"k\",\"part\":0,\"objectKey\":\"o\",\"startNanos\":1,\"endNanos\":2,"
          + "\"services\":[1]}",
      "{\"traceKey\":\"k\",\"part\":0,\"objectKey\":\"o\",\"startNanos\":1,\"endNanos\":2} {}"})
  void shouldRejectMalformedLinesWithAReason(String line) {
    assertThatThrownBy(() -> ManifestCodec.decodeLine(line))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(e.getMessage()).isNotBlank());
  }

  @Provide
  Arbitrary<ManifestEntry> entries() {
    Arbitrary<String> text = Arbitraries.strings().all().ofMaxLength(30);
    Arbitrary<List<String>> texts = text.list().ofMaxSize(4);
    Arbitrary<Long> nanos = Arbitraries.longs();
    Arbitrary<Integer> counts = Arbitraries.integers().greaterOrEqual(0);
    return Combinators.combine(text, counts, text, nanos, nanos, counts, texts,
        text.injectNull(0.3)).flatAs((key, part, obj, start, end, spans, services, root) ->
            Combinators.combine(counts, Arbitraries.longs().greaterOrEqual(0),
                Arbitraries.of(true, false), texts)
                .as((errors, bytes, late, ids) -> new ManifestEntry(key, part, obj, start, end,
                    spans, services, root, errors, bytes, late, ids)));
  }
}
