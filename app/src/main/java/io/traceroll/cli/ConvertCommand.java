package io.traceroll.cli;

import io.traceroll.archive.Compression;
import io.traceroll.convert.OfflineConverter;
import io.traceroll.serdes.DecoderSettings;
import io.traceroll.serdes.SpanFormat;
import io.traceroll.serdes.TraceKeyRule;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "convert",
    mixinStandardHelpOptions = true,
    description = {
      "Convert span files to Perfetto traces, one .pftrace per request (trace key).",
      "Framing as on Kafka: a .jsonl file is one message per line, any other file one message."
    })
final class ConvertCommand implements Callable<Integer> {

  @Option(names = "--format", required = true,
      description = "Input format: avro, otlp-proto, otlp-json, zipkin-json.")
  String format;

  @Option(names = "--out", required = true, description = "Output directory.")
  Path out;

  @Option(names = "--gzip", description = "Write .pftrace.gz (the Perfetto UI opens gzip traces).")
  boolean gzip;

  @Option(names = "--key-attribute",
      description = "Group requests by this span/resource attribute instead of the trace id.")
  String keyAttribute;

  @Option(names = "--dead-letter",
      description = "Write every record or span that could not be used to this JSONL file.")
  Path deadLetter;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Input files.")
  List<Path> files;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    SpanFormat spanFormat = SpanFormat.fromConfig(format);
    DecoderSettings settings = DecoderSettings.defaults();
    if (keyAttribute != null) {
      settings = settings.withKeyRule(TraceKeyRule.attribute(keyAttribute));
    }
    OfflineConverter.Result result =
        new OfflineConverter(spanFormat, settings, gzip ? Compression.GZIP : Compression.NONE)
            .convert(files, out, deadLetter);
    for (OfflineConverter.Converted c : result.traces()) {
      var s = c.summary();
      stdout.printf("%s  spans=%d services=%d duration=%.3fms errors=%d bytes=%d -> %s%n",
          c.traceKey(), s.spanCount(), s.services().size(),
          (s.endNanos() - s.startNanos()) / 1e6, s.errorCount(), c.bytes(), c.file());
    }
    for (OfflineConverter.Rejected r : result.rejected()) {
      stderr.printf("rejected %s record %d: %s (%s)%n", r.source(), r.record(), r.reason(), r.detail());
    }
    stdout.printf("%d records, %d spans -> %d traces in %s; %d rejected%s%n",
        result.records(), result.spans(), result.traces().size(), out, result.rejected().size(),
        deadLetter == null || result.rejected().isEmpty() ? "" : " (kept in " + deadLetter + ")");
    stdout.flush();
    // rejected records are reported, not fatal: exit 0 when anything was converted
    return result.traces().isEmpty() && !result.rejected().isEmpty() ? 1 : 0;
  }
}
