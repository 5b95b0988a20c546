package io.traceroll.it;

import io.traceroll.archive.s3.S3ArchiveStore;
import io.traceroll.archive.s3.S3Settings;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3 API (S3Proxy) in front of jclouds' in-memory blob store. The blob store is kept across
 * {@link #stop()}/{@link #start()}, so a restart on the same port is an outage, not a data loss.
 */
final class S3Fixture implements AutoCloseable {

  private static final String ACCESS = "it-access";
  private static final String SECRET = "it-secret";

  private final BlobStoreContext blobs;
  private final URI endpoint;
  private S3Proxy proxy;

  private S3Fixture(BlobStoreContext blobs, URI endpoint) {
    this.blobs = blobs;
    this.endpoint = endpoint;
  }

  static S3Fixture start() throws Exception {
    BlobStoreContext blobs = ContextBuilder.newBuilder("transient")
        .credentials("identity", "credential").overrides(new Properties())
        .build(BlobStoreContext.class);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    S3Fixture f = new S3Fixture(blobs, URI.create("http://127.0.0.1:" + port));
    f.startServer();
    return f;
  }

  synchronized void startServer() throws Exception {
    proxy = S3Proxy.builder().blobStore(blobs.getBlobStore()).endpoint(endpoint)
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).build();
    proxy.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
      }
      Thread.sleep(10);
    }
  }

  synchronized void stopServer() throws Exception {
    proxy.stop();
  }

  /**
   * The production store pointed at this server. Few, quick SDK retries: the topology's own retry
   * (budget, then sealed-part retries on every punctuation) is what these tests exercise.
   */
  S3ArchiveStore store(String bucket) {
    return store(endpoint, bucket);
  }

  URI endpoint() {
    return endpoint;
  }

  /** As {@link #store(String)}, for a pipeline in another JVM that knows only the endpoint. */
  static S3ArchiveStore store(URI endpoint, String bucket) {
    return new S3ArchiveStore(S3Settings.forBucket(bucket).withEndpoint(endpoint, true)
        .withCredentials(ACCESS, SECRET).withCreateBucket(true)
        .withRetries(2, Duration.ofMillis(50), Duration.ofSeconds(10)));
  }

  @Override
  public void close() throws Exception {
    try {
      proxy.stop();
    } finally {
      blobs.close();
    }
  }
}
