package io.traceroll.topology;

import static io.traceroll.topology.Spans.children;
import static io.traceroll.topology.Spans.span;
import static io.traceroll.topology.Spans.traceId;
import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.archive.fs.FileSystemArchiveStore;
import io.traceroll.serdes.DecoderSettings;
import io.traceroll.serdes.TraceKeyRule;
import io.traceroll.serdes.store.SpanChunk;
import io.traceroll.serdes.store.SpanSerde;
import io.traceroll.span.Span;
import io.traceroll.timeline.TimelineOptions;
import io.traceroll.topology.collect.ArchivedPart;
import io.traceroll.topology.collect.PartArchiver;
import io.traceroll.topology.collect.RequestCollector;
import io.traceroll.topology.keys.TraceKeyResolver;
import io.traceroll.topology.metrics.TracerollMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task moving to another instance after a crash: the new owner restores the state (here: the
 * very store objects) a minute later, while the records the dead instance had not read yet still
 * wait in the input. Found by the crash-loop test ({@code traceroll crash-loop --key-rule
 * attribute:request.id}): a failover longer than the gap released held traces under their trace id
 * before their keyed span, already in the input, was read; and closed open requests whose next
 * spans were still queued, splitting them into parts.
 */
class FailoverTest {

  private static final long T0 = 1_772_366_400_000L;
  private static final long RESTART = T0 + Duration.ofMinutes(1).toMillis();
  private static final String KEY = "order.id";

  private final TopologySettings settings = TopologyHarness.settings(false)
      .withDecoder(DecoderSettings.defaults().withKeyRule(TraceKeyRule.attribute(KEY)));
  private final List<StateStore> stores = new ArrayList<>();

  @Test
  void shouldWaitAGapFromTheRestartBeforeGivingUpOnTheKeyOfAHeldTrace() throws IOException {
    holdSpansWithoutKeyThenDie();
    MockProcessorContext<String, SpanChunk> after = context(RESTART);
    TraceKeyResolver owner = restartedOwner(after);
    wallPunctuation(after, RESTART + 1_000); // before the backlog is read
    owner.process(new Record<>(traceId(1),
        SpanChunk.of(List.of(span(1, 0, null, 0, 100).withTraceKey("42"))), T0));

    List<Span> out = new ArrayList<>();
    for (var r : after.forwarded()) {
      out.addAll(r.record().value().spans());
      assertThat(r.record().key()).isEqualTo("42");
    }
    assertThat(out).hasSize(4).allSatisfy(s -> {
      assertThat(s.traceKey()).isEqualTo("42");
      assertThat(s.marks()).noneMatch(m -> m.code().equals(TraceKeyResolver.FALLBACK));
    });
  }

  @Test
  void shouldStillGiveUpOnTheKeyAGapAfterTheRestart() throws IOException {
    holdSpansWithoutKeyThenDie();
    MockProcessorContext<String, SpanChunk> after = context(RESTART);
    restartedOwner(after);
    wallPunctuation(after, RESTART + settings.inactivityGap().toMillis() + 1_000);

    List<Span> out = new ArrayList<>();
    for (var r : after.forwarded()) {
      out.addAll(r.record().value().spans());
    }
    assertThat(out).hasSize(3).allSatisfy(s ->
        assertThat(s.marks()).anyMatch(m -> m.code().equals(TraceKeyResolver.FALLBACK)));
  }

