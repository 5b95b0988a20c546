package io.traceroll.serdes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.traceroll.serdes.avro.AvroSpanEncoder;
import io.traceroll.serdes.otlp.OtlpEncoder;
import io.traceroll.serdes.zipkin.ZipkinJsonEncoder;
import io.traceroll.span.Span;
import io.traceroll.span.TestSpans;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Every decoder, fed garbage, must answer with a batch or a {@link SpanDecodeException}: any other
 * exception would crash a stream thread, a hang would stall a partition. Inputs are random bytes,
 * valid payloads of every format with bytes flipped, cut or spliced, random JSON trees, and valid
 * JSON with values replaced by random trees (the wrong-type paths). Each format's payloads also go
 * to every other decoder, since a misconfigured topic does exactly that.
 *
 * <p>jqwik has no timeout of its own, so each decode runs under a preemptive 10 s limit.
 */
class DecoderFuzzTest {
  private static final Duration LIMIT = Duration.ofSeconds(10);
  private static final Map<SpanFormat, SpanDecoder> DECODERS = new EnumMap<>(SpanFormat.class);
  private static final List<byte[]> SEEDS = new ArrayList<>();
  private static final List<String> JSON_SEEDS = new ArrayList<>();

  static {
    for (SpanFormat f : SpanFormat.values()) {
      DECODERS.put(f, f.decoder(DecoderSettings.defaults()));
    }
    List<Span> spans = TestSpans.request(6, 7);
    SEEDS.add(OtlpEncoder.toProto(spans));
    SEEDS.add(AvroSpanEncoder.encodeBatch(spans));
    SEEDS.add(AvroSpanEncoder.encodeSpan(spans.get(0)));
    JSON_SEEDS.add(new String(OtlpEncoder.toJson(spans), StandardCharsets.UTF_8));
    JSON_SEEDS.add(new String(ZipkinJsonEncoder.toJson(spans), StandardCharsets.UTF_8));
    for (String json : JSON_SEEDS) {
      SEEDS.add(json.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Property(tries = 1500, shrinking = ShrinkingMode.OFF)
  void shouldSurviveRandomBytes(@ForAll SpanFormat format,
      @ForAll("randomBytes") byte[] payload) {
    assertDecodesOrRejects(format, payload);
  }

  @Property(tries = 2000, shrinking = ShrinkingMode.OFF)
  void shouldSurviveMutatedValidPayloads(@ForAll SpanFormat format,
      @ForAll("mutatedPayloads") byte[] payload) {
    assertDecodesOrRejects(format, payload);
  }

  @Property(tries = 1000, shrinking = ShrinkingMode.OFF)
  void shouldSurviveRandomJsonTrees(@ForAll SpanFormat format, @ForAll("jsonTrees") String json) {
    assertDecodesOrRejects(format, json.getBytes(StandardCharsets.UTF_8));
  }

  @Property(tries = 1500, shrinking = ShrinkingMode.OFF)
  void shouldSurviveValidJsonWithValuesReplacedByRandomTrees(@ForAll SpanFormat format,
      @ForAll("jsonWithForeignValues") String json) {
    assertDecodesOrRejects(format, json.getBytes(StandardCharsets.UTF_8));
  }

  private static void assertDecodesOrRejects(SpanFormat format, byte[] payload) {
    SpanDecoder decoder = DECODERS.get(format);
    assertTimeoutPreemptively(LIMIT, () -> {
      try {
        DecodedBatch batch = decoder.decode(payload, new RecordHeaders());
        // What is kept must be usable downstream: normalised ids, never a half-valid span.
        for (Span s : batch.spans()) {
          assertThat(TraceIds.isNormalisedTraceId(s.traceId())).as(s.traceId()).isTrue();
          assertThat(TraceIds.isNormalisedSpanId(s.spanId())).as(s.spanId()).isTrue();
          assertThat(s.parentSpanId() == null || TraceIds.isNormalisedSpanId(s.parentSpanId()))
              .isTrue();
        }
        for (DecodedBatch.InvalidSpan inv : batch.invalid()) {
          assertThat(inv.reason()).isNotBlank();
        }
      } catch (SpanDecodeException e) {
        assertThat(e.reason()).isNotBlank();
      }
    }, () -> format + " did not finish within " + LIMIT);
  }

  @Provide
  Arbitrary<byte[]> randomBytes() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(2048);
  }

  @Provide
  Arbitrary<byte[]> mutatedPayloads() {
    return Combinators.combine(Arbitraries.of(SEEDS), Arbitraries.of(SEEDS),
            Arbitraries.integers().between(0, 3), Arbitraries.longs())
        .as((seed, other, how, rnd) -> PayloadMutations.mutate(seed, other, how, new Random(rnd)));
  }

  @Provide
  Arbitrary<String> jsonTrees() {
    return jsonValue(4);
  }

  private static Arbitrary<String> jsonValue(int depth) {
    Arbitrary<String> scalar = Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(20).map(DecoderFuzzTest::quote),
        Arbitraries.longs().map(String::valueOf),
        Arbitraries.doubles().map(String::valueOf),
        Arbitraries.of("true", "false", "null", "\"NaN\"", "\"-Infinity\"",
            "18446744073709551615", "1e400", "-0", "\"\"", "\"5b8efff798038103d269b633813fc60c\""));
    if (depth == 0) {
      return scalar;
    }
    Arbitrary<String> array = jsonValue(depth - 1).list().ofMaxSize(4)
        .map(l -> "[" + String.join(",", l) + "]");
    Arbitrary<String> key = Arbitraries.of("resourceSpans", "scopeSpans", "spans", "traceId",
        "spanId", "id", "parentId", "name", "kind", "timestamp", "duration", "attributes", "key",
        "value", "stringValue", "intValue", "doubleValue", "bytesValue", "arrayValue",
        "kvlistValue", "values", "tags", "annotations", "localEndpoint", "remoteEndpoint",
        "status", "code", "events", "links", "resource", "x");
    Arbitrary<String> object = Combinators.combine(key, jsonValue(depth - 1))
        .as((k, v) -> quote(k) + ":" + v).list().ofMaxSize(4)
        .map(l -> "{" + String.join(",", l) + "}");
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(2, scalar), net.jqwik.api.Tuple.of(3, array),
        net.jqwik.api.Tuple.of(4, object));
  }

  @Provide
  Arbitrary<String> jsonWithForeignValues() {
    return Combinators.combine(Arbitraries.of(JSON_SEEDS), jsonValue(2).list().ofMinSize(1)
            .ofMaxSize(3), Arbitraries.longs())
        .as((seed, values, rnd) -> replaceValues(seed, values, new Random(rnd)));
  }

  /** Replaces the scalar after a random ':' (a field's value) with each given JSON value. */
  static String replaceValues(String json, List<String> values, Random r) {
    String out = json;
    for (String v : values) {
      int colon = out.indexOf(':', r.nextInt(out.length()));
      if (colon < 0) {
        break;
      }
      int end = colon + 1;
      if (end < out.length() && out.charAt(end) == '"') {
        end = out.indexOf('"', end + 1) + 1;
      } else {
        while (end < out.length() && ",}]".indexOf(out.charAt(end)) < 0
            && out.charAt(end) != '{' && out.charAt(end) != '[') {
          end++;
        }
      }
      if (end <= colon) {
        break;
      }
      out = out.substring(0, colon + 1) + v + out.substring(end);
    }
    return out;
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
