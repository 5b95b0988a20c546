package io.traceroll.loadtest;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.traceroll.generator.TrafficDriver;
import io.traceroll.local.RunSettings;
import io.traceroll.local.TracerollRunner;
import io.traceroll.serdes.SpanFormat;
import io.traceroll.topology.metrics.TracerollMetrics;
import io.traceroll.topology.metrics.TracerollMetrics.CloseCause;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The pipeline JVM of a benchmark: {@link TracerollRunner} against the benchmark's broker with the
 * filesystem archive, in a process of its own so that its CPU time and heap are the pipeline's
 * alone. Reports {@link ChildStats} on stdout every {@code bench.child.stats.interval} and on
 * request; commands on stdin, one per line: {@code gc} (force a full collection, report the live
 * heap), {@code stats}, {@code stop} (close Streams, exit). End of stdin (the benchmark died) also
 * stops it, so no orphan keeps running.
 */
public final class PipelineChild {

  static final String BOOTSTRAP = "bench.child.bootstrap";
  static final String DATA_DIR = "bench.child.data.dir";
  static final String INPUTS = "bench.child.inputs";
  static final String STATS_INTERVAL_MS = "bench.child.stats.interval.ms";

  private static final AtomicLong LAST_AFTER_GC = new AtomicLong();
  private static final AtomicLong MAX_AFTER_GC = new AtomicLong();
  private static final AtomicLong COMMANDS_DONE = new AtomicLong();

  private PipelineChild() {}

  /** {@code args[0]}: a properties file; {@code bench.child.*} keys, the rest is configuration. */
  public static void main(String[] args) throws Exception {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(Path.of(args[0]))) {
      p.load(in);
    }
    String bootstrap = (String) p.remove(BOOTSTRAP);
    Path dataDir = Path.of((String) p.remove(DATA_DIR));
    Map<SpanFormat, String> inputs = new LinkedHashMap<>();
    for (String entry : ((String) p.remove(INPUTS)).split(",")) {
      String[] ft = entry.split("=", 2);
      inputs.put(SpanFormat.fromConfig(ft[0]), ft[1]);
    }
    long interval = Long.parseLong((String) p.remove(STATS_INTERVAL_MS));
    Map<String, String> config = new LinkedHashMap<>();
    p.stringPropertyNames().forEach(k -> config.put(k, p.getProperty(k)));

    watchCollections();
    PrintStream out = System.out;
    RunSettings settings = new RunSettings(Optional.of(bootstrap), config, dataDir,
        Optional.empty(), inputs, Optional.empty(), TrafficDriver.Settings.defaults(1),
        Optional.empty(), Duration.ofHours(1), Duration.ZERO, 1, false);
    TracerollRunner runner = new TracerollRunner(settings, out);
    runner.start();

    Thread reporter = new Thread(() -> {
      try {
        while (!Thread.currentThread().isInterrupted()) {
          report(runner);
          Thread.sleep(interval);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "bench-child-stats");
    reporter.setDaemon(true);
    reporter.start();

    BufferedReader commands =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String command;
    while ((command = commands.readLine()) != null && !command.equals("stop")) {
      if (command.equals("gc")) {
        // twice: the first collection may only promote what the second can free
        System.gc();
        System.gc();
        long live = heapUsed();
        LAST_AFTER_GC.set(live);
        MAX_AFTER_GC.accumulateAndGet(live, Math::max);
      }
      COMMANDS_DONE.incrementAndGet();
      report(runner);
    }
    reporter.interrupt();
    report(runner);
    runner.stop(false);
    out.println("traceroll-bench: pipeline stopped");
    out.flush();
    // Kafka's and RocksDB's non-daemon threads must not outlive the benchmark
    System.exit(0);
  }

  private static synchronized void report(TracerollRunner runner) {
    TracerollMetrics m = runner.metrics();
    long requests = 0;
    for (CloseCause c : CloseCause.values()) {
      if (c.finishesRequest()) {
        requests += (long) m.count(TracerollMetrics.REQUESTS_CLOSED, "cause", c.tag());
      }
    }
    long peaks = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peaks += pool.getPeakUsage().getUsed();
      }
    }
    long gcs = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      gcs += Math.max(0, gc.getCollectionCount());
    }
    Throwable failure = runner.streamsFailure();
    ChildStats stats = new ChildStats((long) m.total(TracerollMetrics.SPANS_IN),
        (long) m.total(TracerollMetrics.SPANS_ARCHIVED),
        (long) m.total(TracerollMetrics.DEAD_LETTERS),
        (long) m.total(TracerollMetrics.PARTS_WRITTEN), requests, heapUsed(),
        LAST_AFTER_GC.get(), MAX_AFTER_GC.get(), peaks,
        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax(), gcs,
        ManagementFactory.getCompilationMXBean().getTotalCompilationTime(), COMMANDS_DONE.get(),
        failure == null ? "" : failure.toString());
    System.out.println(stats.toLine());
    System.out.flush();
  }

  private static long heapUsed() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /**
   * Heap in use right after each collection, from the collector's own notification: sampling the
   * pools would mostly see garbage waiting for the next young collection.
   */
  private static void watchCollections() {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (!(gc instanceof NotificationEmitter emitter)) {
        continue;
      }
      emitter.addNotificationListener((notification, handback) -> {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION
            .equals(notification.getType())) {
          return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo
            .from((CompositeData) notification.getUserData());
        long after = 0;
        for (Map.Entry<String, MemoryUsage> e
            : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
          if (isHeapPool(e.getKey())) {
            after += e.getValue().getUsed();
          }
        }
        LAST_AFTER_GC.set(after);
        MAX_AFTER_GC.accumulateAndGet(after, Math::max);
      }, null, null);
    }
  }

  private static boolean isHeapPool(String name) {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getName().equals(name)) {
        return pool.getType() == MemoryType.HEAP;
      }
    }
    return false;
  }
}
