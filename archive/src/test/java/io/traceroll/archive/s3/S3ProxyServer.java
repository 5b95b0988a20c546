package io.traceroll.archive.s3;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3 server in-process: S3Proxy in front of jclouds' in-memory ("transient") blob store.
 * The blob store outlives {@link #stop()}, so a restarted server on the same port serves the same
 * data, which is what an outage looks like to a client.
 */
final class S3ProxyServer implements AutoCloseable {

  static final String ACCESS = "local-access";
  static final String SECRET = "local-secret-do-not-log";

  private final BlobStoreContext context;
  private final BlobStore blobStore;
  private final int port;
  private S3Proxy proxy;

  S3ProxyServer() throws Exception {
    context = ContextBuilder.newBuilder("transient").credentials("identity", "credential")
        .overrides(new Properties()).build(BlobStoreContext.class);
    blobStore = context.getBlobStore();
    port = freePort();
    start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  void start() throws Exception {
    proxy = S3Proxy.builder().blobStore(blobStore).endpoint(endpoint())
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).build();
    proxy.start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!proxy.getState().equals("STARTED")) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
      }
      Thread.sleep(10);
    }
  }

  void stop() throws Exception {
    proxy.stop();
  }

  S3Settings settings(String bucket) {
    return S3Settings.forBucket(bucket).withEndpoint(endpoint(), true)
        .withCredentials(ACCESS, SECRET).withCreateBucket(true);
  }

  @Override
  public void close() throws Exception {
    stop();
    context.close();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }
}
