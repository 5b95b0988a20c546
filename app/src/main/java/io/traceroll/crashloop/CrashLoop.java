package io.traceroll.crashloop;

import io.traceroll.archive.ArchiveLayout;
import io.traceroll.archive.Compression;
import io.traceroll.archive.fs.FileSystemArchiveStore;
import io.traceroll.avro.TraceIndexEntry;
import io.traceroll.local.EmbeddedKafka;
import io.traceroll.serdes.avro.TraceIndexEntrySerde;
import io.traceroll.topology.Names;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The crash-loop delivery test (after Kafka's own streams EOS system test): several traceroll JVMs
 * on one application id and one archive, a seeded workload published while a chaos loop SIGKILLs a
 * random instance, waits, and restarts it (at least once with its state directory deleted), then
 * the {@link DeliveryVerifier} over everything that was archived and indexed.
 */
public final class CrashLoop {

  /**
   * Pause between a kill and the restart, as a supervisor's back-off would be. The group learns of
   * the death only from the session timeout (6 s) or the replacement joining, whichever is first.
   */
  private static final Duration RESTART_DELAY = Duration.ofSeconds(1);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration TYPICAL_RESTART = Duration.ofSeconds(6);
  private static final Duration STOP_GRACE = Duration.ofSeconds(40);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

  /**
   * One SIGKILL: which instance, how long it had been up, whether its state was deleted, and
   * whether the workload was still being published at the time.
   */
  public record Kill(int number, String instance, long pid, Duration uptime, boolean wiped,
      boolean underLoad, Duration backToRunning) {}

  /**
   * @param failedSpans spans whose send failed (not in the ledger; a span the broker kept despite
   *     the error would show as unexpected)
   * @param instanceFailures instances that exited by themselves (restarted, as an orchestrator
   *     would): not a delivery failure, but never hidden
   */
  public record Result(DeliveryReport report, List<Kill> kills, long requests,
      long failedSpans, List<String> instanceFailures, Duration elapsed) {

    public Result {
      kills = List.copyOf(kills);
      instanceFailures = List.copyOf(instanceFailures);
    }


    public boolean delivered() {
      return report.delivered() && failedSpans == 0;
    }
  }

  /** How often an instance that died on its own is restarted before the run gives up. */
  private static final int MAX_FAILED_STARTS = 3;

  private final CrashLoopSettings s;
  private final PrintStream out;
  private final List<String> failures = new ArrayList<>();

  public CrashLoop(CrashLoopSettings settings, PrintStream out) {
    this.s = settings;
    this.out = out;
  }

  public Result run() throws Exception {
    long t0 = System.nanoTime();
    Files.createDirectories(s.out());
    EmbeddedKafka broker = null;
    List<Instance> instances = new ArrayList<>();
    try {
      String bootstrap;
      if (s.bootstrapServers().isPresent()) {
        bootstrap = s.bootstrapServers().get();
      } else {
        out.println("crash-loop: starting the in-process Kafka broker ...");
        broker = EmbeddedKafka.start();
        bootstrap = broker.bootstrapServers();
      }
      EmbeddedKafka.createTopics(bootstrap,
          List.of(s.inputTopic(), s.deadLetterTopic(), s.indexTopic()), s.partitions(),
          broker != null ? Optional.of((short) 1) : Optional.empty(), Set.of(s.indexTopic()));
      out.printf("crash-loop: broker %s; input %s (%d partitions); out %s%n", bootstrap,
          s.inputTopic(), s.partitions(), s.out());

      for (int i = 1; i <= s.instances(); i++) {
        String name = "instance-" + i;
        Path state = s.out().resolve(name).resolve("state");
        instances.add(new Instance(name, Instance.javaCommand(s.childHeap(),
            runArguments(bootstrap, state, broker != null)), state,
            s.out().resolve(name + ".log")));
      }
      for (Instance i : instances) {
        i.start();
      }
      for (Instance i : instances) {
        if (!i.awaitRunning(READY_TIMEOUT)) {
          out.println("crash-loop: WARNING " + i.name() + " not RUNNING after " + READY_TIMEOUT);
        }
      }
      out.printf("crash-loop: %d instances RUNNING (%s)%n", instances.size(),
          String.join(", ", instances.stream().map(i -> i.name() + " pid " + i.pid()).toList()));

      try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
        Workload workload = new Workload(producer, s.inputTopic(), s.seed(), Workload.SIZES,
            s.keyRule(), s.lateDelay(), 50);
        long chaosEnd = s.soak().map(d -> System.nanoTime() + d.toNanos()).orElse(Long.MAX_VALUE);
        // bounded: the requests are spread over the kills (a kill cycle is the interval, the
        // restart delay and the restart itself, ~5-7 s here), so every kill hits traffic
        Duration window = s.killInterval().plus(RESTART_DELAY).plus(TYPICAL_RESTART)
            .multipliedBy(Math.max(1, s.kills()));
        double rate = s.soak().isPresent() ? s.rate()
            : Math.max(1, s.requests() / (double) Math.max(1, window.toSeconds()));
        long max = s.soak().isPresent() ? Long.MAX_VALUE : s.requests();
        BooleanSupplier more = () -> System.nanoTime() < chaosEnd;
        AtomicReference<Throwable> publishFailure = new AtomicReference<>();
        Thread publisher = new Thread(() -> {
          try {
            workload.run(rate, max, more);
          } catch (Throwable e) {
            publishFailure.set(e);
          }
        }, "crash-loop-publisher");
        publisher.setDaemon(true); // never keeps the JVM alive after a failed run
        out.printf("crash-loop: publishing %s at %.1f requests/s (seed %d, key rule %s)%n",
            s.soak().isPresent() ? "until the soak ends" : s.requests() + " requests", rate,
            s.seed(), s.keyRule());
        publisher.start();

        List<Kill> kills;
        try {
          kills = chaos(instances, chaosEnd, publisher);
          publisher.join();
        } finally {
          publisher.interrupt(); // a failed chaos loop ends publishing too (no-op when done)
        }
        if (publishFailure.get() != null) {
          throw new IllegalStateException("publisher failed", publishFailure.get());
        }
        ExpectedSpans expected = workload.expected();
        out.printf("crash-loop: published %,d requests, %,d spans in %,d records acknowledged;"
            + " %,d spans failed%s%n", workload.requestsStarted(), expected.spans(),
            workload.recordsAcked(), workload.failedSpans(), workload.lastFailure() == null ? ""
                : " (last error: " + workload.lastFailure() + ")");
        expected.save(s.ledger());

        awaitIndexed(bootstrap, expected.spans(), instances);
        // a clean stop, all at once: each closes Streams and leaves the group in parallel
        instances.forEach(Instance::terminate);
        for (Instance i : instances) {
          i.awaitExit(STOP_GRACE);
        }
        DeliveryReport report = verify(bootstrap, s, expected);
        Result result = new Result(report, kills, workload.requestsStarted(),
            workload.failedSpans(), failures, Duration.ofNanos(System.nanoTime() - t0));
        String rendered = summary(result) + System.lineSeparator() + report.render(s.firstN());
        Files.writeString(s.out().resolve("verify.txt"), rendered + System.lineSeparator(),
            StandardCharsets.UTF_8);
        out.println(rendered);
        return result;
      }
    } finally {
      for (Instance i : instances) {
        i.kill();
      }
      if (broker != null) {
        broker.close();
      }
    }
  }

  /** Reads the archive under {@code out/archive}, the index and the dead letters, and checks. */
  public static DeliveryReport verify(String bootstrap, CrashLoopSettings s,
      ExpectedSpans expected) throws IOException {
    try (FileSystemArchiveStore store = new FileSystemArchiveStore(s.archiveRoot())) {
      return new DeliveryVerifier(store, new ArchiveLayout(s.archivePrefix(), Compression.GZIP))
          .verify(expected, CommittedTopic.read(bootstrap, s.indexTopic(), READ_TIMEOUT),
              CommittedTopic.read(bootstrap, s.deadLetterTopic(), READ_TIMEOUT));
    }
  }

  /** {@code traceroll run} for one instance: production defaults, shortened timings. */
  private List<String> runArguments(String bootstrap, Path state, boolean embedded) {
    List<String> a = new ArrayList<>(List.of("run", "--bootstrap-servers", bootstrap,
        "--data-dir", s.out().toString(), "--gap", s.gap().toMillis() + "ms",
        "--key-rule", s.keyRule(), "--progress-interval", "10s"));
    Map<String, String> d = new LinkedHashMap<>();
    d.put("application.id", s.applicationId());
    d.put("state.dir", state.toString());
    d.put("processing.guarantee", "exactly_once_v2");
    d.put("commit.interval.ms", "100");
    d.put("num.stream.threads", "1");
    // a killed member never leaves the group: let the broker notice within seconds, not 45 s
    d.put("session.timeout.ms", "6000");
    d.put("heartbeat.interval.ms", "1000");
    d.put(Names.Config.INPUTS, s.inputTopic() + ":otlp_proto");
    d.put(Names.Config.INDEX_TOPIC, s.indexTopic());
    d.put(Names.Config.DEAD_LETTER_TOPIC, s.deadLetterTopic());
    d.put(Names.Config.ROOT_GRACE, s.gap().toMillis() + "ms");
    d.put(Names.Config.PUNCTUATION_INTERVAL, "200ms");
    d.put(Names.Config.ARCHIVE_RETRY_BUDGET, "500ms");
    d.put(Names.Config.MAX_SPANS_PER_PART, Integer.toString(s.maxSpansPerPart()));
    d.put("archive.prefix", s.archivePrefix());
    if (embedded) {
      d.put("replication.factor", "1");
    }
    d.put("producer." + ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
        Integer.toString(EmbeddedKafka.MAX_MESSAGE_BYTES));
    d.forEach((k, v) -> {
      a.add("-D");
      a.add(k + "=" + v);
    });
    return a;
  }

  private List<Kill> chaos(List<Instance> instances, long chaosEnd, Thread publisher)
      throws Exception {
    Random random = new Random(s.seed() * 31 + 7);
    List<Kill> kills = new ArrayList<>();
    boolean soak = s.soak().isPresent();
    int wipeAt = Math.max(1, (s.kills() + 1) / 2);
    for (int k = 1; soak ? System.nanoTime() < chaosEnd : k <= s.kills(); k++) {
      long wait = (long) (s.killInterval().toMillis() * (0.5 + random.nextDouble()));
      if (soak) {
        wait = Math.min(wait, Math.max(0, (chaosEnd - System.nanoTime()) / 1_000_000));
      }
      Thread.sleep(wait);
      if (soak && System.nanoTime() >= chaosEnd) {
        break;
      }
      supervise(instances);
      Instance victim = instances.get(random.nextInt(instances.size()));
      Duration uptime = victim.uptime();
      long pid = victim.pid();
      boolean underLoad = publisher.isAlive();
      victim.kill();
      // one wipe in a bounded run (the middle kill); every fourth kill in a soak
      boolean wipe = soak ? k % 4 == 2 : k == wipeAt;
      out.printf("crash-loop: kill #%d: %s (pid %d) SIGKILL after %.1f s up%s; publisher %s%n",
          k, victim.name(), pid, uptime.toMillis() / 1000.0,
          wipe ? ", state directory DELETED" : ", state kept",
          underLoad ? "running" : "done");
      Thread.sleep(RESTART_DELAY.toMillis());
      if (wipe) {
        victim.wipeState();
      }
      long restarted = System.nanoTime();
      boolean running = startAndAwait(victim);
      Duration back = Duration.ofNanos(System.nanoTime() - restarted);
      out.printf("crash-loop:   %s restarted (pid %d), %s after %.1f s%n", victim.name(),
          victim.pid(), running ? "RUNNING" : "NOT running", back.toMillis() / 1000.0);
      kills.add(new Kill(k, victim.name(), pid, uptime, wipe, underLoad, back));
    }
    return kills;
  }

  /**
   * Starts an instance and waits for RUNNING; an instance that exits by itself on the way is
   * recorded as a failure and started again (as Kubernetes would), up to {@link
   * #MAX_FAILED_STARTS} times.
   */
  private boolean startAndAwait(Instance instance) throws IOException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      instance.start();
      try {
        return instance.awaitRunning(READY_TIMEOUT);
      } catch (IllegalStateException died) {
        failed(instance, "during start");
        if (attempt >= MAX_FAILED_STARTS) {
          throw died;
        }
      }
    }
  }

  /** Restarts every instance that exited by itself since it was last started. */
  private void supervise(List<Instance> instances) throws IOException, InterruptedException {
    for (Instance i : instances) {
      if (!i.alive()) {
        failed(i, "while running");
        startAndAwait(i);
      }
    }
  }

  private void failed(Instance instance, String when) throws IOException {
    String line = String.format("%s (start #%d) exited with %d %s: %s; log %s", instance.name(),
        instance.starts(), instance.exitCode(), when, instance.firstError(), instance.log());
    failures.add(line);
    out.println("crash-loop: WARNING instance failure: " + line);
  }

  /**
   * Waits until the index accounts for every acknowledged span (by span counts of distinct part
   * keys), or the delivery timeout. It only decides when to look: the verdict is the verifier's.
   */
  private void awaitIndexed(String bootstrap, long spans, List<Instance> instances)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + s.deliveryTimeout().toNanos();
    long lastPrint = 0;
    long indexed = 0;
    try (TraceIndexEntrySerde serde = new TraceIndexEntrySerde()) {
      Deserializer<TraceIndexEntry> d = serde.deserializer();
      while (System.nanoTime() < deadline) {
        supervise(instances);
        Map<String, Integer> latest = new HashMap<>();
        for (TopicRecord r : CommittedTopic.read(bootstrap, s.indexTopic(), READ_TIMEOUT)) {
          if (r.value() != null) {
            try {
              latest.put(r.key(), d.deserialize(s.indexTopic(), r.value()).getSpanCount());
            } catch (RuntimeException e) {
              // the verifier reports it
            }
          }
        }
        indexed = latest.values().stream().mapToLong(Integer::longValue).sum();
        if (indexed >= spans) {
          out.printf("crash-loop: index accounts for %,d of %,d spans%n", indexed, spans);
          return;
        }
        if (System.nanoTime() - lastPrint > 10_000_000_000L) {
          lastPrint = System.nanoTime();
          out.printf("crash-loop: waiting for delivery: index accounts for %,d of %,d spans%s%n",
              indexed, spans, instances.stream().allMatch(Instance::alive) ? ""
                  : " (an instance is down)");
        }
        Thread.sleep(2000);
      }
    }
    out.printf("crash-loop: WARNING delivery timeout %s: index accounts for %,d of %,d spans%n",
        s.deliveryTimeout(), indexed, spans);
  }

  private String summary(Result r) {
    long wiped = r.kills().stream().filter(Kill::wiped).count();
    return String.format("crash-loop: %d kills (%d with state deleted) of %d instances; %,d "
        + "requests, %,d spans; %.0f s%s", r.kills().size(), wiped, s.instances(), r.requests(),
        r.report().producedSpans(), r.elapsed().toMillis() / 1000.0,
        r.failedSpans() == 0 ? "" : "; WARNING " + r.failedSpans() + " spans failed to send")
        + (r.instanceFailures().isEmpty() ? "" : String.format("%ncrash-loop: %d instance "
            + "failures (restarted):%n  %s", r.instanceFailures().size(),
            String.join(System.lineSeparator() + "  ", r.instanceFailures())));
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, EmbeddedKafka.MAX_MESSAGE_BYTES);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "crash-loop-workload");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }
}
