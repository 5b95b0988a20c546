package io.traceroll.cli;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.traceroll.topology.TraceAssemblyTopology;
import io.traceroll.topology.TracerollConfig;
import io.traceroll.topology.metrics.TracerollMetrics;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Prints the Kafka Streams topology the given configuration builds: sources, processors, stores, sinks. */
@Command(name = "topology", mixinStandardHelpOptions = true,
    description = "Print the topology (topology.describe()) for a configuration.")
final class TopologyCommand implements Callable<Integer> {

  @CommandLine.Mixin
  ConfigOptions configOptions = new ConfigOptions();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Map<String, String> values = configOptions.load();
    TracerollMetrics metrics = new TracerollMetrics();
    metrics.bindTo(new SimpleMeterRegistry());
    spec.commandLine().getOut().println(
        TraceAssemblyTopology.describe(TracerollConfig.from(values).settings(), metrics));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
