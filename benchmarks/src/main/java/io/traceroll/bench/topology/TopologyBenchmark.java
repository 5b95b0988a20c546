package io.traceroll.bench.topology;

import io.traceroll.archive.ArchiveLayout;
import io.traceroll.archive.Compression;
import io.traceroll.archive.fs.FileSystemArchiveStore;
import io.traceroll.serdes.SpanFormat;
import io.traceroll.serdes.otlp.OtlpEncoder;
import io.traceroll.span.Span;
import io.traceroll.span.TestSpans;
import io.traceroll.topology.InputTopic;
import io.traceroll.topology.TopologySettings;
import io.traceroll.topology.TraceAssemblyTopology;
import io.traceroll.topology.TracerollConfig;
import io.traceroll.topology.metrics.TracerollMetrics;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Drives the real topology (TopologyTestDriver, persistent RocksDB stores, filesystem archive) with
 * requests of several sizes and reports spans/s and state-store bytes written per span.
 *
 * <p>The claim under test: cost per span does not grow with request size (a 20,000-span request is
 * not quadratically more expensive than 2,000 ten-span ones), because appending a span never reads
 * or rewrites the spans already stored. Bytes written to state are measured on the changelog
 * topics, i.e. exactly what a broker would receive for the stores.
 *
 * <p>Usage: {@code TopologyBenchmark [spansPerSize=100000] [sizes=10,1000,20000] [rounds=3]}. Not
 * a JMH benchmark: one iteration is a whole topology run whose closing phase (archiving) is part of
 * the cost; each size is run {@code rounds} times after a warm-up and the median is reported.
 */
public final class TopologyBenchmark {

  private static final int SPANS_PER_RECORD = 100;
  /** {@code -Dtraceroll.bench.fsync=false}: archive without flushing each object to disk. */
  private static final boolean FSYNC =
      Boolean.parseBoolean(System.getProperty("traceroll.bench.fsync", "true"));
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  /** One measured run. */
  public record Result(int requestSize, int spans, double ingestSeconds, double seconds,
      double cpuSeconds, long stateBytes, int parts) {
    /** End to end: ingest plus closing and archiving every part. */
    public double spansPerSecond() {
      return spans / seconds;
    }

    /** Collection alone (decode, repartition, store appends), before any part closes. */
    public double ingestSpansPerSecond() {
      return spans / ingestSeconds;
    }

    /**
     * CPU time of the whole process per span (all threads: the archive threads, GC, JIT): what the
     * machine pays, unlike wall time also meaningful on a machine shared with other work.
     */
    public double cpuMicrosPerSpan() {
      return cpuSeconds * 1e6 / spans;
    }

    public double stateBytesPerSpan() {
      return (double) stateBytes / spans;
    }
  }

  public static void main(String[] args) throws IOException {
    int spansPerSize = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int[] sizes = args.length > 1 ? Stream.of(args[1].split(",")).mapToInt(Integer::parseInt)
        .toArray() : new int[] {10, 1_000, 20_000};
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;

    System.out.println("warm-up ...");
    run(10, Math.min(spansPerSize, 20_000));
    run(1_000, Math.min(spansPerSize, 20_000));
    System.out.printf("%-14s %10s %16s %18s %14s %18s %8s%n", "request size", "spans",
        "ingest spans/s", "end-to-end spans/s", "CPU us/span", "state bytes/span", "parts");
    for (int size : sizes) {
      List<Result> results = new ArrayList<>();
      for (int i = 0; i < rounds; i++) {
        results.add(run(size, spansPerSize));
      }
      results.sort(Comparator.comparingDouble(Result::spansPerSecond));
      Result median = results.get(results.size() / 2);
      System.out.printf("%-14d %10d %16.0f %18.0f %14.1f %18.1f %8d%n", size, median.spans(),
          median.ingestSpansPerSecond(), median.spansPerSecond(), median.cpuMicrosPerSpan(),
          median.stateBytesPerSpan(), median.parts());
    }
  }

  /** Runs {@code total} spans in requests of {@code size} spans through a fresh topology. */
  public static Result run(int size, int total) throws IOException {
    Path dir = Files.createTempDirectory("traceroll-bench");
    try {
      TopologySettings settings = TopologySettings.defaults(
          List.of(new InputTopic("spans", SpanFormat.OTLP_PROTO, false)),
          new ArchiveLayout("", Compression.GZIP));
      List<byte[]> records = encode(size, total);
      TracerollMetrics metrics = new TracerollMetrics();
      Properties props = new Properties();
      props.putAll(TracerollConfig.streamsDefaults(settings, metrics));
      props.put(StreamsConfig.APPLICATION_ID_CONFIG, "traceroll-bench");
      props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
      props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
      try (FileSystemArchiveStore store = new FileSystemArchiveStore(dir.resolve("archive"), FSYNC);
          TopologyTestDriver driver = new TopologyTestDriver(
              new TraceAssemblyTopology(settings, store, metrics).get(), props, T0)) {
        TestInputTopic<byte[], byte[]> in = driver.createInputTopic("spans",
            new ByteArraySerializer(), new ByteArraySerializer());
        long stateBytes = 0;
        long t0 = System.nanoTime();
        long cpu0 = processCpuNanos();
        for (int i = 0; i < records.size(); i++) {
          in.pipeInput(new TestRecord<>(null, records.get(i), T0));
          if (i % 200 == 199) {
            stateBytes += drainChangelogs(driver); // keeps the driver's output queues small
          }
        }
        double ingestSeconds = (System.nanoTime() - t0) / 1e9;
        driver.advanceWallClockTime(settings.inactivityGap().plus(Duration.ofSeconds(1)));
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuSeconds = (processCpuNanos() - cpu0) / 1e9;
        stateBytes += drainChangelogs(driver);
        int archived = (int) metrics.total(TracerollMetrics.SPANS_ARCHIVED);
        if (archived != total) {
          throw new IllegalStateException("archived " + archived + " of " + total + " spans");
        }
        return new Result(size, total, ingestSeconds, seconds, cpuSeconds, stateBytes,
            (int) metrics.total(TracerollMetrics.PARTS_WRITTEN));
      }
    } finally {
      deleteTree(dir);
    }
  }

  private static List<byte[]> encode(int size, int total) {
    List<byte[]> records = new ArrayList<>();
    List<Span> batch = new ArrayList<>(SPANS_PER_RECORD);
    for (int req = 0; req * size < total; req++) {
      // the realistic generator the mapping tests use: 12 services, fan-out, async, errors
      for (Span s : TestSpans.request(Math.min(size, total - req * size), 42L + req)) {
        batch.add(s);
        if (batch.size() == SPANS_PER_RECORD) {
          records.add(OtlpEncoder.toProto(batch));
          batch.clear();
        }
      }
    }
    if (!batch.isEmpty()) {
      records.add(OtlpEncoder.toProto(batch));
    }
    return records;
  }

  /** Bytes (key + value) the stores sent to their changelog topics since the last call. */
  private static long drainChangelogs(TopologyTestDriver driver) {
    long bytes = 0;
    for (String topic : driver.producedTopicNames()) {
      if (!topic.endsWith("-changelog")) {
        continue;
      }
      for (TestRecord<byte[], byte[]> rec : driver.createOutputTopic(topic,
          new ByteArrayDeserializer(), new ByteArrayDeserializer()).readRecordsToList()) {
        bytes += (rec.key() == null ? 0 : rec.key().length)
            + (rec.value() == null ? 0 : rec.value().length);
      }
    }
    return bytes;
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

}
