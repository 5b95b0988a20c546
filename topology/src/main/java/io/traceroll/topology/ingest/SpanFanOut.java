package io.traceroll.topology.ingest;

import io.micrometer.core.instrument.Counter;
import io.traceroll.serdes.DecodedBatch;
import io.traceroll.serdes.store.SpanChunk;
import io.traceroll.span.Span;
import io.traceroll.topology.InputTopic;
import io.traceroll.topology.metrics.TracerollMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Splits one decoded record into one {@link SpanChunk} per key, keyed for the next stage: by trace
 * key when requests are grouped by trace id, by trace id when a correlation key still has to be
 * resolved (all spans of a trace must meet in one task for that).
 *
 * <p>One chunk per (record, key), not one record per span: everything downstream (repartition
 * record, store append, summary update) is then paid per chunk, and the spans are encoded into
 * their stored form here, once. Spans keep their order within the record.
 *
 * <p>Source headers are dropped here: the decoder has already read any header-borne trace key into
 * {@link Span#traceKey()}, and repeating producer headers on every repartitioned span would only
 * cost bytes.
 */
public final class SpanFanOut implements Processor<byte[], DecodedBatch, String, SpanChunk> {

  private final boolean keyByTraceId;
  private final Counter spansIn;
  private ProcessorContext<String, SpanChunk> context;

  public SpanFanOut(InputTopic input, boolean keyByTraceId, TracerollMetrics metrics) {
    this.keyByTraceId = keyByTraceId;
    this.spansIn = metrics.spansIn(input.topic(), input.format().configName());
  }

  @Override
  public void init(ProcessorContext<String, SpanChunk> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], DecodedBatch> record) {
    List<Span> spans = record.value().spans();
    if (spans.isEmpty()) {
      return;
    }
    String first = keyOf(spans.get(0));
    if (spans.size() == 1 || allKeyed(spans, first)) {
      // the usual case: producers that key records by trace id send one request per record
      forward(first, spans, record.timestamp());
    } else {
      Map<String, List<Span>> byKey = new LinkedHashMap<>();
      for (int i = 0; i < spans.size(); i++) {
        Span span = spans.get(i);
        byKey.computeIfAbsent(keyOf(span), k -> new ArrayList<>()).add(span);
      }
      byKey.forEach((key, group) -> forward(key, group, record.timestamp()));
    }
    spansIn.increment(spans.size());
  }

  private boolean allKeyed(List<Span> spans, String key) {
    for (int i = 1; i < spans.size(); i++) {
      if (!key.equals(keyOf(spans.get(i)))) {
        return false;
      }
    }
    return true;
  }

  private String keyOf(Span span) {
    return keyByTraceId || span.traceKey() == null ? span.traceId() : span.traceKey();
  }

  private void forward(String key, List<Span> spans, long timestamp) {
    List<SpanChunk> chunks = SpanChunk.chunks(spans, SpanChunk.MAX_CHUNK_BYTES);
    for (int i = 0; i < chunks.size(); i++) {
      context.forward(new Record<>(key, chunks.get(i), timestamp, new RecordHeaders()));
    }
  }
}
