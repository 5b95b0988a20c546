package io.traceroll.cli;

import io.traceroll.archive.s3.S3Settings;
import io.traceroll.generator.GeneratorSettings;
import io.traceroll.generator.SizeMix;
import io.traceroll.generator.TrafficDriver;
import io.traceroll.local.RunSettings;
import io.traceroll.local.RunSummary;
import io.traceroll.local.TracerollRunner;
import io.traceroll.serdes.SpanFormat;
import io.traceroll.topology.Names;
import io.traceroll.topology.TracerollConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Options shared by {@code local} and {@code run}, and the lifecycle both go through: start, print
 * progress until the duration ends or Ctrl-C, stop cleanly, print the summary.
 */
abstract class RunnerOptions {

  /** {@code 500ms}, {@code 30s}, {@code 10m}, ... as in the config file. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return TracerollConfig.parseDuration("duration", value);
    }
  }

  @Mixin
  ConfigOptions configOptions = new ConfigOptions();

  @Option(names = "--key-rule", paramLabel = "RULE",
      description = "What groups spans into a request: trace_id (default), attribute:<name> "
          + "(e.g. attribute:request.id joins async traces) or header:<name>.")
  String keyRule;

  @Option(names = "--gap", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Inactivity gap after which a request is archived.")
  Duration gap;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "traceroll-data",
      description = "Filesystem archive root (archives go to DIR/archive). Default: ${DEFAULT-VALUE}.")
  Path dataDir;

  @Option(names = "--s3-endpoint", paramLabel = "URL",
      description = "Archive to an S3-compatible store (MinIO, S3Proxy, ...) instead of DIR.")
  URI s3Endpoint;

  @Option(names = "--s3-bucket", paramLabel = "BUCKET",
      description = "S3 bucket (default traceroll with --s3-endpoint); alone: AWS S3.")
  String s3Bucket;

  @Option(names = "--s3-region", paramLabel = "REGION", defaultValue = "us-east-1",
      description = "S3 signing region. Default: ${DEFAULT-VALUE}.")
  String s3Region;

  @Option(names = "--s3-access-key", paramLabel = "KEY",
      description = "Static S3 credentials (else the AWS default chain); the secret is read "
          + "from the environment variable TRACEROLL_S3_SECRET_KEY.")
  String s3AccessKey;

  @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Stop after this long (e.g. 60s), drain and print the summary; default: "
          + "until Ctrl-C.")
  Duration duration;

  @Option(names = "--rate", paramLabel = "REQ/S", defaultValue = "20",
      description = "Generated requests per second. Default: ${DEFAULT-VALUE}.")
  double rate;

  @Option(names = "--seed", defaultValue = "1",
      description = "Generator seed (same seed, same requests). Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--sizes", paramLabel = "MIX", defaultValue = "realistic",
      description = "Request sizes: realistic (5-50 spans, 2%% ~1,000, 0.05%% 20,000), small, "
          + "or min-max,share:spans,share:spans. Default: ${DEFAULT-VALUE}.")
  String sizes;

  @Option(names = "--late-delay", paramLabel = "DURATION", converter = DurationConverter.class,
      defaultValue = "90s",
      description = "How late the late spans arrive. Default: ${DEFAULT-VALUE}.")
  Duration lateDelay;

  @Option(names = "--poison-interval", paramLabel = "DURATION",
      converter = DurationConverter.class, defaultValue = "10s",
      description = "Send undecodable records and invalid spans this often (0s: never). "
          + "Default: ${DEFAULT-VALUE}.")
  Duration poisonInterval;

  @Option(names = "--progress-interval", paramLabel = "DURATION",
      converter = DurationConverter.class, defaultValue = "5s",
      description = "Progress line interval. Default: ${DEFAULT-VALUE}.")
  Duration progressInterval;

  @Option(names = "--partitions", defaultValue = "4",
      description = "Partitions of the topics local mode creates. "
          + "Default: ${DEFAULT-VALUE}.")
  int partitions;

  /** Configuration: the file, then --set overrides, then the dedicated options. */
  Map<String, String> config() throws IOException {
    Map<String, String> config = configOptions.load();
    if (keyRule != null) {
      config.put(Names.Config.KEY_RULE, keyRule);
    }
    if (gap != null) {
      config.put(Names.Config.INACTIVITY_GAP, gap.toMillis() + "ms");
    }
    return config;
  }

