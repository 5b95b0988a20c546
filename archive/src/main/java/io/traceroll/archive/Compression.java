package io.traceroll.archive;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * How trace parts are compressed at rest.
 *
 * <p>GZIP output is deterministic (a fixed header with a zero mtime and no file name, a fixed deflate
 * level), so the same trace always yields the same bytes: that is what keeps a replayed put an identical
 * overwrite rather than a silent change of an archive someone already downloaded.
 */
public enum Compression {
  /** gzip, what the Perfetto UI opens directly ({@code .pftrace.gz}); the default. */
  GZIP(".gz"),
  /** Stored as is ({@code .pftrace}). */
  NONE("");

  // Perfetto traces are repetitive protobuf; larger buffers than the JDK's 512 B default cut the
  // number of inflate calls without changing the output.
  private static final int GZIP_BUFFER = 64 * 1024;

  /**
   * Default deflate level of archived parts (the JDK's default). Compression is the largest single
   * CPU cost per archived span (1,000-span parts, 2026-11-26: level 6 8.7 us per span for 70.3
   * bytes, level 4 5.8 us for 75.0, level 1 3.6 us for 82.1); archives are kept for weeks and read
   * over the network, so bytes win by default, and {@code archive.compression.level} lets an
   * operator short of CPU trade the other way.
   */
  public static final int DEFAULT_GZIP_LEVEL = 6;

  private final String suffix;

  Compression(String suffix) {
    this.suffix = suffix;
  }

  /** The suffix appended to the uncompressed file name: {@code ".gz"} or {@code ""}. */
  public String suffix() {
    return suffix;
  }

  /** {@link #wrap(OutputStream, int)} at {@link #DEFAULT_GZIP_LEVEL}. */
  public OutputStream wrap(OutputStream out) throws IOException {
    return wrap(out, DEFAULT_GZIP_LEVEL);
  }

  /**
   * Wraps {@code out} so that what is written to the returned stream is stored compressed.
   * Closing the returned stream finishes the compressed stream and closes {@code out}.
   *
   * @param level deflate level 1-9 for {@link #GZIP} (see {@link #checkLevel}); ignored by
   *     {@link #NONE}
   */
  public OutputStream wrap(OutputStream out, int level) throws IOException {
    return switch (this) {
      case GZIP -> new GzipStream(out, checkLevel(level));
      case NONE -> new FilterOutputStream(out) {
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len); // FilterOutputStream would write byte by byte
        }
      };
    };
  }

  /** Wraps a stream read from the store so the caller sees the uncompressed bytes. */
  public InputStream unwrap(InputStream in) throws IOException {
    return switch (this) {
      case GZIP -> new GZIPInputStream(in, GZIP_BUFFER);
      case NONE -> in;
    };
  }

  /**
   * @return {@code level} when it is a deflate level, 1 (fastest) to 9 (smallest)
   * @throws IllegalArgumentException otherwise (0 would store the trace uncompressed behind a gzip
   *     name: use {@code none} for that)
   */
  public static int checkLevel(int level) {
    if (level < 1 || level > 9) {
      throw new IllegalArgumentException(
          "gzip level " + level + " out of range, expected 1 (fastest) to 9 (smallest)");
    }
    return level;
  }

  /**
   * Parses a configuration value: {@code gzip} or {@code none} (case-insensitive).
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static Compression parse(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "gzip", "gz" -> GZIP;
      case "none" -> NONE;
      default -> throw new IllegalArgumentException(
          "unknown compression '" + value + "', expected gzip or none");
    };
  }
}
