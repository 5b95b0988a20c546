package io.traceroll.topology.collect;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;

/**
 * Store key of one part of one request: the trace key's UTF-8 bytes followed by the part number
 * as 4 big-endian bytes. The fixed-width suffix makes it unambiguous whatever the trace key
 * contains, and keeps every part of a request adjacent in RocksDB.
 */
public final class PartKey {

  private PartKey() {}

  public static Bytes of(String traceKey, int part) {
    byte[] k = traceKey.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[k.length + 4];
    System.arraycopy(k, 0, out, 0, k.length);
    out[k.length] = (byte) (part >>> 24);
    out[k.length + 1] = (byte) (part >>> 16);
    out[k.length + 2] = (byte) (part >>> 8);
    out[k.length + 3] = (byte) part;
    return Bytes.wrap(out);
  }

  public static String traceKey(Bytes key) {
    byte[] b = key.get();
    return new String(b, 0, b.length - 4, StandardCharsets.UTF_8);
  }

  public static int part(Bytes key) {
    byte[] b = key.get();
    int n = b.length;
    return (b[n - 4] & 0xff) << 24 | (b[n - 3] & 0xff) << 16 | (b[n - 2] & 0xff) << 8
        | (b[n - 1] & 0xff);
  }

  /**
   * The index topic's record key: {@code <traceKey>/<part>}. Readers split at the LAST slash, so
   * a trace key containing slashes stays unambiguous (the part is always digits).
   */
  public static String indexKey(String traceKey, int part) {
    return traceKey + '/' + part;
  }
}
