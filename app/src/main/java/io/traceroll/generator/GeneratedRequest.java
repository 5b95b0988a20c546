package io.traceroll.generator;

import io.traceroll.span.Span;
import java.util.List;

/**
 * One user request as the fleet reports it: one trace per synchronous call tree (the first is the
 * gateway's) and one more per async hand-off, all sharing {@code requestId}.
 *
 * @param spans spans to send now, in the order services would finish them
 * @param lateSpans spans a stalled exporter sends after {@link GeneratorSettings#lateDelay()}
 * @param traceIds every trace of the request, the gateway's first
 */
public record GeneratedRequest(String requestId, List<String> traceIds, List<Span> spans,
    List<Span> lateSpans, boolean hasError) {

  public GeneratedRequest {
    traceIds = List.copyOf(traceIds);
    spans = List.copyOf(spans);
    lateSpans = List.copyOf(lateSpans);
  }

  public int spanCount() {
    return spans.size() + lateSpans.size();
  }
}
