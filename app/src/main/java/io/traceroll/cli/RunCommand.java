package io.traceroll.cli;

import io.traceroll.local.RunSettings;
import io.traceroll.serdes.SpanFormat;
import io.traceroll.topology.InputTopic;
import io.traceroll.topology.TracerollConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run the topology against a real Kafka cluster: inputs, timing and Kafka Streams settings "
          + "from --config; archives to --data-dir or S3. Topics are not created.",
      "With --generator, also publishes generated requests to the configured inputs (load test)."
    })
final class RunCommand extends RunnerOptions implements Callable<Integer> {

  @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT,...",
      description = "The Kafka cluster.")
  String bootstrapServers;

  @Option(names = "--generator", description = "Also run the built-in generator.")
  boolean generator;

  @Override
  public Integer call() throws Exception {
    // the generator publishes to the configured inputs, first topic of each format
    Map<SpanFormat, String> topics = new LinkedHashMap<>();
    for (InputTopic in : TracerollConfig.from(config()).settings().inputs()) {
      topics.putIfAbsent(in.format(), in.topic());
    }
    RunSettings settings = runSettings(Optional.of(bootstrapServers), topics, generator, false);
    return execute(settings, System.out);
  }
}
