package io.traceroll.it;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A traceroll instance in its own JVM, so a test can kill it with SIGKILL: no shutdown hook, no
 * last commit, an open transaction left behind. Only such a crash shows what exactly-once is for;
 * a clean close commits everything and would pass with any guarantee.
 */
final class KillablePipeline implements AutoCloseable {

  static final String READY = "traceroll-it: RUNNING";
  private static final String S3_ENDPOINT = "it.s3.endpoint";
  private static final String S3_BUCKET = "it.s3.bucket";

  private final Process process;
  private final Path log;

  private KillablePipeline(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts the pipeline in a child JVM (this test class path) and waits until it runs. */
  static KillablePipeline start(Map<String, String> config, URI s3, String bucket, Path dir)
      throws Exception {
    Properties p = new Properties();
    p.putAll(config);
    p.setProperty(S3_ENDPOINT, s3.toString());
    p.setProperty(S3_BUCKET, bucket);
    Path file = dir.resolve("pipeline.properties");
    try (var out = Files.newBufferedWriter(file)) {
      p.store(out, null);
    }
    Path log = dir.resolve("pipeline.log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx384m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(KillablePipeline.class.getName());
    command.add(file.toString());
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    KillablePipeline k = new KillablePipeline(process, log);
    Await.until(Duration.ofSeconds(90), "child pipeline RUNNING", () -> {
      if (!process.isAlive()) {
        throw new AssertionError("child pipeline died:\n" + k.logTail());
      }
      return Files.readString(log).contains(READY);
    });
    return k;
  }

  /** SIGKILL, and wait until the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  String logTail() throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }

  /** The child: run until killed. */
  public static void main(String[] args) throws Exception {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(Path.of(args[0]))) {
      p.load(in);
    }
    URI endpoint = URI.create((String) p.remove(S3_ENDPOINT));
    String bucket = (String) p.remove(S3_BUCKET);
    Map<String, String> config = new LinkedHashMap<>();
    p.stringPropertyNames().forEach(k -> config.put(k, p.getProperty(k)));
    PipelineFixture pipeline = PipelineFixture.start(config, S3Fixture.store(endpoint, bucket));
    System.out.println(READY);
    System.out.flush();
    while (true) {
      pipeline.assertHealthy();
      Thread.sleep(500);
    }
  }
}
