package io.traceroll.topology.keys;

import io.traceroll.serdes.store.SpanChunk;
import io.traceroll.span.Mark;
import io.traceroll.span.Span;
import io.traceroll.topology.Names;
import io.traceroll.topology.TopologySettings;
import io.traceroll.topology.collect.DeadlineIndex;
import io.traceroll.topology.collect.DeadlineIndex.Clock;
import io.traceroll.topology.collect.DeadlineIndex.Due;
import io.traceroll.topology.metrics.TracerollMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Gives every span the request key of its trace when requests are grouped by a correlation key
 * (attribute or header) that only some spans carry, typically just the entry span.
 *
 * <p>Input is keyed by trace id, so all spans of a trace meet here. The first key seen on any
 * span of a trace becomes the trace's key; spans that arrive before it are held in the pending
 * window store (appended, never rewritten) and released when it shows up, or under the trace id
 * itself when the trace has been quiet for the inactivity gap (the moment its request would have
 * closed). Several traces with one key thereby form one request. A span carrying a different key
 * than its trace's is kept under the first key and marked {@code trace_key_conflict}.
 */
public final class TraceKeyResolver implements Processor<String, SpanChunk, String, SpanChunk> {

  public static final String CONFLICT = "trace_key_conflict";
  public static final String FALLBACK = "trace_key_fallback";

  private final TopologySettings settings;
  private final Serde<Span> spanSerde;
  private final TracerollMetrics metrics;
  private final long gapMs;
  private final long maxDurationMs;
  private final long retentionMs;

  private ProcessorContext<String, SpanChunk> context;
  /**
   * Wall time this task (re)started. Wall-clock idleness counts from here at the earliest: a hold
   * time restored from another instance says nothing about the records still queued for this one.
   * Without it, a failover longer than the gap released every held trace under its trace id
   * before its keyed span, already in the input, was read (found by the crash-loop test).
   */
  private long startedWall = Long.MIN_VALUE;
  /** Spans resolved by the current call, forwarded as chunks per key when it ends. */
  private final List<Span> out = new ArrayList<>();
  private KeyValueStore<String, byte[]> traceKeys;
  private WindowStore<Bytes, byte[]> pending;
  private DeadlineIndex deadlines;
  private Serializer<Span> spanWriter;
  private Deserializer<Span> spanReader;

  public TraceKeyResolver(TopologySettings settings, Serde<Span> spanSerde,
      TracerollMetrics metrics) {
    this.settings = settings;
    this.spanSerde = spanSerde;
    this.metrics = metrics;
    this.gapMs = settings.inactivityGap().toMillis();
    this.maxDurationMs = settings.maxRequestDuration().toMillis();
    this.retentionMs = settings.requestRetention().toMillis();
  }

  @Override
  public void init(ProcessorContext<String, SpanChunk> context) {
    this.context = context;
    startedWall = context.currentSystemTimeMs();
    traceKeys = context.getStateStore(Names.Store.TRACE_KEYS);
    pending = context.getStateStore(Names.Store.PENDING_SPANS);
    deadlines = new DeadlineIndex(context.getStateStore(Names.Store.TRACE_KEY_DEADLINES));
    spanWriter = spanSerde.serializer();
    spanReader = spanSerde.deserializer();
    context.schedule(settings.punctuationInterval(), PunctuationType.WALL_CLOCK_TIME,
        now -> {
          handleDue(Clock.WALL, now, now, streamNow());
          flush(streamNow());
        });
    context.schedule(settings.punctuationInterval(), PunctuationType.STREAM_TIME,
        now -> {
          handleDue(Clock.STREAM, now, context.currentSystemTimeMs(), now);
          flush(streamNow());
        });
  }

  @Override
  public void process(Record<String, SpanChunk> record) {
    List<Span> spans;
    try {
      spans = record.value().spans();
    } catch (IOException e) {
      // the header parsed when the chunk arrived, and its bodies were written by SpanChunk.of
      throw new IllegalStateException("span chunk with unreadable spans", e);
    }
    for (Span span : spans) {
      process(span);
    }
    flush(streamNow());
  }

  private void process(Span span) {
    String traceId = span.traceId();
    byte[] raw = traceKeys.get(traceId);
    TraceKeyState state = raw == null ? null : TraceKeyState.decode(raw);
    long wall = context.currentSystemTimeMs();
    long stream = streamNow();
    if (state != null && state.isResolved()) {
      forward(join(span, state.key()), stream);
      return;
    }
    String key = span.traceKey();
    if (key != null) {
      long expiry = wall + retentionMs;
      if (state != null) {
        cancel(traceId, state);
        release(traceId, state, key, null, stream);
      }
      deadlines.schedule(Clock.WALL, expiry, traceId);
      traceKeys.put(traceId, TraceKeyState.resolved(key, false, expiry).encode());
      metrics.keyResolved();
      forward(span, stream);
      return;
    }
    // No key yet: hold the span. Its trace's deadline only moves later with more spans, so the
    // entry scheduled for the first held span stays valid (rescheduled when it fires).
    pending.put(Bytes.wrap(traceId.getBytes(StandardCharsets.UTF_8)),
        spanWriter.serialize(Names.Store.PENDING_SPANS, span), stream);
    TraceKeyState held = (state == null ? TraceKeyState.pending() : state).hold(stream, wall, stream);
    if (held.wallDeadline() == TraceKeyState.NONE) {
      long w = wall + gapMs;
      long s = stream + gapMs;
      deadlines.schedule(Clock.WALL, w, traceId);
      deadlines.schedule(Clock.STREAM, s, traceId);
      held = held.withDeadlines(w, s);
    }
    traceKeys.put(traceId, held.encode());
  }

