package io.traceroll.topology;

import io.traceroll.archive.ArchiveStore;
import io.traceroll.archive.manifest.ManifestWriter;
import io.traceroll.serdes.DecodedBatch;
import io.traceroll.serdes.SpanBatchSerde;
import io.traceroll.serdes.avro.TraceIndexEntrySerde;
import io.traceroll.serdes.store.SpanChunk;
import io.traceroll.serdes.store.SpanChunkSerde;
import io.traceroll.serdes.store.SpanSerde;
import io.traceroll.span.Span;
import io.traceroll.timeline.TimelineOptions;
import io.traceroll.topology.collect.IndexEntries;
import io.traceroll.topology.collect.ManifestBatcher;
import io.traceroll.topology.collect.PartArchiver;
import io.traceroll.topology.collect.RequestCollector;
import io.traceroll.topology.ingest.InvalidSpanDeadLetters;
import io.traceroll.topology.ingest.SpanFanOut;
import io.traceroll.topology.keys.TraceKeyResolver;
import io.traceroll.topology.metrics.TracerollMetrics;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The engine: span topics in, one archived Perfetto trace per request part out, plus an index
 * record per part. Reads top to bottom as the data flows:
 *
 * <pre>
 * input topic (per format) ─ decode ─┬─ invalid spans ─────────────────────────▶ dead-letter topic
 *   (undecodable records: KIP-1034 DLQ via DeadLetterHandler) └─ valid spans
 *   ─ merge ─ [repartition by trace key | by trace id]  (skipped when all inputs are keyed)
 *   ─ [resolve correlation keys per trace id ─ repartition by request key]  (attribute/header rule)
 *   ─ collect per request (window store + summary + deadlines; wall and stream punctuators)
 *   ─ archive part (TimelineWriter → Compression → ArchiveStore) ─ hourly manifest (batched)
 *   ─ index record ▶ index topic
 * </pre>
 */
public final class TraceAssemblyTopology implements Supplier<Topology> {

  /** Window size of the span stores: irrelevant to lookups (exact key, time range), minimal. */
  private static final Duration SPAN_WINDOW = Duration.ofMillis(1);

  private final TopologySettings settings;
  private final ArchiveStore archive;
  private final TracerollMetrics metrics;
  private final Serde<Span> spanSerde;
  private final SpanChunkSerde chunkSerde;
  private ExecutorService pool;

  /**
   * @param archive where parts are written (by the running tasks)
   */
  public TraceAssemblyTopology(TopologySettings settings, ArchiveStore archive,
      TracerollMetrics metrics) {
    this(settings, metrics, Objects.requireNonNull(archive, "archive"));
  }

