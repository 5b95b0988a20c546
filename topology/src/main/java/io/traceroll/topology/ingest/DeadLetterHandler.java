package io.traceroll.topology.ingest;

import io.traceroll.serdes.SpanDecodeException;
import io.traceroll.topology.Names;
import io.traceroll.topology.metrics.TracerollMetrics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/**
 * Dead-letters records that cannot be decoded at all, through Kafka Streams' own dead-letter queue
 * (KIP-1034: {@code errors.dead.letter.queue.topic.name}), so the raw record, its source coordinates
 * and the exception travel in the same transaction as everything else.
 *
 * <p>On top of the built-in record we add our reason code (from {@link SpanDecodeException}) and the
 * topic's format as headers, which is what an operator filters the DLQ by, and count the record.
 * Records are never dropped: when no DLQ topic is configured, the built-in handler only logs, which
 * {@code TracerollConfig} prevents by always setting one.
 */
public class DeadLetterHandler extends LogAndContinueExceptionHandler {

  /** Reason when the exception carries no {@link SpanDecodeException}: a bug or foreign serde. */
  public static final String UNDECODABLE = "undecodable";

  private final Map<String, String> formats = new HashMap<>();
  private TracerollMetrics metrics;

  @Override
  public void configure(Map<String, ?> configs) {
    super.configure(configs);
    Object f = configs.get(Names.Config.INPUT_FORMATS_INTERNAL);
    if (f != null) {
      for (String entry : f.toString().split(",")) {
        int eq = entry.lastIndexOf('=');
        if (eq > 0) {
          formats.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
      }
    }
    if (configs.get(Names.Config.METRICS_INTERNAL) instanceof TracerollMetrics m) {
      metrics = m;
    }
  }

  @Override
  public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
      Exception exception) {
    Response response = super.handleError(context, record, exception);
    String reason = reasonOf(exception);
    byte[] format = formats.getOrDefault(record.topic(), "unknown")
        .getBytes(StandardCharsets.UTF_8);
    List<ProducerRecord<byte[], byte[]>> letters = new ArrayList<>();
    for (ProducerRecord<byte[], byte[]> letter : response.deadLetterQueueRecords()) {
      letter.headers().add(Names.Header.REASON, reason.getBytes(StandardCharsets.UTF_8));
      letter.headers().add(Names.Header.FORMAT, format);
      // A span topic's records usually have no key, and a keyless dead letter never reached the
      // topic in our tests (Kafka Streams 4.3.1); the source coordinates are a useful key anyway.
      byte[] key = letter.key() != null ? letter.key()
          : (record.topic() + '/' + record.partition() + '/' + record.offset())
              .getBytes(StandardCharsets.UTF_8);
      letters.add(new ProducerRecord<>(letter.topic(), letter.partition(), letter.timestamp(),
          key, letter.value(), letter.headers()));
    }
    if (metrics != null) {
      metrics.deadLettered(reason, 1);
    }
    return response.result() == Result.FAIL ? Response.fail(letters) : Response.resume(letters);
  }

  static String reasonOf(Throwable exception) {
    for (Throwable t = exception; t != null; t = t.getCause()) {
      if (t instanceof SpanDecodeException e) {
        return e.reason();
      }
    }
    return UNDECODABLE;
  }
}
