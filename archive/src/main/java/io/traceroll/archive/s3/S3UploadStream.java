package io.traceroll.archive.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Streams one object to S3 holding at most one part in memory: bytes go to a buffer that grows up
 * to the part size; a small object becomes one PUT on {@link #complete()}, a larger one becomes a
 * multipart upload whose parts are sent as the buffer fills.
 *
 * <p>Each request body is a view of the buffer re-readable from its start, so the SDK can retry a
 * request without our copying the bytes. Closing without {@link #complete()} (the body threw)
 * aborts a started multipart upload, so no parts are left billed and nothing becomes visible.
 */
final class S3UploadStream extends OutputStream {

  private static final int INITIAL_BUFFER = 64 * 1024;
  private static final String CONTENT_TYPE = "application/octet-stream";

  private final S3Client s3;
  private final String bucket;
  private final String key;
  private final int partSize;

  private byte[] buf;
  private int len;
  private long total;
  private String uploadId;
  private final List<CompletedPart> parts = new ArrayList<>();
  private boolean done;

  S3UploadStream(S3Client s3, String bucket, String key, int partSize) {
    this.s3 = s3;
    this.bucket = bucket;
    this.key = key;
    this.partSize = partSize;
    this.buf = new byte[Math.min(INITIAL_BUFFER, partSize)];
  }

  @Override
  public void write(int b) throws IOException {
    if (len == buf.length && !grow()) {
      flushPart();
    }
    buf[len++] = (byte) b;
    total++;
  }

  @Override
  public void write(byte[] b, int off, int n) throws IOException {
    while (n > 0) {
      if (len == buf.length && !grow()) {
        flushPart();
      }
      int chunk = Math.min(n, buf.length - len);
      System.arraycopy(b, off, buf, len, chunk);
      len += chunk;
      off += chunk;
      n -= chunk;
      total += chunk;
    }
  }

  /** Grows the buffer toward the part size; false once it is a whole part. */
  private boolean grow() {
    if (buf.length >= partSize) {
      return false;
    }
    buf = Arrays.copyOf(buf, (int) Math.min(partSize, 2L * buf.length));
    return true;
  }

  private void flushPart() {
    if (uploadId == null) {
      uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(key).contentType(CONTENT_TYPE))
          .uploadId();
    }
    int partNumber = parts.size() + 1;
    String etag = s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(uploadId)
        .partNumber(partNumber).contentLength((long) len), body()).eTag();
    parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
    len = 0;
  }

  private RequestBody body() {
    byte[] bytes = buf;
    int n = len;
    return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes, 0, n), n,
        CONTENT_TYPE);
  }

  /** Makes the object visible; returns its size. */
  long complete() {
    if (uploadId == null) {
      s3.putObject(r -> r.bucket(bucket).key(key).contentType(CONTENT_TYPE)
          .contentLength((long) len), body());
    } else {
      if (len > 0 || parts.isEmpty()) {
        flushPart();
      }
      s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId)
          .multipartUpload(m -> m.parts(parts)));
    }
    done = true;
    return total;
  }

  @Override
  public void close() {
    if (!done && uploadId != null) {
      try {
        s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
      } catch (SdkException e) {
        // the bucket's lifecycle rule for incomplete uploads is the backstop; the original error
        // is what the caller needs to see
      }
    }
    done = true;
  }
}