  @Test
  void shouldNotCloseARequestOnIdleTimeTheDeadOwnerAccrued(@TempDir Path dir) throws IOException {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (FileSystemArchiveStore archive = new FileSystemArchiveStore(dir)) {
      PartArchiver archiver = new PartArchiver(archive, settings.layout(),
          TimelineOptions.defaults(), Duration.ZERO, new TracerollMetrics());
      MockProcessorContext<String, ArchivedPart> before = context(T0);
      initCollectorStores(before);
      RequestCollector dead = new RequestCollector(settings, archiver, pool, new TracerollMetrics());
      dead.init(before);
      dead.process(new Record<>(traceId(1), SpanChunk.of(children(1, 3)), T0));

      MockProcessorContext<String, ArchivedPart> after = context(RESTART);
      stores.forEach(after::addStateStore);
      RequestCollector owner = new RequestCollector(settings, archiver, pool, new TracerollMetrics());
      owner.init(after);
      wallPunctuation(after, RESTART + 1_000); // before the backlog is read
      assertThat(after.forwarded()).isEmpty();
      owner.process(new Record<>(traceId(1),
          SpanChunk.of(List.of(span(1, 4, 0, 10, 20))), T0));
      wallPunctuation(after, RESTART + 1_000 + settings.inactivityGap().toMillis() + 1_000);

      assertThat(after.forwarded()).singleElement().satisfies(r -> {
        assertThat(r.record().value().part()).isZero();
        assertThat(r.record().value().spanCount()).isEqualTo(4);
      });
    } finally {
      pool.shutdownNow();
    }
  }

  private void initCollectorStores(MockProcessorContext<String, ArchivedPart> context) {
    stores.add(Stores.windowStoreBuilder(Stores.inMemoryWindowStore(Names.Store.SPANS,
            settings.spanRetention(), Duration.ofMillis(1), true), Serdes.Bytes(),
        Serdes.ByteArray()).withLoggingDisabled().build());
    stores.add(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(Names.Store.REQUESTS),
        Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build());
    stores.add(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(Names.Store.DEADLINES),
        Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled().build());
    stores.add(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(Names.Store.SEALED),
        Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled().build());
    for (StateStore s : stores) {
      s.init(context.getStateStoreContext(), s);
      context.addStateStore(s);
    }
  }

  /** The first owner holds three spans of trace 1 (no key yet), then dies. */
  private void holdSpansWithoutKeyThenDie() throws IOException {
    MockProcessorContext<String, SpanChunk> before = context(T0);
    TraceKeyResolver dead = new TraceKeyResolver(settings, new SpanSerde(), new TracerollMetrics());
    initStores(before);
    dead.init(before);
    dead.process(new Record<>(traceId(1), SpanChunk.of(children(1, 3)), T0));
    assertThat(before.forwarded()).isEmpty();
  }

  /** The next owner, a minute later, on the state the first one left. */
  private TraceKeyResolver restartedOwner(MockProcessorContext<String, SpanChunk> context) {
    stores.forEach(context::addStateStore);
    TraceKeyResolver owner = new TraceKeyResolver(settings, new SpanSerde(), new TracerollMetrics());
    owner.init(context);
    return owner;
  }

  private static <V> MockProcessorContext<String, V> context(long wall) {
    MockProcessorContext<String, V> c = new MockProcessorContext<>();
    c.setCurrentSystemTimeMs(wall);
    c.setCurrentStreamTimeMs(T0);
    return c;
  }

  /** In-memory twins of the resolver's stores, built and initialised once: "restored" later. */
  private void initStores(MockProcessorContext<String, SpanChunk> context) {
    stores.add(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(Names.Store.TRACE_KEYS),
        Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build());
    stores.add(Stores.windowStoreBuilder(Stores.inMemoryWindowStore(Names.Store.PENDING_SPANS,
            settings.spanRetention(), Duration.ofMillis(1), true), Serdes.Bytes(),
        Serdes.ByteArray()).withLoggingDisabled().build());
    stores.add(Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(Names.Store.TRACE_KEY_DEADLINES), Serdes.Bytes(),
        Serdes.ByteArray()).withLoggingDisabled().build());
    for (StateStore s : stores) {
      s.init(context.getStateStoreContext(), s);
      context.addStateStore(s);
    }
  }

  private static void wallPunctuation(MockProcessorContext<?, ?> c, long now) {
    c.setCurrentSystemTimeMs(now);
    c.scheduledPunctuators().stream()
        .filter(p -> p.getType() == PunctuationType.WALL_CLOCK_TIME)
        .forEach(p -> p.getPunctuator().punctuate(now));
  }
}
