package io.traceroll.perfetto;

import com.google.protobuf.CodedOutputStream;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Streams a Perfetto trace ({@code Trace.packet} entries, i.e. a {@code .pftrace}) to an {@link
 * OutputStream}: every call writes one complete, length-delimited {@code TracePacket} with
 * hand-written wire code (size first, then bytes, no protobuf message objects), so memory stays
 * bounded however long the trace is; only the interning tables and the set of described tracks
 * grow.
 *
 * <p><b>Sequence and interning.</b> All packets carry the constructor's {@code
 * trusted_packet_sequence_id}. The first packet (a clock snapshot) sets {@code
 * SEQ_INCREMENTAL_STATE_CLEARED} and {@code first_packet_on_sequence}; event names, categories,
 * annotation names, interned string values, interned correlation ids and callstacks get iids on
 * first use, are defined in that same packet, and every packet using an iid sets {@code
 * SEQ_NEEDS_INCREMENTAL_STATE}. Hence two files written by two writers (two parts of one
 * request) concatenated byte for byte are still a valid trace: the second part's first packet
 * clears the state the first part built up, and descriptors it repeats must be identical.
 *
 * <p><b>Clock.</b> Timestamps are epoch nanoseconds. The first packet is a {@code ClockSnapshot}
 * whose {@code primary_trace_clock} is {@code BUILTIN_CLOCK_REALTIME}, with REALTIME and BOOTTIME
 * both reading 0: trace processor takes our packet timestamps (no {@code timestamp_clock_id}) as
 * REALTIME, the identity BOOTTIME = REALTIME keeps them unchanged should a reader assume BOOTTIME,
 * and the UI can show wall-clock time. Per-packet {@code timestamp_clock_id} would say the same at
 * 3 bytes per packet. The snapshot is identical in every part of a request, so concatenated parts
 * never contradict each other (trace processor rejects a trace-clock snapshot that goes back in
 * time). With {@link TimestampEncoding#DELTA} the snapshot also defines the sequence-scoped
 * incremental clock 64 (ns) reading 0, and the second packet sets {@code
 * trace_packet_defaults.timestamp_clock_id = 64}: each timestamp is then the delta to the previous
 * packet's, as Chrome's track events encode them.
 *
 * <p><b>Size.</b> Flow ids below 2^56 go in the varint fields {@code flow_ids_old} / {@code
 * terminating_flow_ids_old} (1-2 bytes for the small ids callers allocate, against 8 as fixed64;
 * trace processor reads them as {@code flow_ids} when those are absent), and counter values may
 * ride on a slice or instant ({@link EventArgs.Builder#counterValue}, {@code
 * extra_counter_values}) instead of a packet of their own.
 *
 * <p><b>Misuse is rejected</b> with an exception before anything is written: events on a track
 * not yet described, a parent described after its child, a track re-described differently, END
 * without an open BEGIN on that track, counter values on a non-counter track or slices on a
 * counter track. Not thread-safe: one writer per trace.
 */
public final class PerfettoWriter implements Closeable, Flushable {

  private static final int PACKET_TAG = (Fields.TRACE_PACKET << 3) | 2;

  private final OutputStream sink;

  /**
   * Packets are encoded into this array and handed to the sink a chunk at a time. Every packet's
   * size is known before its first byte, so a packet never straddles two chunks and the encoder
   * is protobuf's array encoder, which is markedly cheaper per field than its stream encoder (no
   * space check per write). A packet larger than the chunk gets an array of its own size.
   */
  private static final int CHUNK = 16 * 1024;
  private byte[] chunk = new byte[CHUNK];
  private CodedOutputStream out = CodedOutputStream.newInstance(chunk);
  private long drainedBytes;
  private final int sequenceId;

  /**
   * All clocks of the snapshot read this instant. A constant, not the trace's start: trace
   * processor rejects a snapshot whose trace-clock value goes backwards, and the second part of
   * a request may well start earlier than the first. Equal snapshots are accepted, and in DELTA
   * mode each resets the incremental clock, so concatenated parts stay exact.
   */
  private static final long SNAPSHOT_NANOS = 0;
  private final TimestampEncoding timestamps;
  private long lastTimestamp;
  private boolean started;
  private boolean closed;
  private long packets;

  /** Described tracks with their open-slice depth; the only per-track state. */
  private final LongMap<TrackState> tracks = new LongMap<>();

  private static final class TrackState {
    final Track track;
    int openSlices;

    TrackState(Track track) {
      this.track = track;
    }
  }

  private final Interner<String> eventNames = new Interner<>();
  private final Interner<String> categories = new Interner<>();
  private final Interner<String> annotationNames = new Interner<>();
  private final Interner<String> annotationStrings = new Interner<>();
  private final Interner<String> correlationStrings = new Interner<>();
  private final Interner<String> functionNames = new Interner<>();
  private final Interner<String> buildIds = new Interner<>();
  private final Interner<String> mappingPaths = new Interner<>();
  private final Interner<Mapping> mappings = new Interner<>();
  private final Interner<Frame> frames = new Interner<>();
  private final Interner<Callstack> callstacks = new Interner<>();

  // Scratch of the annotation two-pass encoding: the sizing pass records, in pre-order, each
  // nested message's size and each name/value iid; the writing pass replays them in the same
  // order. Grows to the largest annotation tree seen, then is reused.
  private int[] sizes = new int[32];
  private int sizeCount;
  private int sizeCursor;
  private long[] iids = new long[32];
  private int iidCount;
  private int iidCursor;

  /**
   * A writer with absolute timestamps.
   *
   * @param out receives the trace; buffered internally, so pass the raw stream
   * @param trustedPacketSequenceId the one sequence of this trace; deterministic per request so
   *     that all parts of a request share it
   */
  public PerfettoWriter(OutputStream out, int trustedPacketSequenceId) {
    this(out, trustedPacketSequenceId, TimestampEncoding.ABSOLUTE);
  }

  /**
   * @param timestamps {@link TimestampEncoding#DELTA} makes every packet timestamp a delta to the
   *     previous one (about 2-3 bytes instead of 9); timestamped calls must then come in
   *     non-decreasing time order, and no timestamp may be negative
   */
  public PerfettoWriter(OutputStream out, int trustedPacketSequenceId,
      TimestampEncoding timestamps) {
    this.timestamps = Objects.requireNonNull(timestamps, "timestamps");
    this.sink = Objects.requireNonNull(out, "out");
    if (trustedPacketSequenceId <= 0) {
      throw new IllegalArgumentException("sequence id must be positive (0 is untrusted)");
    }
    this.sequenceId = trustedPacketSequenceId;
  }

  // ---------------------------------------------------------------- tracks

  /**
   * Describes a track (no packet timestamp). Describing an already described uuid again with an
   * identical {@link Track} is a no-op; with a different one it throws. A parent must be
   * described before its children.
   */
  public void describe(Track track) throws IOException {
    describe(track, -1);
  }

  /**
   * Describes a track in a timestamped packet: recommended for process and thread tracks so
   * trace processor sorts the descriptor before the process's first event.
   *
   * @param timestampNanos epoch ns, or negative for none
   */
  public void describe(Track track, long timestampNanos) throws IOException {
    Objects.requireNonNull(track, "track");
    TrackState previous = tracks.get(track.uuid());
    if (previous != null) {
      if (previous.track.equals(track)) {
        return;
      }
      throw new IllegalStateException("track " + track.uuid() + " already described as "
          + previous.track + ", now " + track);
    }
    if (track.parentUuid() != 0 && tracks.get(track.parentUuid()) == null) {
      throw new IllegalStateException("parent " + track.parentUuid() + " of " + track
          + " must be described first");
    }
    start();
    long wireTs = timestampNanos >= 0 ? wireTimestamp(timestampNanos) : -1;
    int descriptorSize = descriptorSize(track);
    int size = (wireTs >= 0 ? 1 + CodedOutputStream.computeUInt64SizeNoTag(wireTs) : 0)
        + 1 + CodedOutputStream.computeUInt32SizeNoTag(sequenceId)
        + 2 + CodedOutputStream.computeUInt32SizeNoTag(descriptorSize) + descriptorSize;
    beginPacket(size);
    if (wireTs >= 0) {
      out.writeUInt64(Fields.Packet.TIMESTAMP, wireTs);
    }
    out.writeUInt32(Fields.Packet.TRUSTED_PACKET_SEQUENCE_ID, sequenceId);
    out.writeTag(Fields.Packet.TRACK_DESCRIPTOR, 2);
    out.writeUInt32NoTag(descriptorSize);
    writeDescriptor(track);
    tracks.put(track.uuid(), new TrackState(track));
  }

  /** Whether {@code uuid} has been described by this writer. */
  public boolean isDescribed(long uuid) {
    return tracks.get(uuid) != null;
  }

  // ---------------------------------------------------------------- events

  /** Begins a slice with no categories or arguments. */
  public void beginSlice(long trackUuid, long timestampNanos, String name) throws IOException {
    beginSlice(trackUuid, timestampNanos, name, EventArgs.NONE);
  }

  /** Begins a slice; slices on one track must nest strictly (end in LIFO order). */
  public void beginSlice(long trackUuid, long timestampNanos, String name, EventArgs args)
      throws IOException {
    Objects.requireNonNull(name, "name");
    TrackState state = eventTrack(trackUuid);
    trackEvent(Fields.Event.TYPE_SLICE_BEGIN, trackUuid, timestampNanos, name, args);
    state.openSlices++;
  }

  /** Ends the innermost open slice of the track. */
  public void endSlice(long trackUuid, long timestampNanos) throws IOException {
    endSlice(trackUuid, timestampNanos, EventArgs.NONE);
  }

  /**
   * Ends the innermost open slice of the track; trace processor merges {@code args} (e.g.
   * annotations only known at the end, or terminating flows) into the slice.
   */
  public void endSlice(long trackUuid, long timestampNanos, EventArgs args) throws IOException {
    TrackState state = eventTrack(trackUuid);
    if (state.openSlices == 0) {
      throw new IllegalStateException("no open slice on track " + trackUuid);
    }
    trackEvent(Fields.Event.TYPE_SLICE_END, trackUuid, timestampNanos, null, args);
    state.openSlices--;
  }

  /** Number of slices begun and not yet ended on a track. */
  public int openSliceDepth(long trackUuid) {
    TrackState state = tracks.get(trackUuid);
    return state == null ? 0 : state.openSlices;
  }

  public void instant(long trackUuid, long timestampNanos, String name) throws IOException {
    instant(trackUuid, timestampNanos, name, EventArgs.NONE);
  }

  /** A zero-duration event (TYPE_INSTANT), with the same options as a slice. */
  public void instant(long trackUuid, long timestampNanos, String name, EventArgs args)
      throws IOException {
    Objects.requireNonNull(name, "name");
    eventTrack(trackUuid);
    trackEvent(Fields.Event.TYPE_INSTANT, trackUuid, timestampNanos, name, args);
  }

  /** An integer value on a counter track. */
  public void counter(long trackUuid, long timestampNanos, long value) throws IOException {
    requireCounterTrack(trackUuid);
    int eventSize = 1 + 1 // type
        + 1 + CodedOutputStream.computeUInt64SizeNoTag(trackUuid)
        + 2 + CodedOutputStream.computeInt64SizeNoTag(value);
    counterPacket(timestampNanos, eventSize);
    out.writeEnum(Fields.Event.TYPE, Fields.Event.TYPE_COUNTER);
    out.writeUInt64(Fields.Event.TRACK_UUID, trackUuid);
    out.writeInt64(Fields.Event.COUNTER_VALUE, value);
  }

  /** A floating-point value on a counter track. */
  public void counter(long trackUuid, long timestampNanos, double value) throws IOException {
    requireCounterTrack(trackUuid);
    int eventSize = 1 + 1
        + 1 + CodedOutputStream.computeUInt64SizeNoTag(trackUuid)
        + 2 + 8;
    counterPacket(timestampNanos, eventSize);
    out.writeEnum(Fields.Event.TYPE, Fields.Event.TYPE_COUNTER);
    out.writeUInt64(Fields.Event.TRACK_UUID, trackUuid);
    out.writeDouble(Fields.Event.DOUBLE_COUNTER_VALUE, value);
  }

  // ---------------------------------------------------------------- lifecycle

  /** Packets written so far, the clock snapshot included. */
  public long packetCount() {
    return packets;
  }

  /** Bytes handed to the stream or buffered so far. */
  public long bytesWritten() {
    return drainedBytes + out.getTotalBytesWritten();
  }

  /**
   * Writes the clock snapshot if nothing has been written yet, so that even a trace without
   * events is a valid, non-empty trace.
   */
  public void start() throws IOException {
    if (started) {
      return;
    }
    started = true;
    boolean delta = timestamps == TimestampEncoding.DELTA;
    int bootSize = clockSize(Fields.Clock.BUILTIN_BOOTTIME, false);
    int realtimeSize = clockSize(Fields.Clock.BUILTIN_REALTIME, false);
    int deltaSize = delta ? clockSize(Fields.Clock.INCREMENTAL_CLOCK_ID, true) : 0;
    int snapshotSize = 1 + CodedOutputStream.computeUInt32SizeNoTag(bootSize) + bootSize
        + 1 + CodedOutputStream.computeUInt32SizeNoTag(realtimeSize) + realtimeSize
        + (delta ? 1 + CodedOutputStream.computeUInt32SizeNoTag(deltaSize) + deltaSize : 0)
        + 1 + 1;
    int size = 1 + CodedOutputStream.computeUInt32SizeNoTag(snapshotSize) + snapshotSize
        + 1 + CodedOutputStream.computeUInt32SizeNoTag(sequenceId)
        + 1 + 1
        + 2 + 1;
    beginPacket(size);
    out.writeTag(Fields.Packet.CLOCK_SNAPSHOT, 2);
    out.writeUInt32NoTag(snapshotSize);
    writeClock(Fields.Clock.BUILTIN_BOOTTIME, false, bootSize);
    writeClock(Fields.Clock.BUILTIN_REALTIME, false, realtimeSize);
    if (delta) {
      writeClock(Fields.Clock.INCREMENTAL_CLOCK_ID, true, deltaSize);
    }
    out.writeEnum(Fields.Clock.SNAPSHOT_PRIMARY_TRACE_CLOCK, Fields.Clock.BUILTIN_REALTIME);
    out.writeUInt32(Fields.Packet.TRUSTED_PACKET_SEQUENCE_ID, sequenceId);
    out.writeUInt32(Fields.Packet.SEQUENCE_FLAGS, Fields.Packet.SEQ_INCREMENTAL_STATE_CLEARED);
    out.writeBool(Fields.Packet.FIRST_PACKET_ON_SEQUENCE, true);
    if (delta) {
      // Defaults are incremental state: they follow the packet that cleared it, and apply to
      // every later packet of the sequence.
      int defaultsSize = 2 + 1;
      beginPacket(1 + CodedOutputStream.computeUInt32SizeNoTag(sequenceId)
          + 2 + 1 + defaultsSize);
      out.writeUInt32(Fields.Packet.TRUSTED_PACKET_SEQUENCE_ID, sequenceId);
      out.writeTag(Fields.Packet.TRACE_PACKET_DEFAULTS, 2);
      out.writeUInt32NoTag(defaultsSize);
      out.writeUInt32(Fields.Packet.TIMESTAMP_CLOCK_ID, Fields.Clock.INCREMENTAL_CLOCK_ID);
    }
  }

  /**
   * The value of a packet's timestamp field: the epoch ns, or with DELTA timestamps the
   * difference to the previous timestamped packet (trace processor adds it up per sequence).
   */
  private long wireTimestamp(long epochNanos) {
    if (timestamps == TimestampEncoding.ABSOLUTE) {
      return epochNanos;
    }
    if (epochNanos < lastTimestamp) {
      throw new IllegalArgumentException("timestamp " + epochNanos + " precedes the previous ("
          + lastTimestamp + "): DELTA timestamps must be non-negative and must not decrease");
    }
    long delta = epochNanos - lastTimestamp;
    lastTimestamp = epochNanos;
    return delta;
  }

  /** Pushes buffered bytes to the underlying stream (and flushes it). */
  @Override
  public void flush() throws IOException {
    drain(0);
    sink.flush();
  }

  /** Hands the encoded bytes to the sink and starts a chunk with room for {@code next} bytes. */
  private void drain(int next) throws IOException {
    int used = out.getTotalBytesWritten();
    if (used > 0) {
      sink.write(chunk, 0, used);
      drainedBytes += used;
    }
    if (chunk.length < next) {
      chunk = new byte[next];
    } else if (chunk.length > CHUNK && next <= CHUNK) {
      chunk = new byte[CHUNK]; // a one-off huge packet does not pin a huge array
    }
    out = CodedOutputStream.newInstance(chunk);
  }

  /** Flushes and closes the underlying stream. Open slices are left open, as in a live trace. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    start();
    flush();
    sink.close();
  }

  // ---------------------------------------------------------------- internals

  private TrackState eventTrack(long uuid) {
    TrackState state = tracks.get(uuid);
    if (state == null) {
      throw new IllegalStateException("track " + uuid + " is not described");
    }
    if (state.track.kind() == Track.Kind.COUNTER) {
      throw new IllegalArgumentException("slices and instants do not go on counter track "
          + uuid);
    }
    return state;
  }

  private void requireCounterTrack(long uuid) {
    TrackState state = tracks.get(uuid);
    if (state == null) {
      throw new IllegalStateException("track " + uuid + " is not described");
    }
    if (state.track.kind() != Track.Kind.COUNTER) {
      throw new IllegalArgumentException("track " + uuid + " is not a counter track");
    }
  }

  private void beginPacket(int size) throws IOException {
    if (closed) {
      throw new IllegalStateException("writer is closed");
    }
    int total = 1 + CodedOutputStream.computeUInt32SizeNoTag(size) + size;
    if (out.spaceLeft() < total) {
      drain(total);
    }
    out.writeUInt32NoTag(PACKET_TAG);
    out.writeUInt32NoTag(size);
    packets++;
  }

  private void counterPacket(long timestampNanos, int eventSize) throws IOException {
    start();
    long ts = wireTimestamp(timestampNanos);
    int size = 1 + CodedOutputStream.computeUInt64SizeNoTag(ts)
        + 1 + CodedOutputStream.computeUInt32SizeNoTag(sequenceId)
        + 1 + CodedOutputStream.computeUInt32SizeNoTag(eventSize) + eventSize;
    beginPacket(size);
    out.writeUInt64(Fields.Packet.TIMESTAMP, ts);
    out.writeUInt32(Fields.Packet.TRUSTED_PACKET_SEQUENCE_ID, sequenceId);
    out.writeTag(Fields.Packet.TRACK_EVENT, 2);
    out.writeUInt32NoTag(eventSize);
  }

  private int clockSize(int clockId, boolean incremental) {
    return 1 + CodedOutputStream.computeUInt32SizeNoTag(clockId)
        + 1 + CodedOutputStream.computeUInt64SizeNoTag(SNAPSHOT_NANOS)
        + (incremental ? 2 : 0);
  }

  private void writeClock(int clockId, boolean incremental, int clockSize) throws IOException {
    out.writeTag(Fields.Clock.SNAPSHOT_CLOCKS, 2);
    out.writeUInt32NoTag(clockSize);
    out.writeUInt32(Fields.Clock.CLOCK_ID, clockId);
    out.writeUInt64(Fields.Clock.TIMESTAMP, SNAPSHOT_NANOS);
    if (incremental) {
      out.writeBool(Fields.Clock.IS_INCREMENTAL, true);
    }
  }

  // ---- track descriptors

  private static int descriptorSize(Track t) {
    int size = 1 + CodedOutputStream.computeUInt64SizeNoTag(t.uuid());
    if (t.name() != null) {
      size += CodedOutputStream.computeStringSize(Fields.Descriptor.NAME, t.name());
    }
    if (t.kind() == Track.Kind.PROCESS) {
      int p = processSize(t);
      size += 1 + CodedOutputStream.computeUInt32SizeNoTag(p) + p;
    } else if (t.kind() == Track.Kind.THREAD) {
      int th = threadSize(t);
      size += 1 + CodedOutputStream.computeUInt32SizeNoTag(th) + th;
    }
    if (t.parentUuid() != 0) {
      size += 1 + CodedOutputStream.computeUInt64SizeNoTag(t.parentUuid());
    }
    if (t.counter() != null) {
      int c = counterSize(t.counter());
      size += 1 + CodedOutputStream.computeUInt32SizeNoTag(c) + c;
    }
    if (t.childOrdering() != ChildOrdering.UNSPECIFIED) {
      size += 1 + CodedOutputStream.computeEnumSizeNoTag(t.childOrdering().wire);
    }
    if (t.siblingOrderRank() != null) {
      size += 1 + CodedOutputStream.computeInt32SizeNoTag(t.siblingOrderRank());
    }
    if (t.description() != null) {
      size += CodedOutputStream.computeStringSize(Fields.Descriptor.DESCRIPTION, t.description());
    }
    if (t.siblingMerge() != SiblingMerge.UNSPECIFIED) {
      size += 1 + CodedOutputStream.computeEnumSizeNoTag(t.siblingMerge().wire);
    }
    if (t.siblingMergeKey() != null) {
      size += CodedOutputStream.computeStringSize(Fields.Descriptor.SIBLING_MERGE_KEY,
          t.siblingMergeKey());
    }
    return size;
  }

  private void writeDescriptor(Track t) throws IOException {
    out.writeUInt64(Fields.Descriptor.UUID, t.uuid());
    if (t.name() != null) {
      out.writeString(Fields.Descriptor.NAME, t.name());
    }
    if (t.kind() == Track.Kind.PROCESS) {
      out.writeTag(Fields.Descriptor.PROCESS, 2);
      out.writeUInt32NoTag(processSize(t));
      out.writeInt32(Fields.Os.PROCESS_PID, t.pid());
      if (t.osName() != null) {
        out.writeString(Fields.Os.PROCESS_NAME, t.osName());
      }
    } else if (t.kind() == Track.Kind.THREAD) {
      out.writeTag(Fields.Descriptor.THREAD, 2);
      out.writeUInt32NoTag(threadSize(t));
      out.writeInt32(Fields.Os.THREAD_PID, t.pid());
      out.writeInt64(Fields.Os.THREAD_TID, t.tid());
      if (t.osName() != null) {
        out.writeString(Fields.Os.THREAD_NAME, t.osName());
      }
    }
    if (t.parentUuid() != 0) {
      out.writeUInt64(Fields.Descriptor.PARENT_UUID, t.parentUuid());
    }
    if (t.counter() != null) {
      Counter c = t.counter();
      out.writeTag(Fields.Descriptor.COUNTER, 2);
      out.writeUInt32NoTag(counterSize(c));
      if (c.unit() != CounterUnit.UNSPECIFIED) {
        out.writeEnum(Fields.Os.COUNTER_UNIT, c.unit().wire);
      }
      if (c.unitMultiplier() != 0) {
        out.writeInt64(Fields.Os.COUNTER_UNIT_MULTIPLIER, c.unitMultiplier());
      }
      if (c.incremental()) {
        out.writeBool(Fields.Os.COUNTER_IS_INCREMENTAL, true);
      }
      if (c.unitName() != null) {
        out.writeString(Fields.Os.COUNTER_UNIT_NAME, c.unitName());
      }
      if (c.yAxisShareKey() != null) {
        out.writeString(Fields.Os.COUNTER_Y_AXIS_SHARE_KEY, c.yAxisShareKey());
      }
    }
    if (t.childOrdering() != ChildOrdering.UNSPECIFIED) {
      out.writeEnum(Fields.Descriptor.CHILD_ORDERING, t.childOrdering().wire);
    }
    if (t.siblingOrderRank() != null) {
      out.writeInt32(Fields.Descriptor.SIBLING_ORDER_RANK, t.siblingOrderRank());
    }
    if (t.description() != null) {
      out.writeString(Fields.Descriptor.DESCRIPTION, t.description());
    }
    if (t.siblingMerge() != SiblingMerge.UNSPECIFIED) {
      out.writeEnum(Fields.Descriptor.SIBLING_MERGE_BEHAVIOR, t.siblingMerge().wire);
    }
    if (t.siblingMergeKey() != null) {
      out.writeString(Fields.Descriptor.SIBLING_MERGE_KEY, t.siblingMergeKey());
    }
  }

  private static int processSize(Track t) {
    int size = 1 + CodedOutputStream.computeInt32SizeNoTag(t.pid());
    if (t.osName() != null) {
      size += CodedOutputStream.computeStringSize(Fields.Os.PROCESS_NAME, t.osName());
    }
    return size;
  }

  private static int threadSize(Track t) {
    int size = 1 + CodedOutputStream.computeInt32SizeNoTag(t.pid())
        + 1 + CodedOutputStream.computeInt64SizeNoTag(t.tid());
    if (t.osName() != null) {
      size += CodedOutputStream.computeStringSize(Fields.Os.THREAD_NAME, t.osName());
    }
    return size;
  }

  private static int counterSize(Counter c) {
    int size = 0;
    if (c.unit() != CounterUnit.UNSPECIFIED) {
      size += 1 + CodedOutputStream.computeEnumSizeNoTag(c.unit().wire);
    }
    if (c.unitMultiplier() != 0) {
      size += 1 + CodedOutputStream.computeInt64SizeNoTag(c.unitMultiplier());
    }
    if (c.incremental()) {
      size += 2;
    }
    if (c.unitName() != null) {
      size += CodedOutputStream.computeStringSize(Fields.Os.COUNTER_UNIT_NAME, c.unitName());
    }
    if (c.yAxisShareKey() != null) {
      size += CodedOutputStream.computeStringSize(Fields.Os.COUNTER_Y_AXIS_SHARE_KEY,
          c.yAxisShareKey());
    }
    return size;
  }

  // ---- track events

  private void trackEvent(int type, long trackUuid, long ts, String name, EventArgs args)
      throws IOException {
    Objects.requireNonNull(args, "args");
    int counterValues = args.counterValueCount();
    for (int i = 0; i < counterValues; i++) {
      requireCounterTrack(args.counterTrack(i));
    }
    start();
    long wireTs = wireTimestamp(ts);
    // Pass 1: intern (remembering what this packet must define) and size everything.
    sizeCount = 0;
    iidCount = 0;
    boolean usesIids = false;
    int eventSize = 0;
    List<String> cats = args.categories();
    for (int i = 0; i < cats.size(); i++) {
      long iid = categories.iid(cats.get(i));
      pushIid(iid);
      eventSize += 1 + CodedOutputStream.computeUInt64SizeNoTag(iid);
      usesIids = true;
    }
    List<Annotation> annotations = args.annotations();
    for (int i = 0; i < annotations.size(); i++) {
      Annotation a = annotations.get(i);
      int s = sizeAnnotation(a.name(), a.value());
      eventSize += 1 + CodedOutputStream.computeUInt32SizeNoTag(s) + s;
      usesIids = true;
    }
    eventSize += 2; // type
    long nameIid = 0;
    if (name != null) {
      nameIid = eventNames.iid(name);
      eventSize += 1 + CodedOutputStream.computeUInt64SizeNoTag(nameIid);
      usesIids = true;
    }
    eventSize += 1 + CodedOutputStream.computeUInt64SizeNoTag(trackUuid);
    for (int i = 0; i < counterValues; i++) {
      eventSize += 1 + CodedOutputStream.computeInt64SizeNoTag(args.counterValue(i))
          + 2 + CodedOutputStream.computeUInt64SizeNoTag(args.counterTrack(i));
    }
    int flows = args.flowIdCount();
    int terminating = args.terminatingFlowIdCount();
    boolean varintFlows = flows > 0 && fitsVarint(args, false);
    boolean varintTerminating = terminating > 0 && fitsVarint(args, true);
    for (int i = 0; i < flows; i++) {
      eventSize += 2 + (varintFlows ? CodedOutputStream.computeUInt64SizeNoTag(args.flowId(i)) : 8);
    }
    for (int i = 0; i < terminating; i++) {
      eventSize += 2 + (varintTerminating
          ? CodedOutputStream.computeUInt64SizeNoTag(args.terminatingFlowId(i)) : 8);
    }
    Correlation correlation = args.correlation();
    long correlationIid = 0;
    if (correlation instanceof Correlation.Id id) {
      eventSize += 2 + CodedOutputStream.computeUInt64SizeNoTag(id.value());
    } else if (correlation instanceof Correlation.Str s) {
      eventSize += CodedOutputStream.computeStringSize(Fields.Event.CORRELATION_ID_STR, s.value());
    } else if (correlation instanceof Correlation.InternedStr s) {
      correlationIid = correlationStrings.iid(s.value());
      eventSize += 2 + CodedOutputStream.computeUInt64SizeNoTag(correlationIid);
      usesIids = true;
    }
    long callstackIid = 0;
    if (args.callstack() != null) {
      callstackIid = internCallstack(args.callstack());
      eventSize += 2 + CodedOutputStream.computeUInt64SizeNoTag(callstackIid);
      usesIids = true;
    }
    int internedSize = internedDataSize();
    int size = 1 + CodedOutputStream.computeUInt64SizeNoTag(wireTs)
        + 1 + CodedOutputStream.computeUInt32SizeNoTag(sequenceId)
        + 1 + CodedOutputStream.computeUInt32SizeNoTag(eventSize) + eventSize
        + (internedSize > 0
            ? 1 + CodedOutputStream.computeUInt32SizeNoTag(internedSize) + internedSize : 0)
        + (usesIids ? 2 : 0);

    // Pass 2: write, replaying the recorded sizes and iids.
    sizeCursor = 0;
    iidCursor = 0;
    beginPacket(size);
    out.writeUInt64(Fields.Packet.TIMESTAMP, wireTs);
    out.writeUInt32(Fields.Packet.TRUSTED_PACKET_SEQUENCE_ID, sequenceId);
    out.writeTag(Fields.Packet.TRACK_EVENT, 2);
    out.writeUInt32NoTag(eventSize);
    for (int i = 0; i < cats.size(); i++) {
      out.writeUInt64(Fields.Event.CATEGORY_IIDS, iids[iidCursor++]);
    }
    for (int i = 0; i < annotations.size(); i++) {
      Annotation a = annotations.get(i);
      out.writeTag(Fields.Event.DEBUG_ANNOTATIONS, 2);
      writeAnnotation(a.value());
    }
    out.writeEnum(Fields.Event.TYPE, type);
    if (name != null) {
      out.writeUInt64(Fields.Event.NAME_IID, nameIid);
    }
    out.writeUInt64(Fields.Event.TRACK_UUID, trackUuid);
    for (int i = 0; i < counterValues; i++) {
      out.writeInt64(Fields.Event.EXTRA_COUNTER_VALUES, args.counterValue(i));
    }
    for (int i = 0; i < counterValues; i++) {
      out.writeUInt64(Fields.Event.EXTRA_COUNTER_TRACK_UUIDS, args.counterTrack(i));
    }
    // field order on the wire: 36, 42 (varint forms) before 47, 48 (fixed64 forms)
    if (varintFlows) {
      for (int i = 0; i < flows; i++) {
        out.writeUInt64(Fields.Event.FLOW_IDS_OLD, args.flowId(i));
      }
    }
    if (varintTerminating) {
      for (int i = 0; i < terminating; i++) {
        out.writeUInt64(Fields.Event.TERMINATING_FLOW_IDS_OLD, args.terminatingFlowId(i));
      }
    }
    if (!varintFlows) {
      for (int i = 0; i < flows; i++) {
        out.writeFixed64(Fields.Event.FLOW_IDS, args.flowId(i));
      }
    }
    if (!varintTerminating) {
      for (int i = 0; i < terminating; i++) {
        out.writeFixed64(Fields.Event.TERMINATING_FLOW_IDS, args.terminatingFlowId(i));
      }
    }
    if (correlation instanceof Correlation.Id id) {
      out.writeUInt64(Fields.Event.CORRELATION_ID, id.value());
    } else if (correlation instanceof Correlation.Str s) {
      out.writeString(Fields.Event.CORRELATION_ID_STR, s.value());
    } else if (correlation instanceof Correlation.InternedStr) {
      out.writeUInt64(Fields.Event.CORRELATION_ID_STR_IID, correlationIid);
    }
    if (callstackIid != 0) {
      out.writeUInt64(Fields.Event.CALLSTACK_IID, callstackIid);
    }
    if (internedSize > 0) {
      out.writeTag(Fields.Packet.INTERNED_DATA, 2);
      out.writeUInt32NoTag(internedSize);
      writeInternedData();
    }
    if (usesIids) {
      out.writeUInt32(Fields.Packet.SEQUENCE_FLAGS, Fields.Packet.SEQ_NEEDS_INCREMENTAL_STATE);
    }
    commitInterned();
  }

  /**
   * Whether an event's flow ids (or terminating ones) go in the varint field: when each id is
   * below 2^56, i.e. no longer than its fixed64 form. One form per list, since trace processor
   * reads the fixed64 list if present and the varint list only otherwise.
   */
  private static boolean fitsVarint(EventArgs args, boolean terminating) {
    int n = terminating ? args.terminatingFlowIdCount() : args.flowIdCount();
    for (int i = 0; i < n; i++) {
      long id = terminating ? args.terminatingFlowId(i) : args.flowId(i);
      if ((id >>> 56) != 0) {
        return false;
      }
    }
    return true;
  }

  // ---- debug annotations (two passes over our own tree)

  /** Size of a DebugAnnotation body; records nested sizes and iids in pre-order. */
  private int sizeAnnotation(String name, AnnotationValue value) {
    int slot = sizeCount;
    pushSize(0);
    int size = 0;
    if (name != null) {
      long nameIid = annotationNames.iid(name);
      pushIid(nameIid);
      size += 1 + CodedOutputStream.computeUInt64SizeNoTag(nameIid);
    }
    if (value instanceof AnnotationValue.Bool) {
      size += 2;
    } else if (value instanceof AnnotationValue.Uint v) {
      size += 1 + CodedOutputStream.computeUInt64SizeNoTag(v.value());
    } else if (value instanceof AnnotationValue.Int v) {
      size += 1 + CodedOutputStream.computeInt64SizeNoTag(v.value());
    } else if (value instanceof AnnotationValue.Double) {
      size += 9;
    } else if (value instanceof AnnotationValue.Str v) {
      if (v.interned()) {
        long iid = annotationStrings.iid(v.value());
        pushIid(iid);
        size += 2 + CodedOutputStream.computeUInt64SizeNoTag(iid);
      } else {
        size += CodedOutputStream.computeStringSize(Fields.Annotation.STRING_VALUE, v.value());
      }
    } else if (value instanceof AnnotationValue.Pointer v) {
      size += 1 + CodedOutputStream.computeUInt64SizeNoTag(v.value());
    } else if (value instanceof AnnotationValue.Dict v) {
      for (Annotation e : v.entries()) {
        int s = sizeAnnotation(e.name(), e.value());
        size += 1 + CodedOutputStream.computeUInt32SizeNoTag(s) + s;
      }
    } else {
      for (AnnotationValue e : ((AnnotationValue.Array) value).values()) {
        int s = sizeAnnotation(null, e);
        size += 1 + CodedOutputStream.computeUInt32SizeNoTag(s) + s;
      }
    }
    sizes[slot] = size;
    return size;
  }

  /** Writes length and body of a DebugAnnotation whose tag the caller wrote. */
  private void writeAnnotation(AnnotationValue value) throws IOException {
    writeAnnotation(true, value);
  }

  private void writeAnnotation(boolean named, AnnotationValue value) throws IOException {
    out.writeUInt32NoTag(sizes[sizeCursor++]);
    if (named) {
      out.writeUInt64(Fields.Annotation.NAME_IID, iids[iidCursor++]);
    }
    if (value instanceof AnnotationValue.Bool v) {
      out.writeBool(Fields.Annotation.BOOL_VALUE, v.value());
    } else if (value instanceof AnnotationValue.Uint v) {
      out.writeUInt64(Fields.Annotation.UINT_VALUE, v.value());
    } else if (value instanceof AnnotationValue.Int v) {
      out.writeInt64(Fields.Annotation.INT_VALUE, v.value());
    } else if (value instanceof AnnotationValue.Double v) {
      out.writeDouble(Fields.Annotation.DOUBLE_VALUE, v.value());
    } else if (value instanceof AnnotationValue.Str v) {
      if (v.interned()) {
        out.writeUInt64(Fields.Annotation.STRING_VALUE_IID, iids[iidCursor++]);
      } else {
        out.writeString(Fields.Annotation.STRING_VALUE, v.value());
      }
    } else if (value instanceof AnnotationValue.Pointer v) {
      out.writeUInt64(Fields.Annotation.POINTER_VALUE, v.value());
    } else if (value instanceof AnnotationValue.Dict v) {
      for (Annotation e : v.entries()) {
        out.writeTag(Fields.Annotation.DICT_ENTRIES, 2);
        writeAnnotation(true, e.value());
      }
    } else {
      for (AnnotationValue e : ((AnnotationValue.Array) value).values()) {
        out.writeTag(Fields.Annotation.ARRAY_VALUES, 2);
        writeAnnotation(false, e);
      }
    }
  }

  private void pushSize(int size) {
    if (sizeCount == sizes.length) {
      sizes = Arrays.copyOf(sizes, sizes.length * 2);
    }
    sizes[sizeCount++] = size;
  }

  private void pushIid(long iid) {
    if (iidCount == iids.length) {
      iids = Arrays.copyOf(iids, iids.length * 2);
    }
    iids[iidCount++] = iid;
  }

  // ---- callstacks

  private long internCallstack(Callstack callstack) {
    if (callstacks.contains(callstack)) {
      return callstacks.iid(callstack);
    }
    // Parts before wholes, so that a callstack first seen in this packet has every frame,
    // function name and mapping it refers to defined in the same packet.
    for (Frame f : callstack.frames()) {
      if (frames.contains(f)) {
        continue;
      }
      functionNames.iid(f.functionName());
      Mapping m = f.mapping();
      if (m != null && !mappings.contains(m)) {
        if (m.buildId() != null) {
          buildIds.iid(m.buildId());
        }
        for (String part : m.pathComponents()) {
          mappingPaths.iid(part);
        }
        mappings.iid(m);
      }
      frames.iid(f);
    }
    return callstacks.iid(callstack);
  }

  // ---- interned data

  private int internedDataSize() {
    int size = 0;
    size += namedEntriesSize(Fields.Interned.EVENT_CATEGORIES, categories);
    size += namedEntriesSize(Fields.Interned.EVENT_NAMES, eventNames);
    size += namedEntriesSize(Fields.Interned.DEBUG_ANNOTATION_NAMES, annotationNames);
    size += namedEntriesSize(Fields.Interned.FUNCTION_NAMES, functionNames);
    for (int i = 0; i < frames.freshCount(); i++) {
      int s = frameSize(frames.fresh(i), frames.freshIid(i));
      size += 1 + CodedOutputStream.computeUInt32SizeNoTag(s) + s;
    }
    for (int i = 0; i < callstacks.freshCount(); i++) {
      int s = callstackSize(callstacks.fresh(i), callstacks.freshIid(i));
      size += 1 + CodedOutputStream.computeUInt32SizeNoTag(s) + s;
    }
    size += namedEntriesSize(Fields.Interned.BUILD_IDS, buildIds);
    size += namedEntriesSize(Fields.Interned.MAPPING_PATHS, mappingPaths);
    for (int i = 0; i < mappings.freshCount(); i++) {
      int s = mappingSize(mappings.fresh(i), mappings.freshIid(i));
      size += 2 + CodedOutputStream.computeUInt32SizeNoTag(s) + s;
    }
    size += namedEntriesSize(Fields.Interned.DEBUG_ANNOTATION_STRING_VALUES, annotationStrings);
    size += namedEntriesSize(Fields.Interned.CORRELATION_ID_STR, correlationStrings);
    return size;
  }

  private void writeInternedData() throws IOException {
    writeNamedEntries(Fields.Interned.EVENT_CATEGORIES, categories);
    writeNamedEntries(Fields.Interned.EVENT_NAMES, eventNames);
    writeNamedEntries(Fields.Interned.DEBUG_ANNOTATION_NAMES, annotationNames);
    writeNamedEntries(Fields.Interned.FUNCTION_NAMES, functionNames);
    for (int i = 0; i < frames.freshCount(); i++) {
      Frame f = frames.fresh(i);
      long iid = frames.freshIid(i);
      out.writeTag(Fields.Interned.FRAMES, 2);
      out.writeUInt32NoTag(frameSize(f, iid));
      out.writeUInt64(Fields.Interned.ENTRY_IID, iid);
      out.writeUInt64(Fields.Profile.FRAME_FUNCTION_NAME_ID, functionNames.iid(f.functionName()));
      if (f.mapping() != null) {
        out.writeUInt64(Fields.Profile.FRAME_MAPPING_ID, mappings.iid(f.mapping()));
        out.writeUInt64(Fields.Profile.FRAME_REL_PC, f.relPc());
      }
    }
    for (int i = 0; i < callstacks.freshCount(); i++) {
      Callstack c = callstacks.fresh(i);
      long iid = callstacks.freshIid(i);
      out.writeTag(Fields.Interned.CALLSTACKS, 2);
      out.writeUInt32NoTag(callstackSize(c, iid));
      out.writeUInt64(Fields.Interned.ENTRY_IID, iid);
      for (Frame f : c.frames()) {
        out.writeUInt64(Fields.Profile.CALLSTACK_FRAME_IDS, frames.iid(f));
      }
    }
    writeNamedEntries(Fields.Interned.BUILD_IDS, buildIds);
    writeNamedEntries(Fields.Interned.MAPPING_PATHS, mappingPaths);
    for (int i = 0; i < mappings.freshCount(); i++) {
      Mapping m = mappings.fresh(i);
      long iid = mappings.freshIid(i);
      out.writeTag(Fields.Interned.MAPPINGS, 2);
      out.writeUInt32NoTag(mappingSize(m, iid));
      out.writeUInt64(Fields.Interned.ENTRY_IID, iid);
      if (m.buildId() != null) {
        out.writeUInt64(Fields.Profile.MAPPING_BUILD_ID, buildIds.iid(m.buildId()));
      }
      out.writeUInt64(Fields.Profile.MAPPING_START, m.start());
      out.writeUInt64(Fields.Profile.MAPPING_END, m.end());
      out.writeUInt64(Fields.Profile.MAPPING_LOAD_BIAS, m.loadBias());
      for (String part : m.pathComponents()) {
        out.writeUInt64(Fields.Profile.MAPPING_PATH_STRING_IDS, mappingPaths.iid(part));
      }
      out.writeUInt64(Fields.Profile.MAPPING_EXACT_OFFSET, m.exactOffset());
    }
    writeNamedEntries(Fields.Interned.DEBUG_ANNOTATION_STRING_VALUES, annotationStrings);
    writeNamedEntries(Fields.Interned.CORRELATION_ID_STR, correlationStrings);
  }

  private void commitInterned() {
    categories.commit();
    eventNames.commit();
    annotationNames.commit();
    functionNames.commit();
    frames.commit();
    callstacks.commit();
    buildIds.commit();
    mappingPaths.commit();
    mappings.commit();
    annotationStrings.commit();
    correlationStrings.commit();
  }

  /**
   * Entries of the {iid = 1, name/str = 2} shape. EventCategory.name and friends are {@code
   * string}, InternedString.str is {@code bytes}: both are length-delimited UTF-8 on the wire.
   */
  private static int namedEntriesSize(int field, Interner<String> interner) {
    int tagSize = CodedOutputStream.computeTagSize(field);
    int size = 0;
    for (int i = 0; i < interner.freshCount(); i++) {
      int s = entrySize(interner.freshIid(i), interner.fresh(i));
      size += tagSize + CodedOutputStream.computeUInt32SizeNoTag(s) + s;
    }
    return size;
  }

  private void writeNamedEntries(int field, Interner<String> interner) throws IOException {
    for (int i = 0; i < interner.freshCount(); i++) {
      long iid = interner.freshIid(i);
      String value = interner.fresh(i);
      out.writeTag(field, 2);
      out.writeUInt32NoTag(entrySize(iid, value));
      out.writeUInt64(Fields.Interned.ENTRY_IID, iid);
      // Event names and categories arrive as raw strings; a fresh entry is repaired once.
      out.writeString(Fields.Interned.ENTRY_VALUE, WellFormed.utf16(value));
    }
  }

  private static int entrySize(long iid, String value) {
    return 1 + CodedOutputStream.computeUInt64SizeNoTag(iid)
        + CodedOutputStream.computeStringSize(Fields.Interned.ENTRY_VALUE, WellFormed.utf16(value));
  }

  private int frameSize(Frame f, long iid) {
    int size = 1 + CodedOutputStream.computeUInt64SizeNoTag(iid)
        + 1 + CodedOutputStream.computeUInt64SizeNoTag(functionNames.iid(f.functionName()));
    if (f.mapping() != null) {
      size += 1 + CodedOutputStream.computeUInt64SizeNoTag(mappings.iid(f.mapping()))
          + 1 + CodedOutputStream.computeUInt64SizeNoTag(f.relPc());
    }
    return size;
  }

  private int callstackSize(Callstack c, long iid) {
    int size = 1 + CodedOutputStream.computeUInt64SizeNoTag(iid);
    for (Frame f : c.frames()) {
      size += 1 + CodedOutputStream.computeUInt64SizeNoTag(frames.iid(f));
    }
    return size;
  }

  private int mappingSize(Mapping m, long iid) {
    int size = 1 + CodedOutputStream.computeUInt64SizeNoTag(iid);
    if (m.buildId() != null) {
      size += 1 + CodedOutputStream.computeUInt64SizeNoTag(buildIds.iid(m.buildId()));
    }
    size += 1 + CodedOutputStream.computeUInt64SizeNoTag(m.start())
        + 1 + CodedOutputStream.computeUInt64SizeNoTag(m.end())
        + 1 + CodedOutputStream.computeUInt64SizeNoTag(m.loadBias());
    for (String part : m.pathComponents()) {
      size += 1 + CodedOutputStream.computeUInt64SizeNoTag(mappingPaths.iid(part));
    }
    size += 1 + CodedOutputStream.computeUInt64SizeNoTag(m.exactOffset());
    return size;
  }
}
