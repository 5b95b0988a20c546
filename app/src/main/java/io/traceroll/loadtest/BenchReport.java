package io.traceroll.loadtest;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The result as the one table the README and the closing note carry. */
final class BenchReport {
  private BenchReport() {}

  static String render(Map<String, Object> r) {
    StringBuilder sb = new StringBuilder();
    sb.append("\ntraceroll bench (").append(r.get("mode")).append(") on ")
        .append(r.get("machine")).append('\n');
    if ("open-requests".equals(r.get("mode"))) {
      row(sb, "open requests", "%,d (%,d spans, %,d records)", r.get("openRequests"),
          r.get("spans"), r.get("records"));
      row(sb, "pipeline heap after forced GC", "%s (limit -Xmx%s)",
          mib(r.get("heapAfterForcedGcBytes")), r.get("pipelineHeap"));
      row(sb, "pipeline peak heap after any GC", "%s", mib(r.get("maxHeapAfterGcBytes")));
      row(sb, "pipeline peak RSS (heap + RocksDB native)", "%s", mib(r.get("peakRssBytes")));
      row(sb, "RocksDB state on disk", "%s", mib(r.get("stateDirBytes")));
      row(sb, "ingest time", "%.1f s", r.get("ingestSeconds"));
      if (r.get("heapHistogramTop") instanceof List<?> top) {
        sb.append("live heap by class (jcmd GC.class_histogram):\n");
        top.forEach(l -> sb.append("  ").append(l).append('\n'));
      }
    } else {
      row(sb, "workload", "%,d spans in %,d records (%.1f spans/record), %,d traces, %s, "
          + "%d partitions", r.get("spans"), r.get("records"), r.get("spansPerRecord"),
          r.get("traces"), r.get("formats"), r.get("partitions"));
      row(sb, "warm-up before the clock starts (not measured)", "%,d spans of other requests",
          r.get("warmupSpans"));
      row(sb, "published (producer, this JVM)", "%.1f s", r.get("publishSeconds"));
      row(sb, "broker raw read (plain consumer)", "%,.0f records/s, %,.1f MB/s = %,.0f spans/s",
          r.get("rawRecordsPerSecond"), r.get("rawMegabytesPerSecond"),
          r.get("rawSpansPerSecond"));
      row(sb, "processing floor (decode + encode + gzip, 1 thread)",
          "%.2f + %.2f + %.2f (level %d) = %.2f CPU us/span = %,.0f spans/s per core; "
          + "x %d cores = %,.0f spans/s = %.1f%% of raw", r.get("floorDecodeMicrosPerSpan"),
          r.get("floorEncodeMicrosPerSpan"), r.get("floorGzipMicrosPerSpan"),
          r.get("floorGzipLevel"), r.get("floorMicrosPerSpan"), r.get("floorSpansPerCoreSecond"),
          r.get("floorCores"), r.get("floorMaxSpansPerSecond"),
          pct(r.get("floorFractionOfRaw")));
      row(sb, "pipeline sustained (first record -> last archive)",
          "%,.0f spans/s = %.1f%% of raw (%.1f s; %,.0f spans/s net of the %d ms gap)",
          r.get("sustainedSpansPerSecond"), 100 * (double) r.get("fractionOfRaw"),
          r.get("pipelineSeconds"), r.get("sustainedSpansPerSecondNetOfGap"), r.get("gapMs"));
      row(sb, "pipeline read rate alone (first record -> all read)", "%,.0f spans/s",
          r.get("ingestSpansPerSecond"));
      row(sb, "end-to-end delay minus gap", "p50 %s ms, p99 %s ms, max %s ms (%,d requests)",
          r.get("delayP50Ms"), r.get("delayP99Ms"), r.get("delayMaxMs"), r.get("delayRequests"));
      row(sb, "archive (gzip)", "%.1f bytes/span (%s)", r.get("archiveBytesPerSpan"),
          mib(r.get("archiveBytes")));
      row(sb, "state-store changelog written", "%.1f bytes/span (%s), %.2f records/span",
          r.get("changelogBytesPerSpan"), mib(r.get("changelogBytes")),
          r.get("changelogRecordsPerSpan"));
      row(sb, "pipeline CPU", "%.1f s per million spans (%.1f s; JIT compiler threads %.1f s)",
          r.get("cpuSecondsPerMillionSpans"), r.get("cpuSeconds"), r.get("jitCompileSeconds"));
      // the pools' peaks (JSON heapPoolPeaksBytes) fall at different times and include garbage:
      // their sum can exceed -Xmx, so the table shows the heap right after collections
      row(sb, "pipeline peak heap", "%s after GC (-Xmx %s; peak RSS %s)",
          mib(r.get("maxHeapAfterGcBytes")), mib(r.get("heapMaxBytes")),
          mib(r.get("peakRssBytes")));
      row(sb, "spans in = archived + dead-lettered", "%,d read, %,d archived (%,d parts), %,d dead letters",
          r.get("spansIn"), r.get("spansArchived"), r.get("partsWritten"), r.get("deadLetters"));
      if (r.get("countersAheadOfIndex") instanceof Long ahead && ahead > 0) {
        row(sb, "work redone (a transaction aborted, its task moved)",
            "%,d spans archived again; the index lists each span once", ahead);
      }
    }
    List<?> problems = (List<?>) r.get("problems");
    if (problems != null && !problems.isEmpty()) {
      sb.append("FAILED:\n");
      problems.forEach(p -> sb.append("  ").append(p).append('\n'));
    }
    return sb.toString();
  }

  private static void row(StringBuilder sb, String name, String format, Object... args) {
    // a value not measured in this run (e.g. no request to time) makes the row n/a, never "null"
    String value = Arrays.stream(args).anyMatch(a -> a == null) ? "n/a"
        : String.format(Locale.ROOT, format, args);
    sb.append(String.format(Locale.ROOT, "| %-52s | %s |%n", name, value));
  }

  private static Object pct(Object fraction) {
    return fraction instanceof Number n ? 100 * n.doubleValue() : null;
  }

  private static String mib(Object bytes) {
    if (!(bytes instanceof Number n)) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%.1f MiB", n.doubleValue() / (1 << 20));
  }
}
