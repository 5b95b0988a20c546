package io.traceroll.cli;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.traceroll.topology.TraceAssemblyTopology;
import io.traceroll.topology.TracerollConfig;
import io.traceroll.topology.metrics.TracerollMetrics;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Prints the Kafka Streams topology the given configuration builds: sources, processors, stores, sinks. */
@Command(name = "topology", mixinStandardHelpOptions = true,
    description = "Print the topology (topology.describe()) for a configuration.")
final class TopologyCommand implements Callable<Integer> {

  @Option(names = "--config", paramLabel = "FILE", description = "Properties file.")
  Path configFile;

  @Option(names = {"-D", "--set"}, paramLabel = "KEY=VALUE", description = "Override one value.")
  Map<String, String> overrides = new LinkedHashMap<>();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Map<String, String> values = new LinkedHashMap<>();
    if (configFile != null) {
      Properties p = new Properties();
      try (InputStream in = Files.newInputStream(configFile)) {
        p.load(in);
      }
      p.stringPropertyNames().forEach(k -> values.put(k, p.getProperty(k)));
    }
    values.putAll(overrides);
    TracerollMetrics metrics = new TracerollMetrics();
    metrics.bindTo(new SimpleMeterRegistry());
    spec.commandLine().getOut().println(
        TraceAssemblyTopology.describe(TracerollConfig.from(values).settings(), metrics));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
