package io.traceroll.crashloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.traceroll.span.Span;
import io.traceroll.span.TestSpans;
import io.traceroll.timeline.RequestTrace;
import io.traceroll.timeline.TimelineOptions;
import io.traceroll.timeline.TimelineWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpanIdReaderTest {

  @Test
  void shouldFindEverySpanOfAPartOnceEvenWithEventsAndLinksNamingSpanIds() throws IOException {
    List<Span> spans = TestSpans.request(200, 11);

    List<String> ids = SpanIdReader.read(trace("k", 0, spans));

    assertThat(ids).containsExactlyInAnyOrderElementsOf(spans.stream().map(Span::spanId)
        .toList());
  }

  @Test
  void shouldResolveInternedIdsPerPartWhenPartsAreConcatenated() throws IOException {
    List<Span> spans = TestSpans.request(60, 12);
    byte[] a = trace("k", 0, spans.subList(0, 30)).readAllBytes();
    byte[] b = trace("k", 1, spans.subList(30, 60)).readAllBytes();
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);

    List<String> ids = SpanIdReader.read(new ByteArrayInputStream(both));

    assertThat(ids).containsExactlyInAnyOrderElementsOf(spans.stream().map(Span::spanId)
        .toList());
  }

  @Test
  void shouldRejectATruncatedTrace() throws IOException {
    byte[] whole = trace("k", 0, TestSpans.request(20, 13)).readAllBytes();
    byte[] cut = Arrays.copyOf(whole, whole.length - 7);

    assertThatThrownBy(() -> SpanIdReader.read(new ByteArrayInputStream(cut)))
        .isInstanceOf(IOException.class);
  }

  private static InputStream trace(String key, int part, List<Span> spans) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new TimelineWriter(TimelineOptions.defaults())
        .write(new RequestTrace(key, part, spans, List.of()), out);
    return new ByteArrayInputStream(out.toByteArray());
  }
}