  Optional<S3Settings> s3() {
    if (s3Endpoint == null && s3Bucket == null) {
      return Optional.empty();
    }
    S3Settings s = S3Settings.forBucket(s3Bucket == null ? "traceroll" : s3Bucket)
        .withRegion(s3Region);
    if (s3Endpoint != null) {
      s = s.withEndpoint(s3Endpoint, true).withCreateBucket(true);
    }
    if (s3AccessKey != null) {
      String secret = System.getenv("TRACEROLL_S3_SECRET_KEY");
      if (secret == null) {
        throw new IllegalArgumentException(
            "--s3-access-key needs the secret in TRACEROLL_S3_SECRET_KEY");
      }
      s = s.withCredentials(s3AccessKey, secret);
    }
    return Optional.of(s);
  }

  GeneratorSettings generatorSettings() {
    return GeneratorSettings.defaults(seed).withSizes(SizeMix.parse(sizes))
        .withLateSpans(GeneratorSettings.defaults(seed).lateRate(), lateDelay);
  }

  TrafficDriver.Settings trafficSettings() {
    TrafficDriver.Settings d = TrafficDriver.Settings.defaults(rate);
    return new TrafficDriver.Settings(rate, d.batchSpans(), d.flushInterval(), poisonInterval);
  }

  RunSettings runSettings(Optional<String> bootstrap, Map<SpanFormat, String> topics,
      boolean generator, boolean createTopics) throws IOException {
    Map<String, String> config = config();
    Duration gapNow = config.containsKey(Names.Config.INACTIVITY_GAP)
        ? TracerollConfig.parseDuration(Names.Config.INACTIVITY_GAP,
            config.get(Names.Config.INACTIVITY_GAP))
        : TracerollConfig.DEFAULT_INACTIVITY_GAP;
    // a request closes one gap after its last span; allow two plus slack for a busy machine
    Duration drain = gapNow.multipliedBy(2).plusSeconds(30);
    return new RunSettings(bootstrap, config, dataDir, s3(), topics,
        generator ? Optional.of(generatorSettings()) : Optional.empty(), trafficSettings(),
        Optional.ofNullable(duration), progressInterval, drain, partitions, createTopics);
  }

  /**
   * Kafka's INFO logging (every config dump, every rebalance step) would drown the progress lines;
   * WARN by default, Kafka itself at ERROR (the deliberate poison pills would otherwise print a
   * stack trace each). Any level set with -D (TRACEROLL_JAVA_OPTS) wins. Must run before the first
   * logger is created, which is why it is here and not in a logging config file.
   */
  static void quietLogging() {
    setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    setIfAbsent("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
    setIfAbsent("org.slf4j.simpleLogger.log.kafka", "error");
    setIfAbsent("org.slf4j.simpleLogger.log.io.traceroll", "info");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /**
   * Runs until the duration ends (then drains) or Ctrl-C (then closes promptly), and prints the
   * summary. The shutdown hook only signals and waits: the closing happens on this thread, so it
   * runs exactly once and its output is never cut short.
   */
  static int execute(RunSettings settings, PrintStream out) throws Exception {
    quietLogging();
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.countDown();
      try {
        finished.await(90, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "traceroll-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    TracerollRunner runner = new TracerollRunner(settings, out);
    boolean completed = false;
    try {
      runner.start();
      completed = runner.awaitStop(stop);
      if (!completed && stop.getCount() == 0) {
        out.println("traceroll: stopping (interrupted: Ctrl-C or SIGTERM) ...");
      }
    } finally {
      RunSummary summary = runner.stop(completed);
      out.println(summary.render());
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down: the hook is running and has just been released
      }
    }
    return runner.streamsFailure() == null ? 0 : 1;
  }
}
