package io.traceroll.serdes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.traceroll.serdes.avro.AvroSpanDecoder;
import io.traceroll.serdes.otlp.OtlpJsonSpanDecoder;
import io.traceroll.serdes.otlp.OtlpProtoSpanDecoder;
import io.traceroll.serdes.zipkin.ZipkinJsonSpanDecoder;
import org.junit.jupiter.api.Test;

class SpanFormatTest {

  @Test
  void shouldAcceptConfigNamesInAnyCaseWithDashOrUnderscore() {
    assertThat(SpanFormat.fromConfig("otlp_proto")).isEqualTo(SpanFormat.OTLP_PROTO);
    assertThat(SpanFormat.fromConfig("OTLP-JSON")).isEqualTo(SpanFormat.OTLP_JSON);
    assertThat(SpanFormat.fromConfig(" Zipkin_Json ")).isEqualTo(SpanFormat.ZIPKIN_JSON);
    assertThat(SpanFormat.fromConfig("AVRO")).isEqualTo(SpanFormat.AVRO);
  }

  @Test
  void shouldRoundTripEveryConfigName() {
    for (SpanFormat f : SpanFormat.values()) {
      assertThat(SpanFormat.fromConfig(f.configName())).isEqualTo(f);
    }
  }

  @Test
  void shouldRejectAnUnknownFormatNamingTheAcceptedOnes() {
    assertThatThrownBy(() -> SpanFormat.fromConfig("jaeger"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("zipkin_json");
  }

  @Test
  void shouldCreateTheMatchingDecoder() {
    DecoderSettings s = DecoderSettings.defaults();
    assertThat(SpanFormat.AVRO.decoder(s)).isInstanceOf(AvroSpanDecoder.class);
    assertThat(SpanFormat.OTLP_PROTO.decoder(s)).isInstanceOf(OtlpProtoSpanDecoder.class);
    assertThat(SpanFormat.OTLP_JSON.decoder(s)).isInstanceOf(OtlpJsonSpanDecoder.class);
    assertThat(SpanFormat.ZIPKIN_JSON.decoder(s)).isInstanceOf(ZipkinJsonSpanDecoder.class);
  }
}
