package io.traceroll.cli;

import io.traceroll.generator.SizeMix;
import io.traceroll.loadtest.BenchSettings;
import io.traceroll.loadtest.EndToEndBench;
import io.traceroll.serdes.SpanFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "End-to-end benchmark on this machine: an embedded Kafka broker, the pipeline in a child "
          + "JVM (filesystem archive) and a pre-generated workload published as fast as the "
          + "producer can. Reports, on the same records: the broker's raw read rate (plain "
          + "consumer), the pipeline's sustained spans/s and its fraction of raw, end-to-end "
          + "delay p50/p99 minus the gap, archive and changelog bytes/span, pipeline CPU "
          + "seconds per million spans and peak heap. Fails (exit 1) unless every span read "
          + "was archived or dead-lettered.",
      "--open-requests N instead measures the pipeline's heap holding N open requests.",
      "Workload files (--workload, --write-workload): JSON lines, one record each: "
          + "{\"format\":\"otlp_proto\",\"key\":\"<text>\",\"value_b64\":\"<base64>\"}; "
          + "\"key_b64\" for a binary key, \"value\" (text) for JSON formats."
    })
final class BenchCommand implements Callable<Integer> {

  /** {@code otlp} is the Collector's default OTLP protobuf; the config names work too. */
  static final class FormatConverter implements ITypeConverter<SpanFormat> {
    @Override
    public SpanFormat convert(String value) {
      return value.equalsIgnoreCase("otlp") ? SpanFormat.OTLP_PROTO
          : SpanFormat.fromConfig(value);
    }
  }

  @Mixin
  ConfigOptions configOptions = new ConfigOptions();

  static final long DEFAULT_SPANS = 300_000;

  @Option(names = "--spans", paramLabel = "N",
      description = "Generate requests until this many spans. Default: 300000 unless "
          + "--requests is given.")
  Long spans;

  @Option(names = "--requests", paramLabel = "N",
      description = "Generate this many requests (unless --spans is reached first).")
  Long requests;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "otlp",
      converter = FormatConverter.class,
      description = "otlp (OTLP protobuf), otlp-json, zipkin-json or avro. Default: "
          + "${DEFAULT-VALUE}.")
  SpanFormat format;

  @Option(names = "--sizes", paramLabel = "MIX", defaultValue = "realistic",
      description = "Request sizes as for local mode. Default: ${DEFAULT-VALUE} (5-50 spans, "
          + "2%% ~1,000, 0.05%% 20,000).")
  String sizes;

  @Option(names = "--workload", paramLabel = "FILE.jsonl",
      description = "Replay these records instead of generating (format per line, else "
          + "--format).")
  Path workload;

  @Option(names = "--write-workload", paramLabel = "FILE.jsonl",
      description = "Also write the records published, to feed other systems the same load.")
  Path writeWorkload;

  @Option(names = "--partitions", defaultValue = "4",
      description = "Partitions per input topic. Default: ${DEFAULT-VALUE}.")
  int partitions;

  @Option(names = "--gap", paramLabel = "DURATION", defaultValue = "2s",
      converter = RunnerOptions.DurationConverter.class,
      description = "Inactivity gap (and root grace). Default: ${DEFAULT-VALUE}.")
  Duration gap;

  @Option(names = "--seed", defaultValue = "1",
      description = "Generator seed. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--keyed",
      description = "Declare the inputs keyed by trace id (no repartition before the state).")
  boolean keyed;

  @Option(names = "--profile",
      description = "Record the pipeline JVM with JFR and print its hottest frames.")
  boolean profile;

  @Option(names = "--open-requests", paramLabel = "N", defaultValue = "0",
      description = "Instead: N small requests that stay open; reports the pipeline's heap "
          + "after a forced GC (target <= 1 GiB for 1,000,000).")
  long openRequests;

  @Option(names = "--warmup-spans", paramLabel = "N", defaultValue = "200000",
      description = "Spans of other requests published and archived first, not measured: the "
          + "pipeline JVM compiles its hot code meanwhile, so the numbers are those of a running "
          + "service. 0 measures from a cold start. Default: ${DEFAULT-VALUE}.")
  long warmupSpans;

  @Option(names = "--pipeline-heap", paramLabel = "SIZE", defaultValue = "1g",
      description = "-Xmx of the pipeline JVM. Default: ${DEFAULT-VALUE}.")
  String pipelineHeap;

  @Option(names = "--pipeline-jvm-option", paramLabel = "OPTION",
      description = "Another option for the pipeline JVM, e.g. -XX:+UseParallelGC "
          + "(repeatable).")
  List<String> pipelineJvmOptions = new ArrayList<>();

  @Option(names = "--out", paramLabel = "DIR",
      description = "Keep the archive, logs, recording and bench-result.json here (default: a "
          + "temporary directory, deleted).")
  Path out;

  @Override
  public Integer call() throws Exception {
    RunnerOptions.quietLogging();
    Map<String, String> config = configOptions.load();
    BenchSettings settings = new BenchSettings(Optional.ofNullable(workload),
        Optional.ofNullable(writeWorkload), format, requests == null ? Long.MAX_VALUE : requests,
        spans != null ? spans : requests == null ? DEFAULT_SPANS : Long.MAX_VALUE,
        SizeMix.parse(sizes),
        partitions, gap, seed, profile, openRequests, Optional.ofNullable(out), keyed,
        warmupSpans, pipelineHeap, pipelineJvmOptions, config);
    Map<String, Object> result = new EndToEndBench(settings, System.out).run();
    return Boolean.TRUE.equals(result.get("invariantsHold")) ? 0 : 1;
  }
}
