package io.traceroll.perfetto;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.perfetto.check.CheckedTrace;
import io.traceroll.perfetto.check.TraceChecker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.junit.jupiter.api.Test;

class PerfettoWriterStreamingTest {

  /** Records the largest amount the writer ever held back from the stream. */
  private static final class WatchingSink extends OutputStream {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PerfettoWriter writer;
    long maxHeldBack;

    @Override
    public void write(int b) {
      bytes.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      bytes.write(b, off, len);
    }

    void observe() {
      maxHeldBack = Math.max(maxHeldBack, writer.bytesWritten() - bytes.size());
    }
  }

  @Test
  void shouldHoldBackAtMostItsBufferHoweverLongTheTraceIs() throws IOException {
    WatchingSink sink = new WatchingSink();
    PerfettoWriter w = new PerfettoWriter(sink, 1);
    sink.writer = w;
    w.describe(Track.named(1, "lane"));
    EventArgs args = EventArgs.builder().category("c")
        .annotate(Annotation.interned("k", "v")).build();
    for (int i = 0; i < 50_000; i++) {
      w.beginSlice(1, i * 10L, "slice " + (i % 100), args);
      w.endSlice(1, i * 10L + 5);
      sink.observe();
    }
    w.close();

    assertThat(sink.bytes.size()).isGreaterThan(1_000_000);
    assertThat(sink.maxHeldBack).isLessThanOrEqualTo(16 * 1024);
    CheckedTrace trace = TraceChecker.check(sink.bytes.toByteArray());
    assertThat(trace.slices()).hasSize(50_000);
  }

  @Test
  void shouldReuseInternedEntriesSoRepeatedSlicesCostOnlyTheirVarints() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PerfettoWriter w = new PerfettoWriter(out, 1);
    w.describe(Track.named(1, "lane"));
    EventArgs args = EventArgs.builder().category("server")
        .annotate(Annotation.interned("http.method", "GET")).build();
    w.beginSlice(1, 10, "GET /a/rather/long/route/name", args);
    w.endSlice(1, 20);
    w.flush();
    int first = out.size();
    w.beginSlice(1, 30, "GET /a/rather/long/route/name", args);
    w.endSlice(1, 40);
    w.flush();

    int second = out.size() - first;
    // Second pair: timestamps, ids and flags only; no strings at all.
    assertThat(second).isLessThan(40);
    assertThat(new String(out.toByteArray(), first, second,
        java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("GET");
  }
}
