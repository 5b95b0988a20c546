package io.traceroll.serdes;

import org.apache.kafka.common.header.Headers;

/**
 * Turns one Kafka record value of one wire format into spans.
 *
 * <p>Contract shared by every format: a payload that cannot be read at all throws
 * {@link SpanDecodeException} (the whole record is dead-lettered); a readable payload returns every
 * valid span and, separately, every span that is individually invalid (e.g. an all-zero trace id),
 * so one bad span never costs its batch. Any other exception is a bug. Headers are passed so a
 * trace key configured as a record header can be extracted; they may be empty, never null.
 */
public interface SpanDecoder {

  DecodedBatch decode(byte[] payload, Headers headers) throws SpanDecodeException;
}
