package io.traceroll.topology.collect;

import io.traceroll.span.Span;
import io.traceroll.topology.Names;
import io.traceroll.topology.TopologySettings;
import io.traceroll.topology.collect.DeadlineIndex.Clock;
import io.traceroll.topology.collect.DeadlineIndex.Due;
import io.traceroll.topology.metrics.TracerollMetrics;
import io.traceroll.topology.metrics.TracerollMetrics.CloseCause;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects the spans of each request and decides when a part is finished.
 *
 * <p>Per span: one get and one put of the fixed-size {@link RequestState}, one append to the
 * span window store (duplicates retained, so the spans already stored are never read or
 * rewritten), and a deadline entry only when the request's next deadline moves earlier. That is
 * constant work per span however large the request, unlike re-aggregating a growing list.
 *
 * <p>Closing is driven by two punctuators over {@link DeadlineIndex}: wall-clock, so requests close
 * when input stops, and stream-time, so a replayed backlog closes requests by its own timestamps.
 * Each visits only due entries.
 *
 * <p>A finished part is first sealed (moved to the {@code sealed-parts} store, counter advanced),
 * then archived and announced on the index topic. Within an exactly-once transaction the object
 * write precedes the commit of the index record and the state change, so a crash replays into an
 * identical overwrite; an archive outage leaves the part sealed, and the wall-clock punctuator
 * retries it until it succeeds. Nothing is deleted before it is archived.
 */
public final class RequestCollector implements Processor<String, Span, String, ArchivedPart> {

  private static final Logger LOG = LoggerFactory.getLogger(RequestCollector.class);

  /** Entries handled per punctuation: bounds its duration after an outage; the rest wait. */
  static final int MAX_DUE_PER_PUNCTUATION = 10_000;

  private final TopologySettings settings;
  private final Serde<Span> spanSerde;
  private final PartArchiver archiver;
  private final TracerollMetrics metrics;
  private final long gapMs;
  private final long graceMs;
  private final long maxDurationMs;
  private final long requestRetentionMs;

  private ProcessorContext<String, ArchivedPart> context;
  private WindowStore<Bytes, byte[]> spans;
  private KeyValueStore<String, byte[]> requests;
  private KeyValueStore<Bytes, byte[]> sealed;
  private DeadlineIndex deadlines;
  private Serializer<Span> spanWriter;
  private Deserializer<Span> spanReader;

  public RequestCollector(TopologySettings settings, Serde<Span> spanSerde, PartArchiver archiver,
      TracerollMetrics metrics) {
    this.settings = settings;
    this.spanSerde = spanSerde;
    this.archiver = archiver;
    this.metrics = metrics;
    this.gapMs = settings.inactivityGap().toMillis();
    this.graceMs = settings.rootGrace().toMillis();
    this.maxDurationMs = settings.maxRequestDuration().toMillis();
    this.requestRetentionMs = settings.requestRetention().toMillis();
  }

  @Override
  public void init(ProcessorContext<String, ArchivedPart> context) {
    if (archiver == null) {
      throw new IllegalStateException("topology built for describe() only: no archive store");
    }
    this.context = context;
    spans = context.getStateStore(Names.Store.SPANS);
    requests = context.getStateStore(Names.Store.REQUESTS);
    sealed = context.getStateStore(Names.Store.SEALED);
    deadlines = new DeadlineIndex(context.getStateStore(Names.Store.DEADLINES));
    spanWriter = spanSerde.serializer();
    spanReader = spanSerde.deserializer();
    context.schedule(settings.punctuationInterval(), PunctuationType.WALL_CLOCK_TIME,
        this::onWallClock);
    context.schedule(settings.punctuationInterval(), PunctuationType.STREAM_TIME,
        this::onStreamTime);
  }

  @Override
  public void process(Record<String, Span> record) {
    Span span = record.value();
    String key = record.key() != null ? record.key() : span.traceId();
    long wall = context.currentSystemTimeMs();
    long stream = streamNow();
    byte[] raw = spanWriter.serialize(Names.Store.SPANS, span);
    RequestState state = load(key);
    RequestState next = state.append(stream, wall, stream, raw.length, span.isRoot(),
        span.endNanos());
    if (next.late()) {
      metrics.lateSpan();
    }
    // Timestamp = stream time, not the record's: a span with an old timestamp must not land in an
    // already expired segment and vanish silently.
    spans.put(PartKey.of(key, next.part()), raw, stream);
    next = scheduleEarlier(key, next);
    if (next.spanCount() >= settings.maxSpansPerPart() || next.bytes() >= settings.maxBytesPerPart()) {
      seal(key, next, CloseCause.SIZE_ROLL, wall, true);
    } else {
      requests.put(key, next.encode());
    }
  }

