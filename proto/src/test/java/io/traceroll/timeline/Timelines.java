package io.traceroll.timeline;

import io.traceroll.perfetto.check.CheckedSlice;
import io.traceroll.perfetto.check.CheckedTrace;
import io.traceroll.perfetto.check.TraceChecker;
import io.traceroll.span.Mark;
import io.traceroll.span.Span;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Test helpers: write a request and run the shared TraceChecker over the bytes. */
final class Timelines {
  static final String KEY = "4bf92f3577b34da6a3ce929d0e0e4736";

  private Timelines() {}

  static byte[] bytes(RequestTrace request) {
    return bytes(request, TimelineOptions.defaults());
  }

  static byte[] bytes(RequestTrace request, TimelineOptions options) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      new TimelineWriter(options).write(request, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static CheckedTrace check(List<Span> spans) {
    return TraceChecker.check(bytes(new RequestTrace(KEY, 0, spans, List.of())));
  }

  static CheckedTrace check(String key, List<Span> spans, List<Mark> notes) {
    return TraceChecker.check(bytes(new RequestTrace(key, 0, spans, notes)));
  }

  static CheckedSlice slice(CheckedTrace trace, String spanId) {
    List<CheckedSlice> found = trace.durationSlices().stream()
        .filter(s -> spanId.equals(s.arg("span_id"))).toList();
    if (found.size() != 1) {
      throw new AssertionError(found.size() + " slices with span_id " + spanId);
    }
    return found.get(0);
  }
}
