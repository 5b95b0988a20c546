package io.traceroll.loadtest;

import io.traceroll.archive.ArchiveLayout;
import io.traceroll.avro.TraceIndexEntry;
import io.traceroll.generator.GeneratedRequest;
import io.traceroll.generator.GeneratorSettings;
import io.traceroll.generator.RequestGenerator;
import io.traceroll.generator.SizeMix;
import io.traceroll.local.EmbeddedKafka;
import io.traceroll.serdes.SpanFormat;
import io.traceroll.span.Span;
import io.traceroll.topology.Names;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * {@code traceroll bench}: the pipeline end to end on one machine against the broker's own limit.
 * The broker and the load generator run in this JVM, the pipeline in a child JVM
 * ({@link PipelineChild}) so its CPU seconds and heap are its own.
 */
public final class EndToEndBench {

  static final String APPLICATION_ID = "traceroll-bench";
  static final String RESULT_FILE = "bench-result.json";
  private static final String INDEX_TOPIC = Names.Topic.INDEX;
  private static final String DEAD_LETTER_TOPIC = Names.Topic.DEAD_LETTERS;

  private final BenchSettings settings;
  private final PrintStream out;

  public EndToEndBench(BenchSettings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  /** Runs the benchmark; the result map is also written to {@code OUT/bench-result.json}. */
  public Map<String, Object> run() throws Exception {
    Path dir = settings.out().isPresent()
        ? Files.createDirectories(settings.out().get())
        : Files.createTempDirectory("traceroll-bench");
    try {
      Map<String, Object> result = settings.openRequests() > 0 ? openRequests(dir)
          : throughput(dir);
      Files.writeString(dir.resolve(RESULT_FILE), FlatJson.write(result));
      if (settings.out().isPresent()) {
        out.println("bench: result in " + dir.resolve(RESULT_FILE));
      }
      return result;
    } finally {
      if (settings.out().isEmpty()) {
        EmbeddedKafka.deleteRecursively(dir);
      }
    }
  }

  // ---- throughput ------------------------------------------------------------------------------

  private Map<String, Object> throughput(Path dir) throws Exception {
    Workload workload = workload();
    if (workload.records().isEmpty()) {
      throw new IllegalArgumentException("the workload has no records");
    }
    Workload warmup = warmupWorkload(workload);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("mode", "throughput");
    r.put("machine", Machine.describe());
    r.put("formats", workload.formats().stream().map(SpanFormat::configName).toList());
    r.put("partitions", settings.partitions());
    r.put("gapMs", settings.gap().toMillis());
    r.put("records", workload.records().size());
    r.put("spans", workload.spans());
    r.put("traces", workload.traces());
    r.put("workloadBytes", workload.bytes());
    r.put("expectedDeadLetters", workload.deadLetters());
    r.put("spansPerRecord", workload.spans() / (double) workload.records().size());
    r.put("warmupSpans", warmup.spans());
    out.printf(Locale.ROOT, "bench: workload %,d records, %,d spans, %,d traces, %,.1f MB%n",
        workload.records().size(), workload.spans(), workload.traces(), workload.bytes() / 1e6);

    out.println("bench: starting the embedded Kafka broker ...");
    try (EmbeddedKafka broker = EmbeddedKafka.start()) {
      String bootstrap = broker.bootstrapServers();
      Map<SpanFormat, String> inputs = createTopics(bootstrap, workload.formats());
      Path archiveRoot = dir.resolve("archive");
      Map<String, String> config = pipelineConfig(bootstrap, dir, inputs, settings.gap(),
          Map.of());
      long[] appended = new long[workload.records().size()];
      try (ChildPipeline child = ChildPipeline.start(jvmOptions(dir), config, dir)) {
        out.println("bench: pipeline JVM pid " + child.pid() + " starting (log: "
            + dir.resolve("pipeline.log") + ")");
        awaitRunning(bootstrap, child, inputs.values());
        ChildStats before = warmUp(bootstrap, child, warmup, inputs);
        long cpuBefore = child.cpu().toNanos();

        out.println("bench: publishing as fast as the producer can ...");
        long publishStart = System.nanoTime();
        publish(bootstrap, workload, inputs, appended);
        double publishSeconds = (System.nanoTime() - publishStart) / 1e9;
        out.printf(Locale.ROOT, "bench: published in %.1f s (%,.0f records/s)%n", publishSeconds,
            workload.records().size() / publishSeconds);
        r.put("publishSeconds", publishSeconds);

        long expectSpans = before.spansIn() + workload.spans();
        long expectDead = before.deadLetters() + workload.deadLetters();
        Duration timeout = Duration.ofSeconds(120 + workload.spans() / 5_000)
            .plus(settings.gap().multipliedBy(3));
        AtomicLong allReadAt = new AtomicLong();
        ChildStats done = child.await(s -> {
          if (s.spansIn() >= expectSpans) {
            allReadAt.compareAndSet(0, System.currentTimeMillis());
          }
          // not spansArchived >= spansIn: both counters run ahead of the committed output when a
          // transaction aborts and its work is redone, and not by the same amount
          return s.spansIn() >= expectSpans && s.deadLetters() >= expectDead
              && s.spansArchived() - before.spansArchived() >= workload.spans();
        }, timeout, "every span archived", this::progress);
        long cpuAfter = child.cpu().toNanos();
        long archived = done.spansArchived() - before.spansArchived();
        r.put("spansIn", done.spansIn() - before.spansIn());
        r.put("spansArchived", archived);
        r.put("deadLetters", done.deadLetters() - before.deadLetters());
        r.put("partsWritten", done.partsWritten() - before.partsWritten());
        r.put("requestsArchived", done.requestsArchived() - before.requestsArchived());
        r.put("cpuSeconds", (cpuAfter - cpuBefore) / 1e9);
        // compiler threads are part of the pipeline's CPU; a warm-up too short leaves them busy
        r.put("jitCompileSeconds", (done.compileMillis() - before.compileMillis()) / 1e3);
        r.put("cpuSecondsPerMillionSpans",
            (cpuAfter - cpuBefore) / 1e9 / Math.max(1, archived) * 1e6);

        // the index records of the last parts commit with the next transaction
        Map<String, TraceIndexEntry> index = awaitIndex(bootstrap,
            warmup.spans() + workload.spans());
        ChildStats last = child.request("stats", Duration.ofSeconds(30));
        r.put("maxHeapAfterGcBytes", last.maxHeapAfterGc());
        r.put("heapPoolPeaksBytes", last.heapPoolPeaks());
        r.put("heapMaxBytes", last.heapMax());
        r.put("gcCount", last.gcCount());
        r.put("peakRssBytes", child.peakRssBytes());
        delays(r, workload, appended, index, archiveRoot);
        long firstAppend = Arrays.stream(appended).min().orElseThrow();
        // read rate alone, at the 200 ms resolution of the child's stats: shows whether reading
        // or closing and archiving is what holds the sustained rate down
        r.put("ingestSpansPerSecond",
            expectSpans / Math.max(1e-3, (allReadAt.get() - firstAppend) / 1e3));
        List<String> problems = problems(warmup.spans() + workload.spans(),
            warmup.deadLetters() + workload.deadLetters(), last, index);
        r.put("indexEntries", index.size());
        r.put("indexSpans", IndexScan.spans(index));
        r.put("countersAheadOfIndex", Math.max(0, last.spansArchived() - IndexScan.spans(index)));
        child.stop(Duration.ofSeconds(60));
        if (settings.profile()) {
          profile(r, dir);
        }
        storeBytes(r, bootstrap, done.spansArchived());
        rawRead(r, bootstrap, inputs, workload.records().size() + warmup.records().size(),
            workload.spans() + warmup.spans());
        floor(r, workload, ArchiveLayout.fromConfig(config).compressionLevel());
        r.put("problems", problems);
        r.put("invariantsHold", problems.isEmpty());
      }
    }
    out.print(BenchReport.render(r));
    return r;
  }

  /**
   * What breaks "spans in = spans archived + spans dead-lettered"; empty when it holds. The index
   * (read committed) is what was delivered and must list every published span exactly; the
   * pipeline's counters are at-least-once (a transaction aborted under load, its task migrated,
   * counts the work it redoes again), so they may run ahead of it but never behind.
   */
  static List<String> problems(long published, long expectedDeadLetters, ChildStats s,
      Map<String, TraceIndexEntry> index) {
    List<String> problems = new ArrayList<>();
    long indexSpans = IndexScan.spans(index);
    if (indexSpans != published) {
      problems.add("index lists " + indexSpans + " spans, published " + published);
    }
    if (s.spansIn() < published) {
      problems.add("pipeline read " + s.spansIn() + " valid spans, published " + published);
    }
    if (s.spansArchived() < indexSpans) {
      problems.add("pipeline counted " + s.spansArchived() + " spans archived, the index lists "
          + indexSpans);
    }
    boolean redone = s.spansArchived() > indexSpans || s.spansIn() > published;
    if (s.deadLetters() < expectedDeadLetters
        || s.deadLetters() > expectedDeadLetters && !redone) {
      // more than expected with no work redone is a valid span dead-lettered
      problems.add("dead-lettered " + s.deadLetters() + ", expected " + expectedDeadLetters);
    }
    return problems;
  }

  private void progress(ChildStats s) {
    out.printf(Locale.ROOT, "bench: pipeline read %,d spans, archived %,d, dead letters %,d; "
        + "heap %,d MiB%n", s.spansIn(), s.spansArchived(), s.deadLetters(), s.heapUsed() >> 20);
  }

  private Workload workload() throws IOException {
    Workload w;
    if (settings.workload().isPresent()) {
      out.println("bench: reading workload " + settings.workload().get());
      w = WorkloadFile.read(settings.workload().get(), Optional.of(settings.format()));
    } else {
      out.printf(Locale.ROOT, "bench: generating %s: %s ...%n", settings.format().configName(),
          settings.requests() == Long.MAX_VALUE ? String.format(Locale.ROOT, "%,d spans",
              settings.spans()) : String.format(Locale.ROOT, "%,d requests", settings.requests()));
      w = Workload.generate(generatorSettings(settings.sizes()), settings.format(),
          settings.requests(), settings.spans());
    }
    if (settings.writeWorkload().isPresent()) {
      WorkloadFile.write(w, settings.writeWorkload().get());
      out.println("bench: workload written to " + settings.writeWorkload().get());
    }
    return w;
  }

  /**
   * Requests of their own (another seed, so other trace ids), in the workload's first format: what
   * the pipeline archives before the clock starts.
   */
  private Workload warmupWorkload(Workload workload) {
    if (settings.warmupSpans() == 0) {
      return new Workload(List.of());
    }
    GeneratorSettings g = GeneratorSettings.defaults(settings.seed() + 1_000_003L)
        .withSizes(settings.sizes()).withLateSpans(0, Duration.ZERO);
    return Workload.generate(g, workload.formats().get(0), Long.MAX_VALUE,
        settings.warmupSpans());
  }

  /**
   * Publishes the warm-up requests and waits until the pipeline archived them: the stats the
   * measured run starts from.
   */
  private ChildStats warmUp(String bootstrap, ChildPipeline child, Workload warmup,
      Map<SpanFormat, String> inputs) throws Exception {
    if (warmup.records().isEmpty()) {
      return child.request("stats", Duration.ofSeconds(30));
    }
    out.printf(Locale.ROOT, "bench: warm-up, %,d spans of other requests (not measured) ...%n",
        warmup.spans());
    long start = System.nanoTime();
    publish(bootstrap, warmup, inputs, new long[warmup.records().size()]);
    ChildStats s = child.await(c -> c.spansIn() >= warmup.spans()
            && c.deadLetters() >= warmup.deadLetters() && c.spansArchived() >= warmup.spans(),
        Duration.ofSeconds(120 + warmup.spans() / 5_000).plus(settings.gap().multipliedBy(3)),
        "the warm-up archived", this::progress);
    out.printf(Locale.ROOT, "bench: warm-up archived in %.1f s%n",
        (System.nanoTime() - start) / 1e9);
    return s;
  }

  private GeneratorSettings generatorSettings(SizeMix sizes) {
    // late spans would only add their fixed delay to the end of the run: none
    return GeneratorSettings.defaults(settings.seed()).withSizes(sizes)
        .withLateSpans(0, Duration.ZERO);
  }

  private Map<SpanFormat, String> createTopics(String bootstrap, List<SpanFormat> formats)
      throws InterruptedException, ExecutionException {
    Map<SpanFormat, String> inputs = new LinkedHashMap<>();
    Map<String, Map<String, String>> topics = new LinkedHashMap<>();
    formats.forEach(f -> {
      inputs.put(f, BenchSettings.topic(f));
      topics.put(BenchSettings.topic(f), BrokerProbe.APPEND_TIME);
    });
    // the index as the runner creates it: one record per part key, the latest wins
    topics.put(INDEX_TOPIC, BrokerProbe.COMPACTED);
    topics.put(DEAD_LETTER_TOPIC, Map.of());
    BrokerProbe.createTopics(bootstrap, topics, settings.partitions());
    return inputs;
  }

  private Map<String, String> pipelineConfig(String bootstrap, Path dir,
      Map<SpanFormat, String> inputs, Duration gap, Map<String, String> modeConfig) {
    Map<String, String> c = new LinkedHashMap<>();
    List<String> in = new ArrayList<>();
    inputs.forEach((f, t) -> in.add(t + ":" + f.configName() + (settings.keyed() ? ":keyed" : "")));
    c.put(Names.Config.INPUTS, String.join(",", in));
    c.put(Names.Config.INDEX_TOPIC, INDEX_TOPIC);
    c.put(Names.Config.DEAD_LETTER_TOPIC, DEAD_LETTER_TOPIC);
    c.put(Names.Config.INACTIVITY_GAP, gap.toMillis() + "ms");
    c.put(Names.Config.ROOT_GRACE, gap.toMillis() + "ms");
    c.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
    c.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
    c.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "1");
    c.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
        Integer.toString(EmbeddedKafka.MAX_MESSAGE_BYTES));
    c.putAll(modeConfig);
    c.putAll(settings.config());
    c.put(PipelineChild.BOOTSTRAP, bootstrap);
    c.put(PipelineChild.DATA_DIR, dir.toString());
    List<String> formatTopics = new ArrayList<>();
    inputs.forEach((f, t) -> formatTopics.add(f.configName() + "=" + t));
    c.put(PipelineChild.INPUTS, String.join(",", formatTopics));
    c.put(PipelineChild.STATS_INTERVAL_MS, "200");
    return c;
  }

  private List<String> jvmOptions(Path dir) {
    List<String> o = new ArrayList<>();
    o.add("-Xmx" + settings.pipelineHeap());
    o.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    o.add("-Dorg.slf4j.simpleLogger.log.org.apache.kafka=error");
    o.addAll(settings.pipelineJvmOptions());
    if (settings.profile()) {
      o.add("-XX:StartFlightRecording=filename=" + dir.resolve("pipeline.jfr")
          + ",settings=profile,dumponexit=true");
    }
    return o;
  }

  /**
   * Waits until the pipeline's consumer group is stable with every input partition assigned, so
   * the clock does not start with Streams' start-up and first rebalance.
   */
  private void awaitRunning(String bootstrap, ChildPipeline child, Collection<String> topics)
      throws Exception {
    child.await(s -> true, Duration.ofSeconds(120), "the pipeline JVM to start");
    int expected = topics.size() * settings.partitions();
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        bootstrap))) {
      while (true) {
        GroupState state = GroupState.UNKNOWN;
        long assigned = 0;
        try {
          ConsumerGroupDescription g = admin.describeConsumerGroups(List.of(APPLICATION_ID))
              .all().get().get(APPLICATION_ID);
          state = g.groupState();
          assigned = g.members().stream().flatMap(m -> m.assignment().topicPartitions()
              .stream()).filter(tp -> topics.contains(tp.topic())).count();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof GroupIdNotFoundException)) {
            throw e;
          } // not joined yet
        }
        if (state == GroupState.STABLE && assigned >= expected) {
          return;
        }
        if (!child.alive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("pipeline not running after 120 s (group " + state
              + ", " + assigned + "/" + expected + " partitions):\n" + child.tail());
        }
        Thread.sleep(100);
      }
    }
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, EmbeddedKafka.MAX_MESSAGE_BYTES);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "traceroll-bench");
    return new KafkaProducer<>(p);
  }

  /**
   * Sends every record and waits for every acknowledgement; {@code appended[i]} is record i's
   * broker append time. A failed send fails the benchmark: the counts would no longer add up.
   */
  private static void publish(String bootstrap, Workload workload,
      Map<SpanFormat, String> topics, long[] appended) {
    AtomicReference<Exception> failure = new AtomicReference<>();
    AtomicLong failed = new AtomicLong();
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
      topics.values().forEach(producer::partitionsFor);
      List<WorkloadRecord> records = workload.records();
      for (int i = 0; i < records.size(); i++) {
        WorkloadRecord rec = records.get(i);
        int index = i;
        producer.send(new ProducerRecord<>(topics.get(rec.format()), rec.key(), rec.value()),
            (metadata, error) -> {
              if (error == null) {
                appended[index] = metadata.timestamp();
              } else {
                failed.incrementAndGet();
                failure.compareAndSet(null, error);
              }
            });
      }
      producer.flush();
    }
    if (failure.get() != null) {
      throw new IllegalStateException(failed.get() + " records could not be published",
          failure.get());
    }
  }

  private Map<String, TraceIndexEntry> awaitIndex(String bootstrap, long spans)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      Map<String, TraceIndexEntry> index = IndexScan.read(bootstrap, INDEX_TOPIC);
      if (IndexScan.spans(index) >= spans || System.nanoTime() > deadline) {
        return index;
      }
      Thread.sleep(200);
    }
  }

  /**
   * End-to-end delay per request: from the broker append time of the last record carrying one of
   * its spans to the modification time of its last part's object (the filesystem store writes a
   * temporary file and renames it, so the time is when the bytes were complete), minus the gap.
   */
  private void delays(Map<String, Object> r, Workload workload, long[] appended,
      Map<String, TraceIndexEntry> index, Path archiveRoot) throws IOException {
    Map<String, Long> lastAppendByTrace = new HashMap<>();
    long firstAppend = Long.MAX_VALUE;
    List<WorkloadRecord> records = workload.records();
    for (int i = 0; i < records.size(); i++) {
      firstAppend = Math.min(firstAppend, appended[i]);
      for (String t : records.get(i).traceIds()) {
        lastAppendByTrace.merge(t, appended[i], Math::max);
      }
    }
    Map<String, TraceIndexEntry> lastPart = new HashMap<>();
    Map<String, List<String>> tracesOf = new HashMap<>();
    for (TraceIndexEntry e : index.values()) {
      String key = e.getTraceKey().toString();
      lastPart.merge(key, e, (a, b) -> a.getPart() >= b.getPart() ? a : b);
      List<String> traces = tracesOf.computeIfAbsent(key, k -> new ArrayList<>());
      e.getTraceIds().forEach(t -> traces.add(t.toString()));
      if (e.getTraceIds().isEmpty()) {
        traces.add(key);
      }
    }
    long lastArchive = 0;
    long archiveBytes = 0;
    for (TraceIndexEntry e : index.values()) {
      Path object = archiveRoot.resolve(e.getObjectKey().toString());
      lastArchive = Math.max(lastArchive, Files.getLastModifiedTime(object).toMillis());
      archiveBytes += Files.size(object);
    }
    long gap = settings.gap().toMillis();
    long[] delays = new long[lastPart.size()];
    int n = 0;
    for (Map.Entry<String, TraceIndexEntry> e : lastPart.entrySet()) {
      long lastAppend = tracesOf.get(e.getKey()).stream()
          .mapToLong(t -> lastAppendByTrace.getOrDefault(t, Long.MIN_VALUE)).max()
          .orElse(Long.MIN_VALUE);
      if (lastAppend == Long.MIN_VALUE) {
        continue; // not a request of this workload
      }
      long written = Files.getLastModifiedTime(
          archiveRoot.resolve(e.getValue().getObjectKey().toString())).toMillis();
      delays[n++] = written - lastAppend - gap;
    }
    Percentiles p = new Percentiles(Arrays.copyOf(delays, n));
    r.put("delayRequests", p.count());
    if (p.count() > 0) {
      r.put("delayP50Ms", p.percentile(50));
      r.put("delayP99Ms", p.percentile(99));
      r.put("delayMaxMs", p.max());
    }
    long spans = (long) r.get("spansArchived");
    double seconds = (lastArchive - firstAppend) / 1e3;
    r.put("pipelineSeconds", seconds);
    r.put("sustainedSpansPerSecond", spans / seconds);
    r.put("sustainedSpansPerSecondNetOfGap", spans / Math.max(1e-3, seconds - gap / 1e3));
    r.put("archiveBytes", archiveBytes);
    // over every indexed part, warm-up included, as the bytes are
    r.put("archiveBytesPerSpan", archiveBytes / (double) Math.max(1, IndexScan.spans(index)));
  }

  private void storeBytes(Map<String, Object> r, String bootstrap, long spans)
      throws InterruptedException, ExecutionException {
    Map<String, Long> internal = BrokerProbe.topicBytes(bootstrap,
        t -> t.startsWith(APPLICATION_ID + "-"));
    long changelog = internal.entrySet().stream().filter(e -> e.getKey().endsWith("-changelog"))
        .mapToLong(Map.Entry::getValue).sum();
    long repartition = internal.entrySet().stream()
        .filter(e -> e.getKey().endsWith("-repartition")).mapToLong(Map.Entry::getValue).sum();
    r.put("changelogBytes", changelog);
    r.put("changelogBytesPerSpan", changelog / (double) Math.max(1, spans));
    r.put("repartitionBytesOnDisk", repartition);
    List<String> changelogs = internal.keySet().stream().filter(t -> t.endsWith("-changelog"))
        .sorted().toList();
    r.put("changelogBytesByTopic", changelogs.stream().map(t -> t + "=" + internal.get(t))
        .toList());
    // offsets count transaction markers too: an upper bound on records, close for big batches
    long records = BrokerProbe.endOffsets(bootstrap, changelogs);
    r.put("changelogRecords", records);
    r.put("changelogRecordsPerSpan", records / (double) Math.max(1, spans));
  }

  /**
   * Best of three passes: the first also warms the consumer code and the page cache, and on a
   * shared machine the best pass is the closest to the broker's own limit.
   */
  private void rawRead(Map<String, Object> r, String bootstrap, Map<SpanFormat, String> inputs,
      long records, long spans) {
    out.println("bench: raw consume rate of the input topics ...");
    BrokerProbe.RawRead best = null;
    for (int pass = 0; pass < 3; pass++) {
      BrokerProbe.RawRead read = BrokerProbe.rawRead(bootstrap, inputs.values());
      if (read.records() != records) {
        throw new IllegalStateException("raw read found " + read.records() + " records, published "
            + records);
      }
      if (best == null || read.nanos() < best.nanos()) {
        best = read;
      }
    }
    double spansPerRecord = spans / (double) records;
    r.put("rawRecordsPerSecond", best.recordsPerSecond());
    r.put("rawMegabytesPerSecond", best.megabytesPerSecond());
    r.put("rawSpansPerSecond", best.recordsPerSecond() * spansPerRecord);
    r.put("fractionOfRaw", (double) r.get("sustainedSpansPerSecond")
        / (best.recordsPerSecond() * spansPerRecord));
  }

  /**
   * The work every pipeline must do for these records, alone on one thread of this JVM (the
   * pipeline has stopped): what the sustained rate and the raw rate are to be read against.
   */
  private void floor(Map<String, Object> r, Workload workload, int gzipLevel) {
    out.println("bench: processing floor (decode, encode, gzip on one thread) ...");
    ProcessingFloor.Result f = ProcessingFloor.measure(workload, gzipLevel);
    int cores = Runtime.getRuntime().availableProcessors();
    r.put("floorSpans", f.spans());
    r.put("floorRequests", f.requests());
    r.put("floorGzipLevel", f.gzipLevel());
    r.put("floorDecodeMicrosPerSpan", f.decodeMicros());
    r.put("floorEncodeMicrosPerSpan", f.encodeMicros());
    r.put("floorGzipMicrosPerSpan", f.gzipMicros());
    r.put("floorMicrosPerSpan", f.totalMicros());
    r.put("floorSpansPerCoreSecond", f.spansPerCoreSecond());
    r.put("floorCores", cores);
    r.put("floorMaxSpansPerSecond", cores * f.spansPerCoreSecond());
    if (r.get("rawSpansPerSecond") instanceof Double raw) {
      r.put("floorFractionOfRaw", cores * f.spansPerCoreSecond() / raw);
    }
  }

  private void profile(Map<String, Object> r, Path dir) throws IOException {
    Path jfr = dir.resolve("pipeline.jfr");
    if (!Files.exists(jfr)) {
      out.println("bench: WARNING no recording at " + jfr);
      return;
    }
    JfrHotFrames hot = JfrHotFrames.of(jfr, 20);
    String text = hot.render();
    Files.writeString(dir.resolve("profile.txt"), text);
    r.put("profileSamples", hot.samples());
    r.put("profileSelf", hot.self().stream()
        .map(f -> f.samples() + " " + f.method()).toList());
    r.put("profileTraceroll", hot.traceroll().stream()
        .map(f -> f.samples() + " " + f.method()).toList());
    r.put("profileStreamThreadWaits", hot.streamThreadWaits().stream()
        .map(w -> w.totalMillis() + " ms " + w.count() + "x " + w.event() + " " + w.at()).toList());
    r.put("profileFile", dir.resolve("profile.txt").toString());
    out.print(text);
  }

  // ---- open requests ---------------------------------------------------------------------------

  /**
   * {@code openRequests} small requests that stay open (a gap of hours), then a forced full
   * collection in the pipeline JVM: the heap that holding them costs.
   */
  private Map<String, Object> openRequests(Path dir) throws Exception {
    long n = settings.openRequests();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("mode", "open-requests");
    r.put("machine", Machine.describe());
    r.put("openRequests", n);
    r.put("partitions", settings.partitions());
    r.put("pipelineHeap", settings.pipelineHeap());
    Duration gap = Duration.ofHours(1);
    // nothing may close, roll or expire while the benchmark runs
    Map<String, String> hold = Map.of(
        Names.Config.MAX_REQUEST_DURATION, "1h",
        Names.Config.SPAN_RETENTION, "5h");
    out.println("bench: starting the embedded Kafka broker ...");
    try (EmbeddedKafka broker = EmbeddedKafka.start()) {
      String bootstrap = broker.bootstrapServers();
      Map<SpanFormat, String> inputs = createTopics(bootstrap, List.of(settings.format()));
      Map<String, String> config = pipelineConfig(bootstrap, dir, inputs, gap, hold);
      try (ChildPipeline child = ChildPipeline.start(jvmOptions(dir), config, dir)) {
        out.println("bench: pipeline JVM pid " + child.pid() + " (log: "
            + dir.resolve("pipeline.log") + ")");
        awaitRunning(bootstrap, child, inputs.values());
        long start = System.nanoTime();
        long[] published = publishOpen(bootstrap, inputs.get(settings.format()), n, child);
        r.put("records", published[0]);
        r.put("spans", published[1]);
        ChildStats in = child.await(s -> s.spansIn() >= published[1],
            Duration.ofSeconds(600 + published[1] / 2_000), "every open request read",
            this::progress);
        r.put("ingestSeconds", (System.nanoTime() - start) / 1e9);
        r.put("spansIn", in.spansIn());
        r.put("spansArchived", in.spansArchived());
        ChildStats gc = child.request("gc", Duration.ofSeconds(120));
        r.put("heapAfterForcedGcBytes", gc.heapAfterGc());
        r.put("maxHeapAfterGcBytes", gc.maxHeapAfterGc());
        r.put("heapPoolPeaksBytes", gc.heapPoolPeaks());
        r.put("heapMaxBytes", gc.heapMax());
        r.put("peakRssBytes", child.peakRssBytes());
        r.put("stateDirBytes", directoryBytes(dir.resolve("state")));
        List<String> histogram = child.classHistogram();
        if (!histogram.isEmpty()) {
          Files.write(dir.resolve("heap-histogram.txt"), histogram);
          // header lines, then the classes holding the most bytes
          r.put("heapHistogramTop", histogram.subList(0, Math.min(histogram.size(), 18)));
        }
        List<String> problems = new ArrayList<>();
        if (gc.spansArchived() != 0) {
          problems.add(gc.spansArchived() + " spans archived: requests did not stay open");
        }
        if (gc.spansIn() != published[1]) {
          problems.add("pipeline read " + gc.spansIn() + " spans, published " + published[1]);
        }
        r.put("problems", problems);
        r.put("invariantsHold", problems.isEmpty());
        child.stop(Duration.ofSeconds(60));
        if (settings.profile()) {
          profile(r, dir);
        }
      }
    }
    out.print(BenchReport.render(r));
    return r;
  }

  /**
   * Generates and publishes as it goes (a million requests would not fit in memory as records):
   * this mode measures memory, not speed. Returns {records, spans}.
   */
  private long[] publishOpen(String bootstrap, String topic, long n, ChildPipeline child) {
    SizeMix tiny = new SizeMix(1, 3, 0, 1, 0, 1);
    RequestGenerator generator = new RequestGenerator(
        generatorSettings(tiny).withAsyncRate(0).withErrorRate(0), Clock.systemUTC());
    AtomicReference<Exception> failure = new AtomicReference<>();
    long records = 0;
    long spans = 0;
    long lastReport = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
      producer.partitionsFor(topic);
      List<Span> batch = new ArrayList<>(Workload.BATCH_SPANS * 2);
      for (long i = 0; i < n; i++) {
        GeneratedRequest req = generator.next();
        batch.addAll(req.spans());
        batch.addAll(req.lateSpans());
        spans += req.spanCount();
        if (batch.size() >= Workload.BATCH_SPANS || i == n - 1) {
          for (WorkloadRecord rec : Workload.records(batch, settings.format())) {
            producer.send(new ProducerRecord<>(topic, rec.key(), rec.value()), (m, e) -> {
              if (e != null) {
                failure.compareAndSet(null, e);
              }
            });
            records++;
          }
          batch.clear();
        }
        if (System.nanoTime() - lastReport > 5e9) {
          lastReport = System.nanoTime();
          ChildStats s = child.latest();
          out.printf(Locale.ROOT, "bench: %,d requests published; pipeline read %,d spans%n",
              i + 1, s == null ? 0 : s.spansIn());
        }
      }
      producer.flush();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("publishing failed", failure.get());
    }
    return new long[] {records, spans};
  }

  // ---- files -----------------------------------------------------------------------------------

  static long directoryBytes(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          return 0; // RocksDB deleted it meanwhile (compaction)
        }
      }).sum();
    }
  }
}
