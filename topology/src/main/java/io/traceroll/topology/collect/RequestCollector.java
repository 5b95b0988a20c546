package io.traceroll.topology.collect;

import io.traceroll.serdes.store.SpanChunk;
import io.traceroll.span.Span;
import io.traceroll.topology.Names;
import io.traceroll.topology.TopologySettings;
import io.traceroll.topology.collect.DeadlineIndex.Clock;
import io.traceroll.topology.collect.DeadlineIndex.Due;
import io.traceroll.topology.metrics.TracerollMetrics;
import io.traceroll.topology.metrics.TracerollMetrics.CloseCause;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
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
 * <p>Per chunk (the spans of one request in one input record, see {@link SpanChunk}): one get and
 * one put of the fixed-size {@link RequestState}, one append of the chunk's bytes as they arrived
 * to the span window store (duplicates retained, so the spans already stored are never read or
 * rewritten), and a deadline entry only when the request's next deadline moves earlier. That is
 * constant work per chunk however large the request, unlike re-aggregating a growing list, and no
 * span is decoded before its part is archived.
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
public final class RequestCollector
    implements Processor<String, SpanChunk, String, ArchivedPart> {

  private static final Logger LOG = LoggerFactory.getLogger(RequestCollector.class);

  /** Entries handled per punctuation: bounds its duration after an outage; the rest wait. */
  static final int MAX_DUE_PER_PUNCTUATION = 10_000;
  /**
   * Parts archived concurrently by one collector in a synchronous wave, and the stored bytes one
   * collector holds for the archive threads (waves and the pipelined queue): enough to keep the
   * archive threads busy, few enough that the decoded spans stay a small slice of heap.
   */
  public static final int MAX_WAVE_PARTS = 32;
  static final long MAX_WAVE_BYTES = 32L * 1024 * 1024;

  private final TopologySettings settings;
  private final PartArchiver archiver;
  private final ExecutorService pool;
  private final TracerollMetrics metrics;
  private final long gapMs;
  private final long graceMs;
  private final long maxDurationMs;
  private final long requestRetentionMs;
  private final long punctuationBudgetNanos;

  private ProcessorContext<String, ArchivedPart> context;
  /**
   * Wall time this task (re)started. Wall-clock idleness counts from here at the earliest: arrival
   * times restored from another instance say nothing about the records still queued for this one
   * after a failover, and closing on them would split every request open during the outage.
   */
  private long startedWall = Long.MIN_VALUE;
  private WindowStore<Bytes, byte[]> spans;
  private KeyValueStore<String, byte[]> requests;
  private KeyValueStore<Bytes, byte[]> sealed;
  private DeadlineIndex deadlines;
  /** Parts on the archive threads, oldest first; announced from the head as they complete. */
  private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
  private final Set<Bytes> inFlightKeys = new HashSet<>();
  private long inFlightBytes;
  /**
   * Whether the sealed store may hold parts nobody is archiving: what a previous owner of the task
   * left, a failed put, parts sealed while the store was down. Only then does a punctuation scan
   * it: a store every part passes through (a put, then a delete) fills with tombstones that a scan
   * reads again each time, until compaction drops them.
   */
  private boolean sealedBacklog = true;

  /**
   * @param pool the archive threads (shared by the collectors of all tasks); null only with a null
   *     archiver (describe-only topology)
   */
  public RequestCollector(TopologySettings settings, PartArchiver archiver, ExecutorService pool,
      TracerollMetrics metrics) {
    this.settings = settings;
    this.pool = pool;
    this.archiver = archiver;
    this.metrics = metrics;
    this.gapMs = settings.inactivityGap().toMillis();
    this.graceMs = settings.rootGrace().toMillis();
    this.maxDurationMs = settings.maxRequestDuration().toMillis();
    this.requestRetentionMs = settings.requestRetention().toMillis();
    this.punctuationBudgetNanos = settings.punctuationBudget().toNanos();
  }

  @Override
  public void init(ProcessorContext<String, ArchivedPart> context) {
    if (archiver == null) {
      throw new IllegalStateException("topology built for describe() only: no archive store");
    }
    this.context = context;
    startedWall = context.currentSystemTimeMs();
    sealedBacklog = true; // whatever a previous owner of the task left sealed
    spans = context.getStateStore(Names.Store.SPANS);
    requests = context.getStateStore(Names.Store.REQUESTS);
    sealed = context.getStateStore(Names.Store.SEALED);
    deadlines = new DeadlineIndex(context.getStateStore(Names.Store.DEADLINES));
    context.schedule(settings.punctuationInterval(), PunctuationType.WALL_CLOCK_TIME,
        this::onWallClock);
    context.schedule(settings.punctuationInterval(), PunctuationType.STREAM_TIME,
        this::onStreamTime);
  }

  @Override
  public void process(Record<String, SpanChunk> record) {
    if (!inFlight.isEmpty()) {
      announceCompleted(false);
    }
    SpanChunk chunk = record.value();
    String key = record.key();
    long wall = context.currentSystemTimeMs();
    long stream = streamNow();
    if (key == null) {
      // never produced by this topology (every chunk is keyed); kept so nothing is dropped
      for (Span span : decode(chunk)) {
        append(span.traceId(), load(span.traceId()), SpanChunk.of(List.of(span)), wall, stream);
      }
      return;
    }
    RequestState state = load(key);
    if (state.spanCount() + chunk.count() < settings.maxSpansPerPart()
        && state.bytes() + chunk.bytes().length < settings.maxBytesPerPart()) {
      append(key, state, chunk, wall, stream);
      return;
    }
    // the chunk reaches a size cap: go span by span so the part rolls exactly where the cap is
    for (Span span : decode(chunk)) {
      append(key, state, SpanChunk.of(List.of(span)), wall, stream);
      state = load(key);
    }
  }

  /**
   * One store append and one summary update for the whole chunk. Timestamp = stream time, not the
   * record's: a span with an old timestamp must not land in an already expired segment and vanish
   * silently.
   */
  private void append(String key, RequestState state, SpanChunk chunk, long wall, long stream) {
    RequestState next = state.append(stream, wall, stream, chunk.bytes().length, chunk.count(),
        chunk.hasRoot(), chunk.rootEndNanos(), chunk.maxEndNanos());
    if (next.late()) {
      metrics.lateSpans(chunk.count());
    }
    spans.put(PartKey.of(key, next.part()), chunk.bytes(), stream);
    next = scheduleEarlier(key, next);
    if (next.spanCount() >= settings.maxSpansPerPart() || next.bytes() >= settings.maxBytesPerPart()) {
      archiveAll(List.of(seal(key, next, CloseCause.SIZE_ROLL, wall)));
    } else {
      requests.put(key, next.encode());
    }
  }

  private static List<Span> decode(SpanChunk chunk) {
    try {
      return chunk.spans();
    } catch (IOException e) {
      // the header parsed when the chunk arrived, and its bodies were written by SpanChunk.of
      throw new IllegalStateException("span chunk with unreadable spans", e);
    }
  }

  private void onWallClock(long wallNow) {
    long started = System.nanoTime();
    boolean archiveUp = retrySealed(started);
    handleDue(Clock.WALL, wallNow, wallNow, streamNow(), archiveUp, started);
  }

  /**
   * Whether a punctuation that began at {@code started} has used its budget. Elapsed time, not
   * event time: it decides how much work this punctuation does, never what the work produces (the
   * context's clock stands still while a punctuation runs, so it cannot measure this).
   */
  private boolean overBudget(long started) {
    return System.nanoTime() - started >= punctuationBudgetNanos;
  }

  /**
   * Parts still on the archive threads stay sealed in state: the next owner of the task archives
   * them again (identical bytes) and announces them. Those not started yet are not worth finishing.
   */
  @Override
  public void close() {
    for (InFlight f : inFlight) {
      f.result().cancel(false);
    }
    inFlight.clear();
    inFlightKeys.clear();
    inFlightBytes = 0;
  }

  private void onStreamTime(long streamTime) {
    handleDue(Clock.STREAM, streamTime, context.currentSystemTimeMs(), streamTime,
        !metrics.archiveDegraded(), System.nanoTime());
  }

  /**
   * Closes the due requests, archiving as it goes, until the punctuation's budget is used (at
   * least one entry per punctuation, so a backlog always drains): a burst that makes thousands of
   * requests due at once would otherwise hold the stream thread, and its open transaction, for as
   * long as the archive threads take to write them all. Entries not reached stay in the index.
   */
  private void handleDue(Clock clock, long now, long wall, long stream, boolean archiveUp,
      long started) {
    List<SealedPart> finished = new ArrayList<>();
    boolean first = true;
    for (Due due : deadlines.due(clock, now, MAX_DUE_PER_PUNCTUATION)) {
      if (!first && overBudget(started)) {
        metrics.punctuationCut();
        break;
      }
      first = false;
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
        SealedPart part = seal(due.subject(), state, cause, wall);
        if (!archiveUp) {
          sealedBacklog = true; // archived by a later punctuation's retry
        } else {
          finished.add(part);
          if (finished.size() >= MAX_WAVE_PARTS) {
            archiveAll(finished);
            finished = new ArrayList<>();
          }
        }
      }
    }
    archiveAll(finished);
  }

  /** Why the open part is finished now, or null. Either clock can finish it. */
  CloseCause decide(RequestState s, long wall, long stream) {
    long lastWall = Math.max(s.lastArrivalWall(), startedWall);
    if (wall - lastWall >= gapMs || stream - s.lastArrivalStream() >= gapMs) {
      return CloseCause.IDLE;
    }
    if (s.rootFinished()
        && (wall - lastWall >= graceMs || stream - s.lastArrivalStream() >= graceMs)) {
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
    long wallDue = due(Math.max(s.lastArrivalWall(), startedWall), s.firstArrivalWall(),
        s.rootFinished());
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

  /** Seals the open part: from now on it waits in the sealed store until it is archived. */
  private SealedPart seal(String key, RequestState part, CloseCause cause, long wall) {
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
    return new SealedPart(partKey, key, part, cause);
  }

  /**
   * Archives sealed parts; each one archived is dropped from the sealed store and announced on the
   * index, in the given order. The stream thread reads each part's stored spans (state stores are
   * single-threaded); decoding, encoding, compressing and the put run on the archive threads.
   *
   * <p>Pipelined (the default, {@code archiveInFlight > 0}): parts are handed to the archive threads
   * and the stream thread goes back to its input; completed parts are announced from the head of
   * the queue on the next record or punctuation, so the index order is the seal order whatever the
   * number of threads. A part's seal may commit before its object exists: that is the state an
   * archive outage leaves too, and whoever owns the task after a crash archives it again from the
   * sealed store (identical bytes). The index record is only ever forwarded after the put.
   *
   * <p>Synchronous ({@code archiveInFlight == 0}, and while the store is failing): waves of parts,
   * each awaited before this returns.
   *
   * @return false if a put was seen failing; the failed parts stay sealed for a later retry
   */
  private boolean archiveAll(List<SealedPart> parts) {
    int limit = settings.archiveInFlight();
    if (limit == 0 || metrics.archiveDegraded()) {
      // everything queued goes first: the index keeps its order and a probe sees the store alone
      boolean ok = announceCompleted(true);
      return archiveWaves(parts) && ok;
    }
    boolean ok = true;
    for (SealedPart part : parts) {
      while (!inFlight.isEmpty() && (inFlight.size() >= limit || inFlightBytes >= MAX_WAVE_BYTES)) {
        ok &= announceHead(); // backpressure: the queue bounds the stored bytes on the heap
      }
      List<byte[]> stored = storedSpans(part);
      long bytes = 0;
      for (byte[] b : stored) {
        bytes += b.length;
      }
      inFlight.add(new InFlight(part, pool.submit(() -> archive(part, stored)), bytes));
      inFlightKeys.add(part.partKey());
      inFlightBytes += bytes;
    }
    return announceCompleted(false) && ok;
  }

  /**
   * Announces queued parts from the head while they are complete, or all of them when
   * {@code wait}; false if one failed.
   */
  private boolean announceCompleted(boolean wait) {
    boolean ok = true;
    while (!inFlight.isEmpty() && (wait || inFlight.peekFirst().result().isDone())) {
      ok &= announceHead();
    }
    return ok;
  }

  private boolean announceHead() {
    InFlight head = inFlight.pollFirst();
    inFlightKeys.remove(head.part().partKey());
    inFlightBytes -= head.bytes();
    return announce(head.part(), await(head.result()));
  }

  /** After the put: the part leaves the sealed store and goes on the index. */
  private boolean announce(SealedPart part, ArchivedPart archived) {
    if (archived == null) {
      sealedBacklog = true;
      return false;
    }
    sealed.delete(part.partKey());
    metrics.partWritten(part.cause(), archived.spanCount());
    context.forward(new Record<>(PartKey.indexKey(part.traceKey(), part.state().part()),
        archived, streamNow()));
    return true;
  }

  /** Waves of parts, each awaited: the stream thread does not return before the puts did. */
  private boolean archiveWaves(List<SealedPart> parts) {
    // while the store is failing, probe it with one part at a time, as a retry loop would
    int maxWave = metrics.archiveDegraded() ? 1 : MAX_WAVE_PARTS;
    int next = 0;
    while (next < parts.size()) {
      List<SealedPart> wave = new ArrayList<>();
      List<Future<ArchivedPart>> results = new ArrayList<>();
      long bytes = 0;
      while (next < parts.size() && wave.size() < maxWave
          && (wave.isEmpty() || bytes < MAX_WAVE_BYTES)) {
        SealedPart part = parts.get(next++);
        List<byte[]> stored = storedSpans(part);
        for (byte[] b : stored) {
          bytes += b.length;
        }
        wave.add(part);
        results.add(pool.submit(() -> archive(part, stored)));
      }
      boolean allArchived = true;
      for (int i = 0; i < wave.size(); i++) {
        allArchived &= announce(wave.get(i), await(results.get(i)));
      }
      if (!allArchived) {
        return false;
      }
    }
    return true;
  }

  /** The stored values of a part's spans (chunks, or single spans written by older versions). */
  private List<byte[]> storedSpans(SealedPart part) {
    List<byte[]> values = new ArrayList<>();
    try (WindowStoreIterator<byte[]> it = spans.fetch(part.partKey(), part.state().firstStoreTs(),
        part.state().lastStoreTs())) {
      while (it.hasNext()) {
        values.add(it.next().value);
      }
    }
    return values;
  }

  /** On an archive thread: one part from its stored bytes to the object; null if the put failed. */
  private ArchivedPart archive(SealedPart sealedPart, List<byte[]> stored) {
    RequestState part = sealedPart.state();
    String key = sealedPart.traceKey();
    List<Span> list = new ArrayList<>(part.spanCount());
    try {
      for (byte[] value : stored) {
        SpanChunk.readSpans(value, list);
      }
    } catch (IOException e) {
      // state this version did not write: stop loudly rather than archive a part missing spans
      throw new IllegalStateException("unreadable stored spans in part " + part.part()
          + " of request " + key, e);
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
    return archiver.archive(key, part, sealedPart.cause(), list);
  }

  private static ArchivedPart await(Future<ArchivedPart> result) {
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while archiving", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("archiving failed", cause);
    }
  }

  /**
   * Retries parts whose archiving failed earlier (or that a previous owner of the task sealed), a
   * wave at a time within the punctuation's budget; stops at the first failing wave.
   */
  private boolean retrySealed(long started) {
    if (!sealedBacklog) {
      return announceCompleted(false);
    }
    List<KeyValue<Bytes, byte[]>> pending = new ArrayList<>();
    boolean scannedAll;
    try (KeyValueIterator<Bytes, byte[]> it = sealed.all()) {
      while (it.hasNext() && pending.size() < MAX_DUE_PER_PUNCTUATION) {
        KeyValue<Bytes, byte[]> kv = it.next();
        if (!inFlightKeys.contains(kv.key)) {
          pending.add(kv);
        }
      }
      scannedAll = !it.hasNext();
    }
    List<SealedPart> wave = new ArrayList<>(MAX_WAVE_PARTS);
    for (int i = 0; i < pending.size(); i++) {
      KeyValue<Bytes, byte[]> kv = pending.get(i);
      wave.add(SealedPart.decode(kv.key, kv.value));
      if (wave.size() == MAX_WAVE_PARTS || i == pending.size() - 1) {
        if (!archiveAll(wave)) {
          return false;
        }
        wave.clear();
        if (i < pending.size() - 1 && overBudget(started)) {
          metrics.punctuationCut();
          return true;
        }
      }
    }
    if (scannedAll) {
      // all handed over; one that fails from here on sets the flag again when it is announced
      sealedBacklog = false;
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

  /** A part on the archive threads, the stored bytes it holds on the heap until it is done. */
  private record InFlight(SealedPart part, Future<ArchivedPart> result, long bytes) {}

  /** A part waiting to be archived: where, its final state and why it was finished. */
  record SealedPart(Bytes partKey, String traceKey, RequestState state, CloseCause cause) {
    static byte[] encode(RequestState state, CloseCause cause) {
      byte[] s = state.encode();
      byte[] out = new byte[s.length + 1];
      System.arraycopy(s, 0, out, 0, s.length);
      out[s.length] = (byte) cause.ordinal();
      return out;
    }

    static SealedPart decode(Bytes partKey, byte[] b) {
      byte[] s = java.util.Arrays.copyOf(b, b.length - 1);
      return new SealedPart(partKey, PartKey.traceKey(partKey), RequestState.decode(s),
          CloseCause.values()[b[b.length - 1]]);
    }
  }
}
