package io.traceroll.serdes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class TraceIdsTest {

  @Test
  void shouldLowerCaseA128BitHexTraceId() {
    assertThat(TraceIds.traceIdFromHex("5B8EFFF798038103D269B633813FC60C"))
        .isEqualTo("5b8efff798038103d269b633813fc60c");
  }

  @Test
  void shouldAcceptA64BitZipkinTraceId() {
    assertThat(TraceIds.traceIdFromHex("5af7183fb1d4cf5f")).isEqualTo("5af7183fb1d4cf5f");
  }

  @Test
  void shouldReturnTheSameInstanceForAnAlreadyNormalisedId() {
    String id = "5af7183fb1d4cf5f";
    assertThat(TraceIds.traceIdFromHex(id)).isSameAs(id);
  }

  @Test
  void shouldRejectTraceIdsOfOtherLengths() {
    assertThat(TraceIds.traceIdFromHex("5af7183fb1d4cf5")).isNull();
    assertThat(TraceIds.traceIdFromHex("5af7183fb1d4cf5f00")).isNull();
    assertThat(TraceIds.traceIdFromHex("")).isNull();
    assertThat(TraceIds.traceIdFromHex(null)).isNull();
  }

  @Test
  void shouldRejectNonHexCharacters() {
    assertThat(TraceIds.traceIdFromHex("5af7183fb1d4cf5g")).isNull();
    assertThat(TraceIds.spanIdFromHex("5af7183f-1d4cf5f")).isNull();
  }

  @Test
  void shouldRejectAllZeroIds() {
    assertThat(TraceIds.traceIdFromHex("00000000000000000000000000000000")).isNull();
    assertThat(TraceIds.spanIdFromHex("0000000000000000")).isNull();
    assertThat(TraceIds.traceIdFromBytes(new byte[16])).isNull();
    assertThat(TraceIds.spanIdFromBytes(new byte[8])).isNull();
  }

  @Test
  void shouldHexEncodeRawIdBytes() {
    byte[] trace = HexFormat.of().parseHex("0102030405060708090a0b0c0d0e0fff");
    byte[] span = HexFormat.of().parseHex("a1b2c3d4e5f60718");
    assertThat(TraceIds.traceIdFromBytes(trace)).isEqualTo("0102030405060708090a0b0c0d0e0fff");
    assertThat(TraceIds.spanIdFromBytes(span)).isEqualTo("a1b2c3d4e5f60718");
  }

  @Test
  void shouldRejectRawIdsOfTheWrongLength() {
    assertThat(TraceIds.traceIdFromBytes(new byte[] {1, 2, 3})).isNull();
    assertThat(TraceIds.spanIdFromBytes(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9})).isNull();
  }

  @Test
  void shouldRecogniseOnlyNormalisedNonZeroIds() {
    assertThat(TraceIds.isNormalisedTraceId("5af7183fb1d4cf5f")).isTrue();
    assertThat(TraceIds.isNormalisedTraceId("5AF7183FB1D4CF5F")).isFalse();
    assertThat(TraceIds.isNormalisedSpanId("0000000000000000")).isFalse();
  }
}