  private void onWallClock(long wallNow) {
    boolean archiveUp = retrySealed();
    handleDue(Clock.WALL, wallNow, wallNow, streamNow(), archiveUp);
  }

  private void onStreamTime(long streamTime) {
    handleDue(Clock.STREAM, streamTime, context.currentSystemTimeMs(), streamTime,
        !metrics.archiveDegraded());
  }

  private void handleDue(Clock clock, long now, long wall, long stream, boolean archiveUp) {
    for (Due due : deadlines.due(clock, now, MAX_DUE_PER_PUNCTUATION)) {
      deadlines.remove(due);
      byte[] raw = requests.get(due.subject());
      if (raw == null) {
        continue;
      }
      RequestState state = RequestState.decode(raw);
      long scheduled = clock == Clock.WALL ? state.wallDeadline() : state.streamDeadline();
      if (scheduled != due.deadline()) {
        continue; // superseded by an earlier deadline; that entry decides
      }
      state = clock == Clock.WALL ? state.withDeadlines(RequestState.NONE, state.streamDeadline())
          : state.withDeadlines(state.wallDeadline(), RequestState.NONE);
      if (!state.hasOpenPart()) {
        if (clock == Clock.WALL) {
          // the retention of a finished request's part counter is over
          requests.delete(due.subject());
        } else {
          requests.put(due.subject(), state.encode());
        }
        continue;
      }
      CloseCause cause = decide(state, wall, stream);
      if (cause == null) {
        requests.put(due.subject(), scheduleEarlier(due.subject(), state).encode());
      } else {
        // while the archive is down, parts are still sealed (bounded state), archived later
        archiveUp &= seal(due.subject(), state, cause, wall, archiveUp);
      }
    }
  }

  /** Why the open part is finished now, or null. Either clock can finish it. */
  CloseCause decide(RequestState s, long wall, long stream) {
    if (wall - s.lastArrivalWall() >= gapMs || stream - s.lastArrivalStream() >= gapMs) {
      return CloseCause.IDLE;
    }
    if (s.rootFinished()
        && (wall - s.lastArrivalWall() >= graceMs || stream - s.lastArrivalStream() >= graceMs)) {
      return CloseCause.ROOT_ENDED;
    }
    if (wall - s.firstArrivalWall() >= maxDurationMs
        || stream - s.firstArrivalStream() >= maxDurationMs) {
      return CloseCause.MAX_DURATION;
    }
    return null;
  }

  /**
   * Makes sure a deadline entry exists at or before the part's earliest due time on each clock.
   * Due times only move earlier when the root arrives, so this rarely writes; later entries are
   * left to fire and be rescheduled (cheaper than moving an entry on every span).
   */
  private RequestState scheduleEarlier(String key, RequestState s) {
    long wallDue = due(s.lastArrivalWall(), s.firstArrivalWall(), s.rootFinished());
    long streamDue = due(s.lastArrivalStream(), s.firstArrivalStream(), s.rootFinished());
    long wall = s.wallDeadline();
    long stream = s.streamDeadline();
    if (wall == RequestState.NONE || wallDue < wall) {
      if (wall != RequestState.NONE) {
        deadlines.cancel(Clock.WALL, wall, key);
      }
      deadlines.schedule(Clock.WALL, wallDue, key);
      wall = wallDue;
    }
    if (stream == RequestState.NONE || streamDue < stream) {
      if (stream != RequestState.NONE) {
        deadlines.cancel(Clock.STREAM, stream, key);
      }
      deadlines.schedule(Clock.STREAM, streamDue, key);
      stream = streamDue;
    }
    return wall == s.wallDeadline() && stream == s.streamDeadline() ? s
        : s.withDeadlines(wall, stream);
  }

