package io.traceroll.loadtest;

import io.traceroll.generator.SizeMix;
import io.traceroll.serdes.SpanFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One benchmark run.
 *
 * @param workload replay this file instead of generating ({@link WorkloadFile})
 * @param writeWorkload also write the records published to this file
 * @param format wire format of generated records
 * @param requests generate at most this many requests...
 * @param spans ...or stop once this many spans are generated, whichever comes first
 * @param partitions partitions of each input topic
 * @param gap inactivity gap after which the pipeline archives a request (also its root grace, so
 *     every request waits exactly the gap and the delay net of the gap is the pipeline's own)
 * @param openRequests when positive, the open-requests mode instead: this many small requests
 *     that stay open, and the pipeline's live heap holding them
 * @param out where the archive, the logs, the recording and {@code bench-result.json} stay;
 *     empty for a temporary directory deleted at the end
 * @param keyed declare the inputs keyed by trace id (no repartition in front of the state)
 * @param warmupSpans spans of other requests published, and archived, before the measured
 *     workload, so the numbers are those of a running service rather than of a JVM compiling its
 *     hot code (0 for none)
 * @param pipelineHeap the pipeline JVM's {@code -Xmx}
 * @param pipelineJvmOptions more options for the pipeline JVM (GC, JIT, ...)
 * @param config more pipeline configuration ({@code -D}), overriding the benchmark's
 */
public record BenchSettings(Optional<Path> workload, Optional<Path> writeWorkload,
    SpanFormat format, long requests, long spans, SizeMix sizes, int partitions, Duration gap,
    long seed, boolean profile, long openRequests, Optional<Path> out, boolean keyed,
    long warmupSpans, String pipelineHeap, List<String> pipelineJvmOptions, Map<String, String> config) {

  public BenchSettings {
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(writeWorkload, "writeWorkload");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(sizes, "sizes");
    Objects.requireNonNull(gap, "gap");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(pipelineHeap, "pipelineHeap");
    pipelineJvmOptions = List.copyOf(pipelineJvmOptions);
    config = Map.copyOf(config);
    if (requests < 1 || spans < 1) {
      throw new IllegalArgumentException("requests and spans must be >= 1");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1");
    }
    if (gap.isNegative() || gap.isZero()) {
      throw new IllegalArgumentException("gap must be > 0");
    }
    if (warmupSpans < 0) {
      throw new IllegalArgumentException("warmupSpans must be >= 0");
    }
    if (openRequests < 0) {
      throw new IllegalArgumentException("openRequests must be >= 0");
    }
    if (openRequests > 0 && (workload.isPresent() || writeWorkload.isPresent())) {
      // a million requests are generated while publishing, never held as a workload
      throw new IllegalArgumentException("--open-requests generates its own requests; "
          + "--workload and --write-workload do not apply");
    }
  }

  /** Input topic of a format: one per format present in the workload. */
  static String topic(SpanFormat f) {
    return "bench-" + f.configName();
  }
}
