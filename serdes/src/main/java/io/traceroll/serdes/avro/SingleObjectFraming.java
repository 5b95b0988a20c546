package io.traceroll.serdes.avro;

import io.traceroll.serdes.SpanDecodeException;
import org.apache.avro.Schema;

/**
 * Avro single-object encoding: {@code C3 01}, the writer schema's CRC-64-AVRO fingerprint as 8
 * little-endian bytes, then the binary body. Written by hand so the hot path reads the header in
 * place instead of going through {@code BinaryMessageDecoder}'s stream wrappers.
 */
final class SingleObjectFraming {
  static final int HEADER_LENGTH = 10;
  static final byte MAGIC_0 = (byte) 0xC3;
  static final byte MAGIC_1 = (byte) 0x01;

  private SingleObjectFraming() {}

  static byte[] header(Schema schema) {
    long fp = AvroSchemas.fingerprint(schema);
    byte[] h = new byte[HEADER_LENGTH];
    h[0] = MAGIC_0;
    h[1] = MAGIC_1;
    for (int i = 0; i < 8; i++) {
      h[2 + i] = (byte) (fp >>> (8 * i));
    }
    return h;
  }

  /** The writer fingerprint of a framed payload. */
  static long fingerprint(byte[] payload) throws SpanDecodeException {
    if (payload == null || payload.length < HEADER_LENGTH) {
      throw new SpanDecodeException("malformed_avro", "payload of "
          + (payload == null ? 0 : payload.length) + " bytes is shorter than the Avro single-object header");
    }
    if (payload[0] != MAGIC_0 || payload[1] != MAGIC_1) {
      throw new SpanDecodeException("not_avro_single_object", String.format(
          "payload starts with %02x %02x, not the Avro single-object marker c3 01",
          payload[0] & 0xff, payload[1] & 0xff));
    }
    long fp = 0;
    for (int i = 7; i >= 0; i--) {
      fp = (fp << 8) | (payload[2 + i] & 0xff);
    }
    return fp;
  }
}