  private long due(long lastArrival, long firstArrival, boolean rootFinished) {
    long due = Math.min(lastArrival + gapMs, firstArrival + maxDurationMs);
    if (rootFinished) {
      due = Math.min(due, lastArrival + graceMs);
    }
    return Math.max(0, due);
  }

  /**
   * Seals the open part and, if {@code archiveNow}, archives it.
   *
   * @return whether the part was archived
   */
  private boolean seal(String key, RequestState part, CloseCause cause, long wall,
      boolean archiveNow) {
    Bytes partKey = PartKey.of(key, part.part());
    sealed.put(partKey, SealedPart.encode(part, cause));
    RequestState after = part.sealed(cause.finishesRequest(), wall);
    if (after.wallDeadline() != RequestState.NONE) {
      deadlines.cancel(Clock.WALL, after.wallDeadline(), key);
    }
    if (after.streamDeadline() != RequestState.NONE) {
      deadlines.cancel(Clock.STREAM, after.streamDeadline(), key);
    }
    // with no part open, the only deadline left is the end of the part counter's retention
    long expiry = wall + requestRetentionMs;
    deadlines.schedule(Clock.WALL, expiry, key);
    requests.put(key, after.withDeadlines(expiry, RequestState.NONE).encode());
    return archiveNow && archive(partKey, key, part, cause);
  }

  /** Archives a sealed part; on success drops it from the sealed store and emits its index record. */
  private boolean archive(Bytes partKey, String key, RequestState part, CloseCause cause) {
    List<Span> list = new ArrayList<>(part.spanCount());
    try (WindowStoreIterator<byte[]> it =
        spans.fetch(partKey, part.firstStoreTs(), part.lastStoreTs())) {
      while (it.hasNext()) {
        list.add(spanReader.deserialize(Names.Store.SPANS, it.next().value));
      }
    }
    if (list.size() < part.spanCount()) {
      // only possible when span-retention was shorter than the part's life (misconfiguration or
      // an archive outage longer than the retention): archive what is left, loudly
      LOG.error("part {} of request {} has {} spans in state, expected {}: span retention too short",
          part.part(), key, list.size(), part.spanCount());
    } else if (list.size() > part.spanCount()) {
      // a replay without exactly-once appended some spans twice; the archive shows both copies
      // (marked as duplicate span ids), nothing is lost
      LOG.warn("part {} of request {} has {} spans in state, expected {}: replayed input "
          + "(at-least-once processing) stored some spans twice", part.part(), key, list.size(),
          part.spanCount());
    }
    ArchivedPart archived = archiver.archive(key, part, cause, list);
    if (archived == null) {
      return false;
    }
    sealed.delete(partKey);
    metrics.partWritten(cause, archived.spanCount());
    context.forward(new Record<>(PartKey.indexKey(key, part.part()), archived, streamNow()));
    return true;
  }

  /** Retries parts whose archiving failed earlier; stops at the first failure (store still down). */
  private boolean retrySealed() {
    List<KeyValue<Bytes, byte[]>> pending = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it = sealed.all()) {
      while (it.hasNext() && pending.size() < MAX_DUE_PER_PUNCTUATION) {
        pending.add(it.next());
      }
    }
    for (KeyValue<Bytes, byte[]> kv : pending) {
      SealedPart p = SealedPart.decode(kv.value);
      if (!archive(kv.key, PartKey.traceKey(kv.key), p.state(), p.cause())) {
        return false;
      }
    }
    return true;
  }

  private RequestState load(String key) {
    byte[] raw = requests.get(key);
    return raw == null ? RequestState.fresh() : RequestState.decode(raw);
  }

  private long streamNow() {
    return Math.max(0, context.currentStreamTimeMs());
  }

  /** A part waiting to be archived: its final state and why it was finished. */
  record SealedPart(RequestState state, CloseCause cause) {
    static byte[] encode(RequestState state, CloseCause cause) {
      byte[] s = state.encode();
      byte[] out = new byte[s.length + 1];
      System.arraycopy(s, 0, out, 0, s.length);
      out[s.length] = (byte) cause.ordinal();
      return out;
    }

    static SealedPart decode(byte[] b) {
      byte[] s = java.util.Arrays.copyOf(b, b.length - 1);
      return new SealedPart(RequestState.decode(s), CloseCause.values()[b[b.length - 1]]);
    }
  }
}
