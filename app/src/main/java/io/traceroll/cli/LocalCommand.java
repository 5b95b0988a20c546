package io.traceroll.cli;

import io.traceroll.local.RunSettings;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    description = {
      "Everything in one process: an embedded Kafka broker (KRaft), the topology, a filesystem "
          + "archive under ./traceroll-data/ and a generator publishing realistic multi-service "
          + "requests in every input format (with poison pills for the dead-letter topic).",
      "Prints the broker address (publish with any Kafka client, e.g. kcat), where archives land "
          + "and progress until Ctrl-C or --duration, then a summary."
    })
final class LocalCommand extends RunnerOptions implements Callable<Integer> {

  @Option(names = "--no-generator", description = "Do not run the built-in generator.")
  boolean noGenerator;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT,...",
      description = "Use this Kafka cluster instead of the embedded broker (missing topics are "
          + "created with the broker's default replication).")
  String bootstrapServers;

  @Override
  public Integer call() throws Exception {
    RunSettings settings = runSettings(Optional.ofNullable(bootstrapServers),
        RunSettings.DEFAULT_TOPICS, !noGenerator, true);
    return execute(settings, System.out);
  }
}
