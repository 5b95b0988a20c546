package io.traceroll.perfetto;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.span.Attribute;
import io.traceroll.span.AttributeValue;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnnotationTest {

  @Test
  void shouldKeepTheTypeOfEverySpanAttributeValue() {
    List<Annotation> annotations = Annotation.fromAttributes(List.of(
        Attribute.of("s", "x"), Attribute.of("l", 3L), Attribute.of("d", 1.5),
        Attribute.of("b", true),
        new Attribute("bytes", new AttributeValue.BytesValue(new byte[] {0x0f, (byte) 0xa0})),
        new Attribute("arr", new AttributeValue.ArrayValue(List.of(
            new AttributeValue.LongValue(1), new AttributeValue.StringValue("two")))),
        new Attribute("map", new AttributeValue.MapValue(List.of(Attribute.of("k", false))))));

    assertThat(annotations).containsExactly(
        Annotation.of("s", "x"), Annotation.of("l", 3L), Annotation.of("d", 1.5),
        Annotation.of("b", true), Annotation.of("bytes", "0fa0"),
        Annotation.array("arr", List.of(AnnotationValue.of(1L), AnnotationValue.of("two"))),
        Annotation.dict("map", List.of(Annotation.of("k", false))));
  }

  @Test
  void shouldDeriveStableNonZeroTrackUuids() {
    assertThat(Track.uuidOf("svc/checkout/1")).isEqualTo(Track.uuidOf("svc/checkout/1"))
        .isNotEqualTo(Track.uuidOf("svc/checkout/2")).isPositive();
    assertThat(Track.uuidOf("")).isPositive();
  }
}
