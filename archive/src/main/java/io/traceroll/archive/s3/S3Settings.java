package io.traceroll.archive.s3;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach one S3-compatible bucket.
 *
 * @param endpoint endpoint override for MinIO, Ceph RGW, S3Proxy...; empty for AWS itself
 * @param region signing region; S3-compatible servers usually accept any, e.g. {@code us-east-1}
 * @param pathStyle address the bucket as {@code endpoint/bucket/key} rather than as a virtual host
 *     (what most self-hosted servers need)
 * @param accessKey explicit credentials for local use; when empty the SDK's default provider chain
 *     is used (environment, system properties, profile, web identity, container, instance)
 * @param secretKey see {@code accessKey}; never logged, never in {@link #toString()}
 * @param partSizeBytes objects up to this size are one PUT; larger ones are streamed as multipart
 *     uploads of parts this size (S3 requires at least 5 MiB per part except the last); this is also
 *     the most a put buffers in memory
 * @param maxAttempts attempts per S3 request (first try plus retries with exponential backoff)
 * @param retryBaseDelay first backoff delay; it doubles per attempt (with jitter) up to 20x
 * @param apiCallTimeout bound on one request including its retries, so an outage surfaces as an
 *     error instead of a hung stream thread
 * @param createBucket create the bucket on first use when it does not exist
 */
public record S3Settings(
    String bucket,
    Optional<URI> endpoint,
    String region,
    boolean pathStyle,
    Optional<String> accessKey,
    Optional<String> secretKey,
    int partSizeBytes,
    int maxAttempts,
    Duration retryBaseDelay,
    Duration apiCallTimeout,
    boolean createBucket) {

  public static final int DEFAULT_PART_SIZE = 8 * 1024 * 1024;
  /** S3 rejects multipart parts smaller than this (except the last one). */
  public static final int MIN_PART_SIZE = 5 * 1024 * 1024;

  public S3Settings {
    Objects.requireNonNull(bucket, "bucket");
    if (bucket.isBlank()) {
      throw new IllegalArgumentException("S3 bucket is empty");
    }
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(accessKey, "accessKey");
    Objects.requireNonNull(secretKey, "secretKey");
    if (accessKey.isPresent() != secretKey.isPresent()) {
      throw new IllegalArgumentException("S3 access key and secret key must be given together");
    }
    if (partSizeBytes < MIN_PART_SIZE) {
      throw new IllegalArgumentException("S3 part size must be at least " + MIN_PART_SIZE
          + " bytes (S3's minimum part size): " + partSizeBytes);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("S3 max attempts must be >= 1: " + maxAttempts);
    }
    Objects.requireNonNull(retryBaseDelay, "retryBaseDelay");
    Objects.requireNonNull(apiCallTimeout, "apiCallTimeout");
  }

  /** AWS defaults for a bucket: default region chain is not consulted, us-east-1 is assumed. */
  public static S3Settings forBucket(String bucket) {
    return new S3Settings(bucket, Optional.empty(), "us-east-1", false, Optional.empty(),
        Optional.empty(), DEFAULT_PART_SIZE, 5, Duration.ofMillis(100), Duration.ofMinutes(2),
        false);
  }

  public S3Settings withEndpoint(URI uri, boolean pathStyle) {
    return new S3Settings(bucket, Optional.of(uri), region, pathStyle, accessKey, secretKey,
        partSizeBytes, maxAttempts, retryBaseDelay, apiCallTimeout, createBucket);
  }

  public S3Settings withCredentials(String access, String secret) {
    return new S3Settings(bucket, endpoint, region, pathStyle, Optional.of(access),
        Optional.of(secret), partSizeBytes, maxAttempts, retryBaseDelay, apiCallTimeout,
        createBucket);
  }

  public S3Settings withPartSize(int bytes) {
    return new S3Settings(bucket, endpoint, region, pathStyle, accessKey, secretKey, bytes,
        maxAttempts, retryBaseDelay, apiCallTimeout, createBucket);
  }

  public S3Settings withRetries(int attempts, Duration baseDelay, Duration callTimeout) {
    return new S3Settings(bucket, endpoint, region, pathStyle, accessKey, secretKey, partSizeBytes,
        attempts, baseDelay, callTimeout, createBucket);
  }

  public S3Settings withCreateBucket(boolean create) {
    return new S3Settings(bucket, endpoint, region, pathStyle, accessKey, secretKey, partSizeBytes,
        maxAttempts, retryBaseDelay, apiCallTimeout, create);
  }

  public S3Settings withRegion(String newRegion) {
    return new S3Settings(bucket, endpoint, newRegion, pathStyle, accessKey, secretKey,
        partSizeBytes, maxAttempts, retryBaseDelay, apiCallTimeout, createBucket);
  }

  /** Where, for logs and the status page: never the credentials. */
  public String describe() {
    return "s3://" + bucket + " (" + endpoint.map(u -> "endpoint " + u + ", ").orElse("")
        + "region " + region + (pathStyle ? ", path-style" : "")
        + (accessKey.isPresent() ? ", static credentials" : ", default credential chain") + ")";
  }

  @Override
  public String toString() {
    // the generated toString would print the secret key
    return "S3Settings[" + describe() + ", partSize=" + partSizeBytes + ", maxAttempts="
        + maxAttempts + ", createBucket=" + createBucket + "]";
  }
}
