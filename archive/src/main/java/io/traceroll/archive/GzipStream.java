package io.traceroll.archive;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A gzip member (RFC 1952) written with a {@link Deflater} reused across streams of one thread.
 *
 * <p>Why not {@code GZIPOutputStream}: it creates a deflater per stream, and zlib's set-up (a few
 * hundred KiB of window and hash tables allocated and cleared) cost more than compressing a small
 * trace part; most parts are small. A reset deflater produces exactly the bytes of a new one.
 *
 * <p>The header is fixed (no name, zero mtime, OS "unknown"), so equal input gives equal bytes on
 * every JVM, which the idempotent archive put relies on.
 */
final class GzipStream extends OutputStream {

  /** Magic, deflate, no flags, mtime 0, no extra flags, OS 255 (unknown). */
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
  private static final int BUFFER = 64 * 1024;
  private static final ThreadLocal<Deflaters> DEFLATERS = new ThreadLocal<>();

  private final OutputStream out;
  private final Deflaters owner;
  private final Deflater deflater;
  private final byte[] buf;
  private final CRC32 crc = new CRC32();
  private final byte[] one = new byte[1];
  private long size;
  private boolean closed;

  /** Writes the header; the deflater is taken from this thread's spare, or made if it is busy. */
  GzipStream(OutputStream out, int level) throws IOException {
    this.out = out;
    Deflaters spare = DEFLATERS.get();
    if (spare == null || spare.level != level && !spare.inUse) {
      if (spare != null) {
        spare.deflater.end();
      }
      spare = new Deflaters(new Deflater(level, true), new byte[BUFFER], level);
      DEFLATERS.set(spare);
    }
    if (spare.inUse || spare.level != level) {
      // a second stream open on this thread (never on the archive path), or another level while
      // the spare is busy: its own deflater
      this.owner = null;
      this.deflater = new Deflater(level, true);
      this.buf = new byte[BUFFER];
    } else {
      spare.inUse = true;
      this.owner = spare;
      this.deflater = spare.deflater;
      this.buf = spare.buffer;
      deflater.reset();
    }
    out.write(HEADER);
  }

  @Override
  public void write(int b) throws IOException {
    one[0] = (byte) b;
    write(one, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("gzip stream closed");
    }
    if (len == 0) {
      return;
    }
    crc.update(b, off, len);
    size += len;
    deflater.setInput(b, off, len);
    while (!deflater.needsInput()) {
      drain();
    }
  }

  /** Finishes the member (trailer: CRC-32 and length mod 2^32, little-endian) and closes. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      deflater.finish();
      while (!deflater.finished()) {
        drain();
      }
      byte[] trailer = new byte[8];
      writeIntLe(trailer, 0, (int) crc.getValue());
      writeIntLe(trailer, 4, (int) size);
      out.write(trailer);
      out.close();
    } finally {
      if (owner != null) {
        owner.inUse = false;
      } else {
        deflater.end();
      }
    }
  }

  private void drain() throws IOException {
    int n = deflater.deflate(buf, 0, buf.length, Deflater.NO_FLUSH);
    if (n > 0) {
      out.write(buf, 0, n);
    }
  }

  private static void writeIntLe(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >>> 8);
    b[at + 2] = (byte) (v >>> 16);
    b[at + 3] = (byte) (v >>> 24);
  }

  /** This thread's reusable deflater and output buffer. */
  private static final class Deflaters {
    final Deflater deflater;
    final byte[] buffer;
    final int level;
    boolean inUse;

    Deflaters(Deflater deflater, byte[] buffer, int level) {
      this.deflater = deflater;
      this.buffer = buffer;
      this.level = level;
    }
  }
}
