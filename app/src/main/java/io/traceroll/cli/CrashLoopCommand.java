package io.traceroll.cli;

import io.traceroll.crashloop.CrashLoop;
import io.traceroll.crashloop.CrashLoopSettings;
import io.traceroll.crashloop.DeliveryReport;
import io.traceroll.crashloop.ExpectedSpans;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "crash-loop",
    mixinStandardHelpOptions = true,
    description = {
      "Delivery under crashes: starts a Kafka broker (or uses --bootstrap-servers), runs "
          + "--instances traceroll JVMs on one application id and one archive, publishes a "
          + "seeded set of requests while SIGKILLing a random instance every --kill-interval "
          + "and restarting it (at least once with its state directory deleted), then verifies "
          + "every archive object and the index.",
      "Prints ALL-SPANS-DELIVERED and exits 0 only if every produced span is in exactly one "
          + "archived part of its request and every part is indexed exactly once; otherwise "
          + "lists what is missing or duplicated and exits 1."
    })
final class CrashLoopCommand implements Callable<Integer> {

  @Option(names = "--instances", defaultValue = "3",
      description = "traceroll JVMs. Default: ${DEFAULT-VALUE}.")
  int instances;

  @Option(names = "--kills", defaultValue = "4",
      description = "SIGKILLs in a bounded run. Default: ${DEFAULT-VALUE}.")
  int kills;

  @Option(names = "--kill-interval", paramLabel = "DURATION",
      converter = RunnerOptions.DurationConverter.class, defaultValue = "8s",
      description = "Mean time between kills (each wait 0.5x-1.5x). Default: ${DEFAULT-VALUE}.")
  Duration killInterval;

  @Option(names = "--requests", defaultValue = "300",
      description = "Requests published in a bounded run. Default: ${DEFAULT-VALUE}.")
  int requests;

  @Option(names = "--partitions", defaultValue = "6",
      description = "Partitions of the input, index and dead-letter topics. "
          + "Default: ${DEFAULT-VALUE}.")
  int partitions;

  @Option(names = "--soak", paramLabel = "DURATION",
      converter = RunnerOptions.DurationConverter.class,
      description = "Long mode: publish at --rate and keep killing until this long has passed.")
  Duration soak;

  @Option(names = "--rate", paramLabel = "REQ/S", defaultValue = "20",
      description = "Requests per second in soak mode. Default: ${DEFAULT-VALUE}.")
  double rate;

  @Option(names = "--seed", defaultValue = "1",
      description = "Workload and chaos seed. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Keep logs, state, archive, ledger and verdict here (default: a temporary "
          + "directory, deleted when everything was delivered).")
  Path out;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT,...",
      description = "Use this cluster instead of an in-process broker.")
  String bootstrapServers;

  @Option(names = "--verify-only",
      description = "Only verify an earlier run's --out DIR against --bootstrap-servers.")
  boolean verifyOnly;

  @Option(names = "--key-rule", paramLabel = "RULE", defaultValue = "trace_id",
      description = "trace_id or attribute:request.id. Default: ${DEFAULT-VALUE}.")
  String keyRule;

  @Option(names = "--app-id", defaultValue = "crashloop",
      description = "Application id; also names the topics. Default: ${DEFAULT-VALUE}.")
  String applicationId;

  @Option(names = "--gap", paramLabel = "DURATION",
      converter = RunnerOptions.DurationConverter.class, defaultValue = "2s",
      description = "Inactivity gap of the pipeline. Default: ${DEFAULT-VALUE}.")
  Duration gap;

  @Option(names = "--max-spans-per-part", defaultValue = "300",
      description = "Part roll size, small so large requests span parts. "
          + "Default: ${DEFAULT-VALUE}.")
  int maxSpansPerPart;

  @Option(names = "--heap", defaultValue = "384m",
      description = "Heap of each instance JVM. Default: ${DEFAULT-VALUE}.")
  String heap;

  @Option(names = "--delivery-timeout", paramLabel = "DURATION",
      converter = RunnerOptions.DurationConverter.class, defaultValue = "3m",
      description = "How long to wait for the index after publishing. "
          + "Default: ${DEFAULT-VALUE}.")
  Duration deliveryTimeout;

  @Option(names = "--first", defaultValue = "20",
      description = "Findings listed per kind. Default: ${DEFAULT-VALUE}.")
  int firstN;

  @Override
  public Integer call() throws Exception {
    RunnerOptions.quietLogging();
    boolean temporary = out == null;
    if (verifyOnly && (temporary || bootstrapServers == null)) {
      System.err.println("crash-loop: --verify-only needs --out DIR and --bootstrap-servers");
      return 2;
    }
    CrashLoopSettings settings;
    try {
      settings = new CrashLoopSettings(Optional.ofNullable(bootstrapServers), instances, kills,
          killInterval, requests, Optional.ofNullable(soak), rate, partitions, seed,
          temporary ? Path.of("unused") : out, applicationId, keyRule, gap, maxSpansPerPart,
          heap, deliveryTimeout, firstN);
    } catch (IllegalArgumentException e) {
      System.err.println("crash-loop: " + e.getMessage());
      return 2;
    }
    if (temporary) {
      settings = settings.withOut(Files.createTempDirectory("traceroll-crash-loop"));
    }
    Path dir = settings.out();
    if (verifyOnly) {
      DeliveryReport report = CrashLoop.verify(bootstrapServers, settings,
          ExpectedSpans.load(settings.ledger()));
      System.out.println(report.render(firstN));
      return report.delivered() ? 0 : 1;
    }
    CrashLoop.Result result = new CrashLoop(settings, System.out).run();
    if (temporary && result.delivered()) {
      deleteRecursively(dir);
    } else {
      System.out.println("crash-loop: logs, archive and verdict kept in " + dir);
    }
    return result.delivered() ? 0 : 1;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
