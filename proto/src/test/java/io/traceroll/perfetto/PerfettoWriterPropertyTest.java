package io.traceroll.perfetto;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.perfetto.check.CheckedSlice;
import io.traceroll.perfetto.check.CheckedTrace;
import io.traceroll.perfetto.check.TraceChecker;
import io.traceroll.perfetto.proto.Trace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random annotation trees and names (any Unicode, including unpaired surrogates): the sizes the
 * writer precomputes must match what it writes, or the length prefixes would corrupt the stream.
 * Re-serialising the parsed trace with the generated classes (in the writer's field order, see
 * {@link WireOrder}) must give the same bytes.
 */
class PerfettoWriterPropertyTest {

  @Provide
  Arbitrary<List<Annotation>> annotations() {
    return annotation(3).list().ofMaxSize(6);
  }

  private static Arbitrary<String> text() {
    return Arbitraries.strings().all().ofMaxLength(12);
  }

  private static Arbitrary<Annotation> annotation(int depth) {
    return Arbitraries.lazyOf(() -> text().flatMap(name -> value(depth)
        .map(v -> new Annotation(name, v))));
  }

  private static Arbitrary<AnnotationValue> value(int depth) {
    List<Arbitrary<? extends AnnotationValue>> leaves = new ArrayList<>(List.of(
        Arbitraries.of(true, false).map(AnnotationValue.Bool::new),
        Arbitraries.longs().map(AnnotationValue.Int::new),
        Arbitraries.longs().map(AnnotationValue.Uint::new),
        Arbitraries.doubles().map(AnnotationValue.Double::new),
        Arbitraries.longs().map(AnnotationValue.Pointer::new),
        text().flatMap(s -> Arbitraries.of(true, false).map(i -> new AnnotationValue.Str(s, i)))));
    if (depth > 0) {
      leaves.add(annotation(depth - 1).list().ofMaxSize(3).map(AnnotationValue.Dict::new));
      leaves.add(value(depth - 1).list().ofMaxSize(3).map(AnnotationValue.Array::new));
    }
    return Arbitraries.oneOf(leaves);
  }

  @Property(tries = 200)
  void shouldWriteLengthPrefixesThatMatchTheBytesWrittenForAnyAnnotations(
      @ForAll("annotations") List<Annotation> annotations,
      @ForAll("names") String name) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PerfettoWriter w = new PerfettoWriter(out, 9);
    w.describe(Track.named(1, name));
    EventArgs args = EventArgs.builder().annotate(annotations).category(name).build();
    w.beginSlice(1, 2000, name, args);
    w.endSlice(1, 3000, args);
    w.instant(1, 3000, name, args);
    w.close();

    byte[] bytes = out.toByteArray();
    assertThat(WireOrder.trace(Trace.parseFrom(bytes).getPacketList())).isEqualTo(bytes);
    CheckedTrace checked = TraceChecker.check(bytes);
    assertThat(checked.slices()).extracting(CheckedSlice::dur).containsExactly(1000L, 0L);
  }

  @Provide
  Arbitrary<String> names() {
    return text();
  }
}
