package io.traceroll.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.traceroll.span.Span;
import io.traceroll.span.TestSpans;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The trace is streamed: working state beyond the span list is a few arrays per span, and no
 * protobuf objects are built. Measured as bytes allocated by the writing thread (HotSpot's
 * per-thread allocation counter is exact, unlike heap usage, which depends on GC timing): a writer
 * that buffered the trace, built messages per span, or did quadratic work would allocate more per
 * span as requests grow.
 */
class TimelineScaleTest {

  private static final class CountingSink extends OutputStream {
    long bytes;

    @Override
    public void write(int b) {
      bytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      bytes += len;
    }
  }

  private static long allocatedWriting(List<Span> spans, CountingSink sink) throws IOException {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    TimelineWriter writer = new TimelineWriter(TimelineOptions.defaults());
    RequestTrace request = new RequestTrace("k", 0, spans, List.of());
    long before = mx.getCurrentThreadAllocatedBytes();
    writer.write(request, sink);
    return mx.getCurrentThreadAllocatedBytes() - before;
  }

  @Test
  void shouldEncodeA100kSpanRequestWithConstantAllocationPerSpan() throws IOException {
    assumeThat(ManagementFactory.getThreadMXBean())
        .isInstanceOf(com.sun.management.ThreadMXBean.class);
    List<Span> small = TestSpans.request(10_000, 11);
    allocatedWriting(small, new CountingSink()); // warm-up: class loading, JIT
    long smallPerSpan = allocatedWriting(small, new CountingSink()) / small.size();

    List<Span> large = TestSpans.request(100_000, 11);
    CountingSink sink = new CountingSink();
    long largePerSpan = allocatedWriting(large, sink) / large.size();

    assertThat(sink.bytes / large.size()).as("bytes written per span").isBetween(100L, 2_000L);
    assertThat(largePerSpan).as("bytes allocated per span, 100k spans")
        .isLessThan(4_000L) // measured ~2,500; building protobuf messages per span is well above
        .isLessThanOrEqualTo(smallPerSpan * 3 / 2);
  }
}
