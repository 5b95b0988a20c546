package io.traceroll.archive.s3;

import io.traceroll.archive.ArchiveHealth;
import io.traceroll.archive.ArchiveStore;
import io.traceroll.archive.CountingOutputStream;
import io.traceroll.archive.HealthTracker;
import io.traceroll.archive.ObjectBody;
import io.traceroll.archive.ObjectKeys;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An {@link ArchiveStore} on an S3-compatible bucket through the AWS SDK v2 (sync client, Apache
 * HTTP). Puts are atomic by S3's own semantics: a PUT or a completed multipart upload replaces the
 * object in one step, an aborted one leaves nothing visible.
 *
 * <p>Retries with exponential backoff are the SDK's standard retry strategy, bounded by an API
 * call timeout; what is left after them surfaces as an {@link IOException} and degrades
 * {@link #health()}.
 */
public final class S3ArchiveStore implements ArchiveStore {

  private static final Logger LOG = LoggerFactory.getLogger(S3ArchiveStore.class);

  private final S3Settings settings;
  private final S3Client s3;
  private final HealthTracker health = new HealthTracker();
  private volatile boolean bucketChecked;

  /** Builds the client; does not contact the server (the bucket is checked on first use). */
  public S3ArchiveStore(S3Settings settings) {
    this.settings = settings;
    this.s3 = buildClient(settings);
    this.bucketChecked = !settings.createBucket();
  }

  static S3Client buildClient(S3Settings settings) {
    AwsCredentialsProvider credentials = settings.accessKey().isPresent()
        ? StaticCredentialsProvider.create(AwsBasicCredentials.create(
            settings.accessKey().get(), settings.secretKey().orElseThrow()))
        : DefaultCredentialsProvider.builder().build();
    Duration base = settings.retryBaseDelay();
    Duration max = base.multipliedBy(20);
    S3ClientBuilder b = S3Client.builder()
        .region(Region.of(settings.region()))
        .credentialsProvider(credentials)
        .forcePathStyle(settings.pathStyle())
        .httpClientBuilder(ApacheHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(5))
            .socketTimeout(Duration.ofSeconds(60)))
        .overrideConfiguration(o -> o
            .apiCallTimeout(settings.apiCallTimeout())
            .retryStrategy(r -> r.maxAttempts(settings.maxAttempts())
                .backoffStrategy(BackoffStrategy.exponentialDelay(base, max))));
    settings.endpoint().ifPresent(uri -> {
      b.endpointOverride(uri);
      // S3-compatible servers lag behind AWS's newer default integrity checksums (trailing
      // aws-chunked CRCs); computing them only where the API requires keeps MinIO/Ceph/S3Proxy
      // working. Against AWS itself the SDK defaults stay in force.
      b.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED);
      b.responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    });
    return b.build();
  }

  @Override
  public long put(String objectKey, ObjectBody body) throws IOException {
    ObjectKeys.validate(objectKey);
    try {
      ensureBucket();
      long size;
      try (S3UploadStream upload = new S3UploadStream(s3, settings.bucket(), objectKey,
          settings.partSizeBytes())) {
        // a body that closes its stream (e.g. through Compression.wrap) must not abort the upload
        body.writeTo(new CountingOutputStream(upload));
        size = upload.complete();
      }
      health.success();
      return size;
    } catch (SdkException e) {
      throw health.failure(wrap("put", objectKey, e));
    } catch (IOException e) {
      throw health.failure(e);
    }
  }

  @Override
  public Optional<InputStream> get(String objectKey) throws IOException {
    ObjectKeys.validate(objectKey);
    try {
      ensureBucket();
      InputStream in = s3.getObject(r -> r.bucket(settings.bucket()).key(objectKey));
      health.success();
      return Optional.of(in);
    } catch (NoSuchKeyException e) {
      health.success();
      return Optional.empty();
    } catch (SdkException e) {
      throw health.failure(wrap("get", objectKey, e));
    } catch (IOException e) {
      throw health.failure(e);
    }
  }

  @Override
  public List<String> list(String prefix) throws IOException {
    try {
      ensureBucket();
      List<String> keys = new ArrayList<>();
      for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(settings.bucket()).prefix(prefix))
          .contents()) {
        keys.add(o.key());
      }
      // S3 lists in UTF-8 byte order; our keys are ASCII, where that equals String order, but a
      // foreign object in the bucket must not break the documented contract
      keys.sort(null);
      health.success();
      return keys;
    } catch (SdkException e) {
      throw health.failure(wrap("list", prefix, e));
    } catch (IOException e) {
      throw health.failure(e);
    }
  }

  @Override
  public String describe() {
    return settings.describe();
  }

  @Override
  public ArchiveHealth health() {
    return health.snapshot();
  }

  @Override
  public void close() {
    s3.close();
  }

  private void ensureBucket() throws IOException {
    if (bucketChecked) {
      return;
    }
    synchronized (this) {
      if (bucketChecked) {
        return;
      }
      try {
        s3.headBucket(r -> r.bucket(settings.bucket()));
      } catch (NoSuchBucketException e) {
        createBucket();
      } catch (S3Exception e) {
        if (e.statusCode() != 404) {
          throw e;
        }
        createBucket();
      }
      bucketChecked = true;
    }
  }

  private void createBucket() {
    try {
      s3.createBucket(r -> r.bucket(settings.bucket()));
      LOG.info("created bucket {}", settings.describe());
    } catch (BucketAlreadyOwnedByYouException e) {
      // another instance won the race: fine
    }
  }

  private IOException wrap(String op, String key, SdkException e) {
    // SDK messages carry request ids and status, never credentials
    return new IOException("S3 " + op + " failed for " + settings.bucket() + "/" + key + ": "
        + e.getMessage(), e);
  }
}
