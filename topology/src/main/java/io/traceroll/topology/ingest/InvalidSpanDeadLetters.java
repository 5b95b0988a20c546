package io.traceroll.topology.ingest;

import io.traceroll.serdes.DecodedBatch;
import io.traceroll.serdes.DecodedBatch.InvalidSpan;
import io.traceroll.serdes.avro.DeadLetterSpans;
import io.traceroll.topology.InputTopic;
import io.traceroll.topology.Names;
import io.traceroll.topology.metrics.TracerollMetrics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Turns the individually invalid spans of a decoded record into dead letters on the same topic as
 * undecodable records: one Avro {@code DeadLetterSpan} each, with reason, format and source
 * coordinates both in the payload and as headers (what operators filter on). Its valid siblings
 * go on; one bad span never costs its batch, and none is dropped silently.
 */
public final class InvalidSpanDeadLetters
    implements Processor<byte[], DecodedBatch, byte[], byte[]> {

  private final InputTopic input;
  private final byte[] format;
  private final TracerollMetrics metrics;
  private ProcessorContext<byte[], byte[]> context;

  public InvalidSpanDeadLetters(InputTopic input, TracerollMetrics metrics) {
    this.input = input;
    this.format = input.format().configName().getBytes(StandardCharsets.UTF_8);
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<byte[], byte[]> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], DecodedBatch> record) {
    List<InvalidSpan> invalid = record.value().invalid();
    if (invalid.isEmpty()) {
      return;
    }
    RecordMetadata source = context.recordMetadata().orElse(null);
    String topic = source != null ? source.topic() : input.topic();
    int partition = source != null ? source.partition() : -1;
    long offset = source != null ? source.offset() : -1;
    for (InvalidSpan bad : invalid) {
      byte[] value = DeadLetterSpans.encode(bad.span(), bad.reason(), topic, partition, offset,
          input.format());
      Headers headers = new RecordHeaders();
      headers.add(Names.Header.REASON, bad.reason().getBytes(StandardCharsets.UTF_8));
      headers.add(Names.Header.FORMAT, format);
      headers.add(Names.Header.SOURCE_TOPIC, topic.getBytes(StandardCharsets.UTF_8));
      headers.add(Names.Header.SOURCE_PARTITION, utf8(partition));
      headers.add(Names.Header.SOURCE_OFFSET, utf8(offset));
      byte[] key = bad.span().traceId().getBytes(StandardCharsets.UTF_8);
      context.forward(new Record<>(key, value, record.timestamp(), headers));
      metrics.deadLettered(bad.reason(), 1);
    }
  }

  private static byte[] utf8(long v) {
    return Long.toString(v).getBytes(StandardCharsets.UTF_8);
  }
}
