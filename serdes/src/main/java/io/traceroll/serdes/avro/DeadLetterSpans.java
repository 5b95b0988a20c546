package io.traceroll.serdes.avro;

import io.traceroll.serdes.SpanFormat;
import io.traceroll.span.Span;
import java.io.IOException;
import java.util.Objects;

/**
 * Dead-letter encoding of an individually invalid span: the span as far as it was read, in our Avro
 * schema whatever its source format, so one consumer (or {@code avro-tools}) reads every dead
 * letter, plus why and where from. Records that could not be decoded at all are dead-lettered raw
 * by the topology instead; they have no span to re-encode.
 */
public final class DeadLetterSpans {
  private static final byte[] HEADER = SingleObjectFraming.header(AvroSchemas.DEAD_LETTER_SPAN);

  private DeadLetterSpans() {}

  /** A decoded dead letter. {@code sourceTopic} may be null; partition and offset -1 if unknown. */
  public record DeadLetter(Span span, String reason, String sourceTopic, int sourcePartition,
      long sourceOffset, String sourceFormat) {
    public DeadLetter {
      Objects.requireNonNull(span, "span");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(sourceFormat, "sourceFormat");
    }
  }

  /** Single-object encoded {@code DeadLetterSpan}; {@code topic} may be null when unknown. */
  public static byte[] encode(Span span, String reason, String topic, int partition, long offset,
      SpanFormat format) {
    Objects.requireNonNull(span, "span");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(format, "format");
    String formatName = format.configName();
    return SpanAvroWriter.encode(HEADER, out -> {
      SpanAvroWriter.writeSpan(out, span);
      out.writeString(reason);
      if (topic == null) {
        out.writeInt(0);
      } else {
        out.writeInt(1);
        out.writeString(topic);
      }
      out.writeInt(partition);
      out.writeLong(offset);
      out.writeString(formatName);
    });
  }

  /** Reads what {@link #encode} wrote (tooling that replays dead letters, tests). */
  public static DeadLetter decode(byte[] payload) throws IOException {
    long fp;
    try {
      fp = SingleObjectFraming.fingerprint(payload);
    } catch (io.traceroll.serdes.SpanDecodeException e) {
      throw new IOException(e.getMessage(), e);
    }
    if (fp != AvroSchemas.fingerprint(AvroSchemas.DEAD_LETTER_SPAN)) {
      throw new IOException(String.format("fingerprint %016x is not DeadLetterSpan", fp));
    }
    AvroBytesReader in = new AvroBytesReader().reset(payload, SingleObjectFraming.HEADER_LENGTH,
        payload.length - SingleObjectFraming.HEADER_LENGTH);
    Span span = AvroSpanReader.readSpan(in);
    String reason = in.readString();
    String topic = in.readIndex() == 0 ? null : in.readString();
    int partition = in.readInt();
    long offset = in.readLong();
    String format = in.readString();
    return new DeadLetter(span, reason, topic, partition, offset, format);
  }
}