  private void handleDue(Clock clock, long now, long wall, long stream) {
    for (Due due : deadlines.due(clock, now, 10_000)) {
      deadlines.remove(due);
      String traceId = due.subject();
      byte[] raw = traceKeys.get(traceId);
      if (raw == null) {
        continue;
      }
      TraceKeyState state = TraceKeyState.decode(raw);
      long scheduled = clock == Clock.WALL ? state.wallDeadline() : state.streamDeadline();
      if (scheduled != due.deadline()) {
        continue;
      }
      if (state.isResolved()) {
        if (clock == Clock.WALL) {
          traceKeys.delete(traceId); // the key's retention is over
        }
        continue;
      }
      long lastWall = Math.max(state.lastPendingWall(), startedWall);
      long firstWall = Math.max(state.firstPendingWall(), startedWall);
      boolean idle = wall - lastWall >= gapMs
          || stream - state.lastPendingStream() >= gapMs
          || wall - firstWall >= maxDurationMs
          || stream - state.firstPendingStream() >= maxDurationMs;
      if (idle) {
        cancel(traceId, clock == Clock.WALL ? state.withDeadlines(TraceKeyState.NONE,
            state.streamDeadline()) : state.withDeadlines(state.wallDeadline(), TraceKeyState.NONE));
        Mark mark = new Mark(FALLBACK, "no span of trace " + traceId + " carried the "
            + settings.keyRule().configValue() + " key; archived under its trace id");
        release(traceId, state, traceId, mark, stream);
        long expiry = wall + retentionMs;
        deadlines.schedule(Clock.WALL, expiry, traceId);
        traceKeys.put(traceId, TraceKeyState.resolved(traceId, true, expiry).encode());
        metrics.keyFellBack();
      } else {
        long next = clock == Clock.WALL
            ? Math.min(lastWall + gapMs, firstWall + maxDurationMs)
            : Math.min(state.lastPendingStream() + gapMs,
                state.firstPendingStream() + maxDurationMs);
        deadlines.schedule(clock, next, traceId);
        traceKeys.put(traceId, (clock == Clock.WALL
            ? state.withDeadlines(next, state.streamDeadline())
            : state.withDeadlines(state.wallDeadline(), next)).encode());
      }
    }
  }

  /** Releases the held spans of a trace under {@code key}; they then expire with the store. */
  private void release(String traceId, TraceKeyState state, String key, Mark mark, long stream) {
    if (state.pendingCount() == 0) {
      return;
    }
    try (WindowStoreIterator<byte[]> it = pending.fetch(
        Bytes.wrap(traceId.getBytes(StandardCharsets.UTF_8)), state.firstPendingTs(),
        state.lastPendingTs())) {
      while (it.hasNext()) {
        Span span = spanReader.deserialize(Names.Store.PENDING_SPANS, it.next().value)
            .withTraceKey(key);
        forward(mark == null ? span : span.withMark(mark), stream);
      }
    }
  }

  private void cancel(String traceId, TraceKeyState state) {
    if (state.wallDeadline() != TraceKeyState.NONE) {
      deadlines.cancel(Clock.WALL, state.wallDeadline(), traceId);
    }
    if (state.streamDeadline() != TraceKeyState.NONE) {
      deadlines.cancel(Clock.STREAM, state.streamDeadline(), traceId);
    }
  }

  /** The span under its trace's key; a different key of its own is kept visible as a mark. */
  static Span join(Span span, String key) {
    String own = span.traceKey();
    if (own == null || own.equals(key)) {
      return own == null ? span.withTraceKey(key) : span;
    }
    return span.withTraceKey(key).withMark(new Mark(CONFLICT, "span carries key '" + own
        + "' but trace " + span.traceId() + " is archived under '" + key + "', seen first"));
  }

  private void forward(Span span, long stream) {
    out.add(span);
  }

  /** Forwards the buffered spans, one chunk per run of spans with the same key. */
  private void flush(long stream) {
    int from = 0;
    for (int i = 1; i <= out.size(); i++) {
      if (i == out.size() || !out.get(i).traceKey().equals(out.get(from).traceKey())) {
        String key = out.get(from).traceKey();
        for (SpanChunk chunk : SpanChunk.chunks(out.subList(from, i), SpanChunk.MAX_CHUNK_BYTES)) {
          context.forward(new Record<>(key, chunk, stream));
        }
        from = i;
      }
    }
    out.clear();
  }

  private long streamNow() {
    return Math.max(0, context.currentStreamTimeMs());
  }
}
