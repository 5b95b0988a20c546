package io.traceroll.topology.ingest;

import io.micrometer.core.instrument.Counter;
import io.traceroll.serdes.DecodedBatch;
import io.traceroll.span.Span;
import io.traceroll.topology.InputTopic;
import io.traceroll.topology.metrics.TracerollMetrics;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Splits one decoded record into its valid spans, keyed for the next stage: by trace key when
 * requests are grouped by trace id, by trace id when a correlation key still has to be resolved
 * (all spans of a trace must meet in one task for that).
 *
 * <p>Source headers are dropped here: the decoder has already read any header-borne trace key into
 * {@link Span#traceKey()}, and repeating producer headers on every repartitioned span would only
 * cost bytes.
 */
public final class SpanFanOut implements Processor<byte[], DecodedBatch, String, Span> {

  private final boolean keyByTraceId;
  private final Counter spansIn;
  private ProcessorContext<String, Span> context;

  public SpanFanOut(InputTopic input, boolean keyByTraceId, TracerollMetrics metrics) {
    this.keyByTraceId = keyByTraceId;
    this.spansIn = metrics.spansIn(input.topic(), input.format().configName());
  }

  @Override
  public void init(ProcessorContext<String, Span> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], DecodedBatch> record) {
    List<Span> spans = record.value().spans();
    for (int i = 0; i < spans.size(); i++) {
      Span span = spans.get(i);
      String key = keyByTraceId || span.traceKey() == null ? span.traceId() : span.traceKey();
      context.forward(new Record<>(key, span, record.timestamp(), new RecordHeaders()));
    }
    spansIn.increment(spans.size());
  }
}