  /** {@code archive} null: for {@link #describe} only. */
  private TraceAssemblyTopology(TopologySettings settings, TracerollMetrics metrics,
      ArchiveStore archive) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.archive = archive;
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.spanSerde = new SpanSerde();
    this.chunkSerde = new SpanChunkSerde();
  }

  @Override
  public Topology get() {
    StreamsBuilder builder = new StreamsBuilder();
    boolean resolveKeys = settings.resolvesKeys();

    KStream<String, SpanChunk> spans = null;
    for (InputTopic input : settings.inputs()) {
      KStream<byte[], DecodedBatch> batches = builder.stream(input.topic(),
          Consumed.with(Serdes.ByteArray(), new SpanBatchSerde(input.format(), settings.decoder()))
              .withName(Names.Processor.SOURCE_PREFIX + input.topic()));
      batches
          .process(() -> new InvalidSpanDeadLetters(input, metrics),
              Named.as(Names.Processor.INVALID_PREFIX + input.topic()))
          .to(settings.deadLetterTopic(), Produced.with(Serdes.ByteArray(), Serdes.ByteArray())
              .withName(Names.Processor.DEAD_LETTER_SINK_PREFIX + input.topic()));
      KStream<String, SpanChunk> decoded = batches.process(
          () -> new SpanFanOut(input, resolveKeys, metrics),
          Named.as(Names.Processor.SPANS_PREFIX + input.topic()));
      spans = spans == null ? decoded
          : spans.merge(decoded, Named.as(Names.Processor.MERGE + "-" + input.topic()));
    }

    if (!settings.inputsKeyedByTraceId()) {
      spans = spans.repartition(Repartitioned.with(Serdes.String(), chunkSerde)
          .withName(Names.Processor.BY_TRACE));
    }
    if (resolveKeys) {
      spans = spans
          .process(withStores(() -> new TraceKeyResolver(settings, spanSerde, metrics),
              Set.of(keyValueStore(Names.Store.TRACE_KEYS, true),
                  spanWindowStore(Names.Store.PENDING_SPANS),
                  bytesKeyValueStore(Names.Store.TRACE_KEY_DEADLINES))),
              Named.as(Names.Processor.RESOLVE_KEYS))
          // the request key is new information: only now can a request's traces meet in one task
          .repartition(Repartitioned.with(Serdes.String(), chunkSerde)
              .withName(Names.Processor.BY_REQUEST));
    }

    spans
        .process(withStores(this::newCollector,
            Set.of(spanWindowStore(Names.Store.SPANS), keyValueStore(Names.Store.REQUESTS, true),
                bytesKeyValueStore(Names.Store.DEADLINES), bytesKeyValueStore(Names.Store.SEALED))),
            Named.as(Names.Processor.COLLECT))
        .process(withStores(this::newManifestBatcher,
            Set.of(keyValueStore(Names.Store.MANIFEST_PENDING, false))),
            Named.as(Names.Processor.MANIFESTS))
        .mapValues(IndexEntries::of, Named.as(Names.Processor.INDEX_ENTRY))
        .to(settings.indexTopic(), Produced.with(Serdes.String(), new TraceIndexEntrySerde())
            .withName(Names.Processor.INDEX_SINK));
    return builder.build();
  }

  /**
   * The topology's description for {@code traceroll topology}: built without an archive store,
   * which only running tasks touch (processors are created when a task starts, never by
   * {@code describe()}).
   */
  public static TopologyDescription describe(TopologySettings settings,
      TracerollMetrics metrics) {
    return new TraceAssemblyTopology(settings, metrics, null).get().describe();
  }

  public TopologySettings settings() {
    return settings;
  }

  private RequestCollector newCollector() {
    // Kafka Streams calls suppliers while building (to check they return new instances), so a
    // describe-only topology gets collectors without an archiver; they refuse to start.
    PartArchiver archiver = archive == null ? null : new PartArchiver(archive, settings.layout(),
        TimelineOptions.defaults(), settings.archiveRetryBudget(), metrics);
    return new RequestCollector(settings, archiver, archive == null ? null : archivePool(),
        metrics);
  }

  /**
   * One pool for all collectors of this topology (every task of every stream thread): the archive
   * threads are sized to the machine, not to the number of partitions. Idle threads end after a
   * minute, so a topology that is dropped leaks nothing.
   */
  private synchronized ExecutorService archivePool() {
    if (pool == null) {
      AtomicInteger n = new AtomicInteger();
      ThreadPoolExecutor p = new ThreadPoolExecutor(settings.archiveThreads(),
          settings.archiveThreads(), 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "traceroll-archive-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
          });
      p.allowCoreThreadTimeOut(true);
      pool = p;
    }
    return pool;
  }

  private ManifestBatcher newManifestBatcher() {
    return new ManifestBatcher(
        archive == null ? null : new ManifestWriter(archive, settings.layout()),
        settings.punctuationInterval(), metrics);
  }

  private StoreBuilder<?> spanWindowStore(String name) {
    return Stores.windowStoreBuilder(
        Stores.persistentWindowStore(name, settings.spanRetention(), SPAN_WINDOW, true),
        Serdes.Bytes(), Serdes.ByteArray());
  }

  /**
   * Summaries are rewritten on every span: the cache collapses those rewrites to one changelog
   * record per request per commit, which is what keeps bytes written per span flat.
   */
  private static StoreBuilder<?> keyValueStore(String name, boolean cached) {
    var b = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(),
        Serdes.ByteArray());
    return cached ? b.withCachingEnabled() : b;
  }

  private static StoreBuilder<?> bytesKeyValueStore(String name) {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.Bytes(),
        Serdes.ByteArray()).withCachingEnabled();
  }

  private static <KI, VI, KO, VO> ProcessorSupplier<KI, VI, KO, VO> withStores(
      Supplier<? extends Processor<KI, VI, KO, VO>> factory, Set<StoreBuilder<?>> stores) {
    return new ProcessorSupplier<>() {
      @Override
      public Processor<KI, VI, KO, VO> get() {
        return factory.get();
      }

      @Override
      public Set<StoreBuilder<?>> stores() {
        return stores;
      }
    };
  }
}
