package io.traceroll.perfetto;

import com.google.protobuf.CodedOutputStream;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import io.traceroll.span.Attribute;
import io.traceroll.span.AttributeValue;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;

/**
 * Streams a Perfetto trace ({@code Trace.packet} entries, i.e. a {@code .pftrace}) to an {@link
 * OutputStream}: every call writes one complete, length-delimited {@code TracePacket} with
 * hand-written wire code (no protobuf message objects), so memory stays bounded however long the
 * trace is; only the interning tables and the set of described tracks grow. An event is encoded in
 * one pass into a reusable buffer ({@link Event}, {@link WireBuffer}: nested lengths are filled
 * in afterwards) and then framed as a packet; descriptors and counters are sized, then written.
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
  // single-byte tags of the fields written in place (all field numbers below 16)
  private static final byte DICT_ENTRY_TAG = (byte) ((Fields.Annotation.DICT_ENTRIES << 3) | 2);
  private static final byte ARRAY_VALUE_TAG = (byte) ((Fields.Annotation.ARRAY_VALUES << 3) | 2);
  private static final byte NAME_IID_TAG = (byte) (Fields.Annotation.NAME_IID << 3);
  /** string_value_iid is field 17: a two-byte tag. */
  private static final byte STRING_VALUE_IID_TAG_0 =
      (byte) (((Fields.Annotation.STRING_VALUE_IID << 3) & 0x7F) | 0x80);
  private static final byte STRING_VALUE_IID_TAG_1 =
      (byte) ((Fields.Annotation.STRING_VALUE_IID << 3) >>> 7);
  private static final byte SEQUENCE_FLAGS_TAG = (byte) (Fields.Packet.SEQUENCE_FLAGS << 3);
  private static final byte TRACK_EVENT_TAG = (byte) ((Fields.Packet.TRACK_EVENT << 3) | 2);
  private static final byte TRUSTED_SEQUENCE_TAG =
      (byte) (Fields.Packet.TRUSTED_PACKET_SEQUENCE_ID << 3);
  private static final byte END_TYPE_TAG = (byte) (Fields.Event.TYPE << 3);
  private static final byte TRACK_UUID_TAG = (byte) (Fields.Event.TRACK_UUID << 3);
  private static final byte PACKET_TIMESTAMP_TAG = (byte) (Fields.Packet.TIMESTAMP << 3);
  /**
   * {@link #endSlice(TrackHandle, long, TrackHandle, long)}'s packet: the event from offset
   * {@link #END_HEAD_ROOM}, the head (at most 1 + 5 + 1 + 5 + 1 + 5 bytes) in front of it once
   * the sizes are known; the event is at most 2 + 11 + 2 * (2 + 10) + 11 bytes.
   */
  private static final int END_HEAD_ROOM = 20;
  private final byte[] endPacket = new byte[END_HEAD_ROOM + 64];

  private OutputStream sink;

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
  private int sequenceId;

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
  private final LongMap<TrackHandle> tracks = new LongMap<>();
  /** Bumped by {@link #reset}: a handle of an earlier trace is refused, not silently used. */
  private int generation;

  /**
   * A described track of one writer and trace ({@link #trackHandle}), with its open-slice depth
   * (the only per-track state). The event methods taking a handle skip the uuid lookup (a hash
   * probe and the kind check, ~2.5% of encoding a request) that the uuid methods make per event;
   * a caller obtains the handle once per track.
   */
  public static final class TrackHandle {
    private final Track track;
    private final long uuid;
    private final boolean counter;
    private final PerfettoWriter owner;
    private final int generation;
    private int openSlices;

    private TrackHandle(Track track, PerfettoWriter owner) {
      this.track = track;
      this.uuid = track.uuid();
      this.counter = track.kind() == Track.Kind.COUNTER;
      this.owner = owner;
      this.generation = owner.generation;
    }

    public long uuid() {
      return uuid;
    }
  }

  /** Whether any index below has entries the next packet must define. */
  private final Interner.Fresh fresh = new Interner.Fresh();
  private final Interner<String> eventNames = new Interner<>(fresh);
  private final Interner<String> categories = new Interner<>(fresh);
  private final Interner<String> annotationNames = new Interner<>(fresh);
  private final Interner<String> annotationStrings = new Interner<>(fresh);
  private final Interner<String> correlationStrings = new Interner<>(fresh);
  private final Interner<String> functionNames = new Interner<>(fresh);
  private final Interner<String> buildIds = new Interner<>(fresh);
  private final Interner<String> mappingPaths = new Interner<>(fresh);
  private final Interner<Mapping> mappings = new Interner<>(fresh);
  private final Interner<Frame> frames = new Interner<>(fresh);
  private final Interner<Callstack> callstacks = new Interner<>(fresh);

  private final Event event = new Event();
  /** The interned data of the packet being written, see {@link #encodeInternedData}. */
  private final WireBuffer internedData = new WireBuffer(1024);
  /** The descriptor being written, see {@link #encodeDescriptor}. */
  private final WireBuffer descriptor = new WireBuffer(256);
  /** Distinct string values seen per annotation name iid, see {@link #lowCardinalityIid}. */
  private int[] keyDistinct = new int[64];
  /** Per annotation name iid: one of its values has occurred twice. */
  private boolean[] keyRepeats = new boolean[64];
  /** Per annotation name iid, its values seen once so far ({@link #LOW_CARDINALITY} slots). */
  private String[] pendingValues = new String[64 * LOW_CARDINALITY];
  /**
   * Per annotation name iid, the last two value objects interned under it (and their iids),
   * at [2 * iid] and [2 * iid + 1]: repeated low-cardinality values are often the very same
   * String (constants, decoder-shared values), found here by a reference compare instead of a
   * hash lookup; two, because a key's values often alternate (an array of two flags).
   */
  private String[] lastValue = new String[2 * 64];
  private long[] lastValueIid = new long[2 * 64];
  /**
   * Attribute keys by list position: the key at position j of a span's attribute list is, as a
   * rule, the same String object as at position j of earlier spans of the same shape, so its
   * iid is found by comparing references ({@link #KEY_WAYS} shapes per position), without
   * reading the key string itself (its header and hash, a likely cache miss per attribute).
   */
  private static final int KEY_POSITIONS = 32;
  private static final int KEY_WAYS = 4;
  private final String[] keyAt = new String[KEY_POSITIONS * KEY_WAYS];
  private final long[] keyAtIid = new long[KEY_POSITIONS * KEY_WAYS];
  private final byte[] keyAtNext = new byte[KEY_POSITIONS];
  /** Annotation names by identity (constants such as "span_id", passed for every slice). */
  private final IdentityFront nameRef = new IdentityFront(annotationNames, 64);
  private Correlation.InternedStr lastCorrelation;
  private long lastCorrelationIid;
  /** Categories by identity: a handful of constants, passed for every event. */
  private final IdentityFront categoryRef = new IdentityFront(categories, 16);
  static final int LOW_CARDINALITY = 8;
  private final IdentityHashMap<Annotation, byte[]> sharedAnnotations = new IdentityHashMap<>();

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

  /**
   * Starts a new trace on this writer, as a new writer with the same timestamp encoding would,
   * keeping its buffers and tables (cleared) so that writing trace after trace allocates little.
   * Whatever the previous trace left unflushed is dropped: flush or close it first.
   */
  public void reset(OutputStream out, int trustedPacketSequenceId) {
    Objects.requireNonNull(out, "out");
    if (trustedPacketSequenceId <= 0) {
      throw new IllegalArgumentException("sequence id must be positive (0 is untrusted)");
    }
    sink = out;
    sequenceId = trustedPacketSequenceId;
    if (chunk.length != CHUNK) {
      chunk = new byte[CHUNK];
    }
    this.out = CodedOutputStream.newInstance(chunk);
    drainedBytes = 0;
    lastTimestamp = 0;
    started = false;
    closed = false;
    packets = 0;
    tracks.clear();
    generation++;
    fresh.any = false;
    eventNames.clear();
    categories.clear();
    annotationNames.clear();
    annotationStrings.clear();
    correlationStrings.clear();
    functionNames.clear();
    buildIds.clear();
    mappingPaths.clear();
    mappings.clear();
    frames.clear();
    callstacks.clear();
    Arrays.fill(keyDistinct, 0);
    Arrays.fill(keyRepeats, false);
    Arrays.fill(pendingValues, null);
    Arrays.fill(lastValue, null);
    Arrays.fill(keyAt, null);
    nameRef.clear();
    categoryRef.clear();
    lastCorrelation = null;
    sharedAnnotations.clear();
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
    TrackHandle previous = tracks.get(track.uuid());
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
    WireBuffer d = descriptor;
    d.reset();
    encodeDescriptor(d, track);
    int descriptorSize = d.pos;
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
    out.writeRawBytes(d.buf, 0, descriptorSize);
    tracks.put(track.uuid(), new TrackHandle(track, this));
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
    Objects.requireNonNull(args, "args");
    trackEvent(beginSliceEvent(trackUuid, timestampNanos, name), args);
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
    Objects.requireNonNull(args, "args");
    trackEvent(endSliceEvent(trackUuid, timestampNanos), args);
  }

  /** Number of slices begun and not yet ended on a track. */
  public int openSliceDepth(long trackUuid) {
    TrackHandle state = tracks.get(trackUuid);
    return state == null ? 0 : state.openSlices;
  }

  public void instant(long trackUuid, long timestampNanos, String name) throws IOException {
    instant(trackUuid, timestampNanos, name, EventArgs.NONE);
  }

  /** A zero-duration event (TYPE_INSTANT), with the same options as a slice. */
  public void instant(long trackUuid, long timestampNanos, String name, EventArgs args)
      throws IOException {
    Objects.requireNonNull(args, "args");
    trackEvent(instantEvent(trackUuid, timestampNanos, name), args);
  }

  /** An integer value on a counter track. */
  public void counter(long trackUuid, long timestampNanos, long value) throws IOException {
    requireCounterTrack(trackUuid);
    int eventSize = 1 + 1 // type
        + 1 + CodedOutputStream.computeUInt64SizeNoTag(trackUuid)
        + 2 + CodedOutputStream.computeInt64SizeNoTag(value);
    long ts = counterPacket(timestampNanos, trackUuid, eventSize);
    out.writeInt64(Fields.Event.COUNTER_VALUE, value);
    out.writeUInt64(Fields.Packet.TIMESTAMP, ts);
  }

  /** A floating-point value on a counter track. */
  public void counter(long trackUuid, long timestampNanos, double value) throws IOException {
    requireCounterTrack(trackUuid);
    int eventSize = 1 + 1
        + 1 + CodedOutputStream.computeUInt64SizeNoTag(trackUuid)
        + 2 + 8;
    long ts = counterPacket(timestampNanos, trackUuid, eventSize);
    out.writeDouble(Fields.Event.DOUBLE_COUNTER_VALUE, value);
    out.writeUInt64(Fields.Packet.TIMESTAMP, ts);
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

  /** The handle of a described track, for the event methods that take one. */
  public TrackHandle trackHandle(long uuid) {
    TrackHandle state = tracks.get(uuid);
    if (state == null) {
      throw new IllegalStateException("track " + uuid + " is not described");
    }
    return state;
  }

  private TrackHandle eventTrack(long uuid) {
    return eventTrack(trackHandle(uuid));
  }

  /** Checks a handle passed in: this writer's, of the current trace, not a counter track. */
  private TrackHandle eventTrack(TrackHandle state) {
    if (state.owner != this || state.generation != generation) {
      throw new IllegalArgumentException("track handle of another writer or trace");
    }
    if (state.counter) {
      throw new IllegalArgumentException("slices and instants do not go on counter track "
          + state.uuid);
    }
    return state;
  }

  private void requireCounterTrack(long uuid) {
    TrackHandle state = tracks.get(uuid);
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

  /**
   * Starts a counter packet in the field order of every event packet (sequence, event,
   * timestamp last) up to the event's value; returns the wire timestamp the caller ends with.
   */
  private long counterPacket(long timestampNanos, long trackUuid, int eventSize)
      throws IOException {
    start();
    long ts = wireTimestamp(timestampNanos);
    int size = 1 + CodedOutputStream.computeUInt64SizeNoTag(ts)
        + 1 + CodedOutputStream.computeUInt32SizeNoTag(sequenceId)
        + 1 + CodedOutputStream.computeUInt32SizeNoTag(eventSize) + eventSize;
    beginPacket(size);
    out.writeUInt32(Fields.Packet.TRUSTED_PACKET_SEQUENCE_ID, sequenceId);
    out.writeTag(Fields.Packet.TRACK_EVENT, 2);
    out.writeUInt32NoTag(eventSize);
    out.writeEnum(Fields.Event.TYPE, Fields.Event.TYPE_COUNTER);
    out.writeUInt64(Fields.Event.TRACK_UUID, trackUuid);
    return ts;
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

  /**
   * The descriptor's fields, encoded in one pass ({@link WireBuffer}): sizing it first and then
   * writing it read every string twice, and a request describes dozens of tracks. Track strings
   * are well-formed already ({@link Track}), so these are the bytes protobuf writes.
   */
  private static void encodeDescriptor(WireBuffer d, Track t) {
    d.varintField(Fields.Descriptor.UUID, t.uuid());
    if (t.name() != null) {
      d.stringField(Fields.Descriptor.NAME, t.name());
    }
    if (t.kind() == Track.Kind.PROCESS) {
      int m = d.begin(Fields.Descriptor.PROCESS);
      d.varintField(Fields.Os.PROCESS_PID, t.pid()); // int32: negative sign-extends, as protobuf
      if (t.osName() != null) {
        d.stringField(Fields.Os.PROCESS_NAME, t.osName());
      }
      d.end(m);
    } else if (t.kind() == Track.Kind.THREAD) {
      int m = d.begin(Fields.Descriptor.THREAD);
      d.varintField(Fields.Os.THREAD_PID, t.pid());
      d.varintField(Fields.Os.THREAD_TID, t.tid());
      if (t.osName() != null) {
        d.stringField(Fields.Os.THREAD_NAME, t.osName());
      }
      d.end(m);
    }
    if (t.parentUuid() != 0) {
      d.varintField(Fields.Descriptor.PARENT_UUID, t.parentUuid());
    }
    if (t.counter() != null) {
      Counter c = t.counter();
      int m = d.begin(Fields.Descriptor.COUNTER);
      if (c.unit() != CounterUnit.UNSPECIFIED) {
        d.varintField(Fields.Os.COUNTER_UNIT, c.unit().wire);
      }
      if (c.unitMultiplier() != 0) {
        d.varintField(Fields.Os.COUNTER_UNIT_MULTIPLIER, c.unitMultiplier());
      }
      if (c.incremental()) {
        d.varintField(Fields.Os.COUNTER_IS_INCREMENTAL, 1);
      }
      if (c.unitName() != null) {
        d.stringField(Fields.Os.COUNTER_UNIT_NAME, c.unitName());
      }
      if (c.yAxisShareKey() != null) {
        d.stringField(Fields.Os.COUNTER_Y_AXIS_SHARE_KEY, c.yAxisShareKey());
      }
      d.end(m);
    }
    if (t.childOrdering() != ChildOrdering.UNSPECIFIED) {
      d.varintField(Fields.Descriptor.CHILD_ORDERING, t.childOrdering().wire);
    }
    if (t.siblingOrderRank() != null) {
      d.varintField(Fields.Descriptor.SIBLING_ORDER_RANK, t.siblingOrderRank());
    }
    if (t.description() != null) {
      d.stringField(Fields.Descriptor.DESCRIPTION, t.description());
    }
    if (t.siblingMerge() != SiblingMerge.UNSPECIFIED) {
      d.varintField(Fields.Descriptor.SIBLING_MERGE_BEHAVIOR, t.siblingMerge().wire);
    }
    if (t.siblingMergeKey() != null) {
      d.stringField(Fields.Descriptor.SIBLING_MERGE_KEY, t.siblingMergeKey());
    }
  }

  // ---- track events

  /**
   * One track event being encoded: obtained from {@link #beginSliceEvent}, {@link #endSliceEvent}
   * or {@link #instantEvent}, filled in, then {@link #write() written}. Reused by its writer (one
   * event at a time), so a trace of any size encodes without an object per event.
   *
   * <p>Call order: categories, flows and counter values (all optional), then correlation and
   * annotations, then {@link #write()}. The wire order is chosen for gzip (protobuf parsers accept
   * fields in any order): type, categories, name, flows, track uuid, counter values, correlation,
   * annotations in call order (the caller puts per-service ones before per-span ones), callstack;
   * in the packet the timestamp comes last. Chosen by measurement on realistic requests of
   * several seeds: the short head (what kind of event, where, which arrows) predicts itself from
   * earlier events of the same name, and the annotations then match the previous slice of the
   * same service as one run; this order is ~1 gzip'd byte per span smaller than putting flows,
   * track and counters after the annotations.
   */
  public final class Event {
    private final WireBuffer body = new WireBuffer(512);
    /** The packet head {@link #writeFramed} assembles: tag, length, sequence, flags, event tag, length. */
    private final byte[] head = new byte[32];
    /** The attribute entries {@link #attributes} writes after the interned ones. */
    private final WireBuffer rest = new WireBuffer(256);
    private int type;
    private long trackUuid;
    private long timestamp;
    private TrackHandle state;
    private boolean started;
    private boolean usesIids;
    private long nameIid;
    private Callstack callstack;
    private List<InlineFrame> inlineCallstack;
    private String inlineText;
    private int[] inlineRegions;
    private int inlineCount;
    private long[] counterTracks = new long[4];
    private long[] counterValues = new long[4];
    private int counters;
    private long[] flowIds = new long[4];
    private int flows;
    private long[] terminatingIds = new long[4];
    private int terminating;

    private Event() {}

    private Event open(int type, TrackHandle state, long ts, String name) {
      body.reset();
      this.type = type;
      this.state = state;
      this.trackUuid = state.uuid;
      this.timestamp = ts;
      started = false;
      usesIids = false;
      callstack = null;
      inlineCallstack = null;
      inlineText = null;
      counters = 0;
      flows = 0;
      terminating = 0;
      body.varintField(Fields.Event.TYPE, type);
      nameIid = 0;
      if (name != null) {
        nameIid = eventNames.iid(name);
        usesIids = true;
      }
      return this;
    }

    /** Adds a category (interned); call before anything but other categories. */
    public Event category(String category) {
      Objects.requireNonNull(category, "category");
      requireHead("categories");
      if (flows + terminating + counters > 0) {
        throw new IllegalStateException("categories come before flows and counter values");
      }
      body.varintField(Fields.Event.CATEGORY_IIDS, categoryIid(category));
      usesIids = true;
      return this;
    }

    /**
     * Ends the event's head: the name, the buffered flows, the track uuid and the counter values,
     * written once, before the correlation and annotations.
     */
    private void track() {
      if (started) {
        return;
      }
      started = true;
      if (nameIid != 0) {
        body.varintField(Fields.Event.NAME_IID, nameIid);
      }
      // One form per list: trace processor reads the fixed64 list if present, else the varints
      // (field order on the wire: 36, 42 before 47, 48).
      boolean varintFlows = fitsVarint(flowIds, flows);
      boolean varintTerminating = fitsVarint(terminatingIds, terminating);
      if (varintFlows) {
        for (int i = 0; i < flows; i++) {
          body.varintField(Fields.Event.FLOW_IDS_OLD, flowIds[i]);
        }
      }
      if (varintTerminating) {
        for (int i = 0; i < terminating; i++) {
          body.varintField(Fields.Event.TERMINATING_FLOW_IDS_OLD, terminatingIds[i]);
        }
      }
      if (!varintFlows) {
        for (int i = 0; i < flows; i++) {
          body.fixed64Field(Fields.Event.FLOW_IDS, flowIds[i]);
        }
      }
      if (!varintTerminating) {
        for (int i = 0; i < terminating; i++) {
          body.fixed64Field(Fields.Event.TERMINATING_FLOW_IDS, terminatingIds[i]);
        }
      }
      body.varintField(Fields.Event.TRACK_UUID, trackUuid);
      for (int i = 0; i < counters; i++) {
        body.varintField(Fields.Event.EXTRA_COUNTER_VALUES, counterValues[i]);
      }
      for (int i = 0; i < counters; i++) {
        body.varintField(Fields.Event.EXTRA_COUNTER_TRACK_UUIDS, counterTracks[i]);
      }
    }

    private void requireHead(String what) {
      if (started) {
        throw new IllegalStateException(what + " come before the correlation and annotations");
      }
    }

    /** Sets the correlation id; {@code null} for none. */
    public Event correlation(Correlation correlation) {
      track();
      if (correlation instanceof Correlation.Id id) {
        body.varintField(Fields.Event.CORRELATION_ID, id.value());
      } else if (correlation instanceof Correlation.Str s) {
        body.stringField(Fields.Event.CORRELATION_ID_STR, s.value());
      } else if (correlation instanceof Correlation.InternedStr s) {
        if (correlation != lastCorrelation) { // one per trace as a rule: looked up once
          lastCorrelation = s;
          lastCorrelationIid = correlationStrings.iid(s.value());
        }
        body.varintField(Fields.Event.CORRELATION_ID_STR_IID, lastCorrelationIid);
        usesIids = true;
      }
      return this;
    }

    public Event annotate(Annotation annotation) {
      track();
      writeAnnotation(body, Fields.Event.DEBUG_ANNOTATIONS, annotation.name(), annotation.value());
      usesIids = true;
      return this;
    }

    /**
     * As {@link #annotate(Annotation)}, for an annotation object the caller passes again and again
     * (a service's resource, a status): its bytes are encoded once per writer and copied after
     * that, which is exact because an interned name or value keeps its iid for the writer's life.
     * Only for a bounded set of objects: each one is kept until the writer is dropped.
     */
    public Event annotateShared(Annotation annotation) {
      track();
      byte[] cached = sharedAnnotations.get(annotation);
      if (cached == null) {
        int from = body.pos;
        writeAnnotation(body, Fields.Event.DEBUG_ANNOTATIONS, annotation.name(), annotation.value());
        sharedAnnotations.put(annotation, Arrays.copyOfRange(body.buf, from, body.pos));
      } else {
        body.raw(cached, 0, cached.length);
      }
      usesIids = true;
      return this;
    }

    /** A string annotation written inline (for values that rarely repeat, such as ids). */
    public Event annotate(String name, String value) {
      track();
      body.iidStringEntry(Fields.Event.DEBUG_ANNOTATIONS, nameIid(name),
          Fields.Annotation.STRING_VALUE, value);
      usesIids = true;
      return this;
    }

    /**
     * A dict annotation {@code name} holding the attributes with their types, as {@link
     * Annotation#fromAttributes} would give, encoded straight from the span model.
     *
     * <p>String values of low-cardinality keys are interned ({@link #lowCardinalityIid}):
     * methods, schemes, tenants, routes become a 1-2 byte iid that gzip codes in a few bits
     * (~1.3 gzip'd bytes per span less on a realistic request), while ids, addresses and other
     * high-cardinality values stay inline, where interning costs more than it saves (an iid plus
     * a definition per value).
     *
     * <p>Entry order (a dict's order carries no meaning; trace processor keys args by name): the
     * interned strings and the arrays first, then the other entries in list order. What repeats
     * from span to span then sits in one run that gzip matches at once, and the random values
     * (sizes, addresses, ids) follow together; ~0.35 gzip'd bytes per span less than list order
     * on realistic requests.
     */
    public Event attributes(String name, List<Attribute> attributes) {
      track();
      int m = body.begin(Fields.Event.DEBUG_ANNOTATIONS);
      body.varintField(Fields.Annotation.NAME_IID, nameIid(name));
      // one pass: interned entries and arrays straight into the event, the others into a
      // side buffer appended after them (entries are self-contained bytes)
      WireBuffer later = rest;
      later.reset();
      for (int i = 0, n = attributes.size(); i < n; i++) {
        Attribute a = attributes.get(i);
        AttributeValue v = a.value();
        if (v instanceof AttributeValue.StringValue sv) {
          long keyIid = keyIid(a.key(), i);
          long valueIid = lowCardinalityIid((int) keyIid, sv.value());
          if (valueIid != 0) {
            writeVarintEntry(body, keyIid, Fields.Annotation.STRING_VALUE_IID, valueIid);
          } else {
            later.iidStringEntry(Fields.Annotation.DICT_ENTRIES, keyIid,
                Fields.Annotation.STRING_VALUE, sv.value());
          }
        } else if (v instanceof AttributeValue.LongValue lv) {
          writeVarintEntry(later, keyIid(a.key(), i), Fields.Annotation.INT_VALUE, lv.value());
        } else if (v instanceof AttributeValue.ArrayValue av) {
          writeArrayAttribute(keyIid(a.key(), i), av);
        } else {
          writeAttribute(later, Fields.Annotation.DICT_ENTRIES, a.key(), v);
        }
      }
      body.raw(later.buf, 0, later.pos);
      body.end(m);
      usesIids = true;
      return this;
    }

    /** An array attribute; its string elements are interned as the key's values would be. */
    private void writeArrayAttribute(long keyIid, AttributeValue.ArrayValue array) {
      WireBuffer b = body;
      int m = b.begin(Fields.Annotation.DICT_ENTRIES);
      b.varintField(Fields.Annotation.NAME_IID, keyIid);
      List<AttributeValue> values = array.values();
      for (int i = 0, n = values.size(); i < n; i++) {
        AttributeValue e = values.get(i);
        if (e instanceof AttributeValue.StringValue sv) {
          long valueIid = lowCardinalityIid((int) keyIid, sv.value());
          if (valueIid != 0) { // {string_value_iid}, in place
            b.ensure(2 + 12);
            byte[] buf = b.buf;
            int p = b.pos;
            buf[p] = ARRAY_VALUE_TAG;
            int lenAt = p + 1;
            p = lenAt + 1;
            buf[p++] = STRING_VALUE_IID_TAG_0;
            buf[p++] = STRING_VALUE_IID_TAG_1;
            p = WireBuffer.putVarint(buf, p, valueIid);
            buf[lenAt] = (byte) (p - lenAt - 1);
            b.pos = p;
          } else {
            int em = b.begin(Fields.Annotation.ARRAY_VALUES);
            b.stringField(Fields.Annotation.STRING_VALUE, sv.value());
            b.end(em);
          }
        } else {
          writeAttribute(Fields.Annotation.ARRAY_VALUES, null, e);
        }
      }
      b.end(m);
    }

    /**
     * The dict entry {name_iid, value} of a varint-valued field ({@code int_value} of an integer
     * attribute, {@code string_value_iid} of an interned string), written in place: an entry of a
     * few bytes whose length byte is known to fit.
     */
    private static void writeVarintEntry(WireBuffer b, long keyIid, int valueField, long value) {
      b.ensure(2 + 11 + 2 + 11);
      byte[] buf = b.buf;
      int p = b.pos;
      buf[p] = DICT_ENTRY_TAG;
      int lenAt = p + 1;
      p = lenAt + 1;
      buf[p++] = NAME_IID_TAG;
      p = WireBuffer.putVarint(buf, p, keyIid);
      p = WireBuffer.putVarint(buf, p, valueField << 3);
      p = WireBuffer.putVarint(buf, p, value);
      buf[lenAt] = (byte) (p - lenAt - 1);
      b.pos = p;
    }

    /** An interned callstack ({@code callstack_iid}): for stacks that repeat in the trace. */
    public Event callstack(Callstack callstack) {
      this.callstack = Objects.requireNonNull(callstack, "callstack");
      inlineCallstack = null;
      inlineText = null;
      return this;
    }

    /**
     * An inline callstack ({@code TrackEvent.callstack}), outermost frame first: cheaper than
     * interning for a stack seen once, and keeps file and line as fields of their own.
     */
    public Event inlineCallstack(List<InlineFrame> frames) {
      if (frames.isEmpty()) {
        throw new IllegalArgumentException("a callstack has at least one frame");
      }
      inlineCallstack = frames;
      callstack = null;
      inlineText = null;
      return this;
    }

    /**
     * As {@link #inlineCallstack(List)}, each frame given as regions of one text (a stack trace
     * as printed), so the frames are copied from it without a string per frame: five ints per
     * frame in {@code regions}, outermost first: function name begin and end, source file begin
     * and end (begin -1 for none), line number (0 for none). The arrays are read when the event
     * is written.
     */
    public Event inlineCallstack(String text, int[] regions, int frames) {
      Objects.requireNonNull(text, "text");
      if (frames < 1 || regions.length < 5 * frames) {
        throw new IllegalArgumentException("a callstack has at least one frame, five ints each");
      }
      for (int f = 0; f < frames; f++) {
        int r = 5 * f;
        if (regions[r] < 0 || regions[r] > regions[r + 1] || regions[r + 1] > text.length()
            || regions[r + 2] >= 0 && (regions[r + 2] > regions[r + 3]
                || regions[r + 3] > text.length())
            || regions[r + 4] < 0) {
          throw new IllegalArgumentException("frame " + f + " is not a region of the text");
        }
      }
      inlineText = text;
      inlineRegions = regions;
      inlineCount = frames;
      inlineCallstack = null;
      callstack = null;
      return this;
    }

    private void writeCallstack() {
      if (callstack != null) {
        body.varintField(Fields.Event.CALLSTACK_IID, internCallstack(callstack));
        usesIids = true;
      } else if (inlineCallstack != null) {
        int m = body.begin(Fields.Event.CALLSTACK);
        for (int i = 0, n = inlineCallstack.size(); i < n; i++) {
          InlineFrame f = inlineCallstack.get(i);
          int fm = body.begin(Fields.InlineCallstack.FRAMES);
          body.stringField(Fields.InlineCallstack.FUNCTION_NAME, f.functionName());
          if (f.sourceFile() != null) {
            body.stringField(Fields.InlineCallstack.SOURCE_FILE, f.sourceFile());
          }
          if (f.lineNumber() > 0) {
            body.varintField(Fields.InlineCallstack.LINE_NUMBER, f.lineNumber());
          }
          body.end(fm);
        }
        body.end(m);
      } else if (inlineText != null) {
        int m = body.begin(Fields.Event.CALLSTACK);
        int[] r = inlineRegions;
        for (int o = 0, end = 5 * inlineCount; o < end; o += 5) {
          int fm = body.begin(Fields.InlineCallstack.FRAMES);
          body.stringField(Fields.InlineCallstack.FUNCTION_NAME, inlineText, r[o], r[o + 1]);
          if (r[o + 2] >= 0) {
            body.stringField(Fields.InlineCallstack.SOURCE_FILE, inlineText, r[o + 2], r[o + 3]);
          }
          if (r[o + 4] > 0) {
            body.varintField(Fields.InlineCallstack.LINE_NUMBER, r[o + 4]);
          }
          body.end(fm);
        }
        body.end(m);
      }
    }

    /** Sets a counter track's value at this event's timestamp ({@code extra_counter_values}). */
    public Event counterValue(long counterTrackUuid, long value) {
      requireHead("counter values");
      requireCounterTrack(counterTrackUuid);
      return addCounterValue(counterTrackUuid, value);
    }

    /** As {@link #counterValue(long, long)}, for a counter track's handle (no uuid lookup). */
    public Event counterValue(TrackHandle counterTrack, long value) {
      requireHead("counter values");
      requireCounterTrack(counterTrack);
      return addCounterValue(counterTrack.uuid, value);
    }

    private Event addCounterValue(long counterTrackUuid, long value) {
      if (counters == counterTracks.length) {
        counterTracks = Arrays.copyOf(counterTracks, counters * 2);
        counterValues = Arrays.copyOf(counterValues, counters * 2);
      }
      counterTracks[counters] = counterTrackUuid;
      counterValues[counters++] = value;
      return this;
    }

    /** Starts or continues flow {@code id} at this event. */
    public Event flow(long id) {
      requireHead("flows");
      if (flows == flowIds.length) {
        flowIds = Arrays.copyOf(flowIds, flows * 2);
      }
      flowIds[flows++] = id;
      return this;
    }

    /** Ends flow {@code id} at this event. */
    public Event terminateFlow(long id) {
      requireHead("flows");
      if (terminating == terminatingIds.length) {
        terminatingIds = Arrays.copyOf(terminatingIds, terminating * 2);
      }
      terminatingIds[terminating++] = id;
      return this;
    }

    /** Writes the packet: interned data first, then sequence, flags, the event, the timestamp. */
    public void write() throws IOException {
      long wireTs = wireTimestamp(timestamp);
      track();
      writeCallstack();
      if (!fresh.any) {
        writeFramed(wireTs); // nearly every packet: nothing to define
        return;
      }
      WireBuffer interned = internedData;
      interned.reset();
      encodeInternedData(interned);
      int internedSize = interned.pos;
      int eventSize = body.pos;
      int size = (internedSize > 0
          ? 1 + CodedOutputStream.computeUInt32SizeNoTag(internedSize) + internedSize : 0)
          + 1 + CodedOutputStream.computeUInt32SizeNoTag(sequenceId)
          + (usesIids ? 2 : 0)
          + 1 + CodedOutputStream.computeUInt32SizeNoTag(eventSize) + eventSize
          + 1 + CodedOutputStream.computeUInt64SizeNoTag(wireTs);
      beginPacket(size);
      if (internedSize > 0) {
        out.writeTag(Fields.Packet.INTERNED_DATA, 2);
        out.writeUInt32NoTag(internedSize);
        out.writeRawBytes(interned.buf, 0, internedSize);
      }
      out.writeUInt32(Fields.Packet.TRUSTED_PACKET_SEQUENCE_ID, sequenceId);
      if (usesIids) {
        out.writeUInt32(Fields.Packet.SEQUENCE_FLAGS, Fields.Packet.SEQ_NEEDS_INCREMENTAL_STATE);
      }
      out.writeTag(Fields.Packet.TRACK_EVENT, 2);
      out.writeUInt32NoTag(eventSize);
      out.writeRawBytes(body.buf, 0, eventSize);
      out.writeUInt64(Fields.Packet.TIMESTAMP, wireTs);
      commitInterned();
      if (type == Fields.Event.TYPE_SLICE_BEGIN) {
        state.openSlices++;
      } else if (type == Fields.Event.TYPE_SLICE_END) {
        state.openSlices--;
      }
      state = null;
    }

    /**
     * The packet of an event that defines no interned data, framed by hand: the head (packet
     * tag and length, sequence, flags, event tag and length) is assembled in a small array and
     * the timestamp appended to the event's buffer, so the packet is two array copies instead
     * of a write call per field. Same bytes as the general path.
     */
    private void writeFramed(long wireTs) throws IOException {
      WireBuffer b = body;
      int eventSize = b.pos;
      b.varintField(Fields.Packet.TIMESTAMP, wireTs);
      int tailSize = b.pos - eventSize;
      int size = 1 + WireBuffer.varintSize(sequenceId) + (usesIids ? 2 : 0)
          + 1 + WireBuffer.varintSize(eventSize) + eventSize + tailSize;
      byte[] h = head;
      int p = 0;
      h[p++] = (byte) PACKET_TAG;
      p = WireBuffer.putVarint(h, p, size);
      h[p++] = TRUSTED_SEQUENCE_TAG;
      p = WireBuffer.putVarint(h, p, sequenceId);
      if (usesIids) {
        h[p++] = SEQUENCE_FLAGS_TAG;
        h[p++] = (byte) Fields.Packet.SEQ_NEEDS_INCREMENTAL_STATE;
      }
      h[p++] = TRACK_EVENT_TAG;
      p = WireBuffer.putVarint(h, p, eventSize);
      if (closed) {
        throw new IllegalStateException("writer is closed");
      }
      if (out.spaceLeft() < p + b.pos) {
        drain(p + b.pos);
      }
      out.writeRawBytes(h, 0, p);
      out.writeRawBytes(b.buf, 0, b.pos);
      packets++;
      if (type == Fields.Event.TYPE_SLICE_BEGIN) {
        state.openSlices++;
      } else if (type == Fields.Event.TYPE_SLICE_END) {
        state.openSlices--;
      }
      state = null;
    }

    private void writeAttribute(int field, String key, AttributeValue v) {
      writeAttribute(body, field, key, v);
    }

    private void writeAttribute(WireBuffer b, int field, String key, AttributeValue v) {
      int m = b.begin(field);
      if (key != null) {
        b.varintField(Fields.Annotation.NAME_IID, annotationNames.iid(key));
      }
      if (v instanceof AttributeValue.StringValue s) {
        b.stringField(Fields.Annotation.STRING_VALUE, s.value());
      } else if (v instanceof AttributeValue.LongValue l) {
        b.varintField(Fields.Annotation.INT_VALUE, l.value());
      } else if (v instanceof AttributeValue.DoubleValue d) {
        b.fixed64Field(Fields.Annotation.DOUBLE_VALUE, Double.doubleToRawLongBits(d.value()));
      } else if (v instanceof AttributeValue.BoolValue bool) {
        b.varintField(Fields.Annotation.BOOL_VALUE, bool.value() ? 1 : 0);
      } else if (v instanceof AttributeValue.BytesValue bytes) {
        b.stringField(Fields.Annotation.STRING_VALUE, HexFormat.of().formatHex(bytes.value()));
      } else if (v instanceof AttributeValue.ArrayValue a) {
        for (AttributeValue e : a.values()) {
          writeAttribute(b, Fields.Annotation.ARRAY_VALUES, null, e);
        }
      } else {
        for (Attribute e : ((AttributeValue.MapValue) v).entries()) {
          writeAttribute(b, Fields.Annotation.DICT_ENTRIES, e.key(), e.value());
        }
      }
      b.end(m);
    }
  }

  /** Begins a slice: fill in the returned event and {@link Event#write()} it. */
  public Event beginSliceEvent(long trackUuid, long timestampNanos, String name)
      throws IOException {
    Objects.requireNonNull(name, "name");
    return beginSliceEvent(eventTrack(trackUuid), timestampNanos, name);
  }

  /** As {@link #beginSliceEvent(long, long, String)}, on a track's handle. */
  public Event beginSliceEvent(TrackHandle track, long timestampNanos, String name)
      throws IOException {
    Objects.requireNonNull(name, "name");
    TrackHandle state = eventTrack(track);
    start();
    return event.open(Fields.Event.TYPE_SLICE_BEGIN, state, timestampNanos, name);
  }

  /** Ends the innermost open slice of the track once the returned event is written. */
  public Event endSliceEvent(long trackUuid, long timestampNanos) throws IOException {
    return endSliceEvent(eventTrack(trackUuid), timestampNanos);
  }

  /** As {@link #endSliceEvent(long, long)}, on a track's handle. */
  public Event endSliceEvent(TrackHandle track, long timestampNanos) throws IOException {
    TrackHandle state = eventTrack(track);
    if (state.openSlices == 0) {
      throw new IllegalStateException("no open slice on track " + state.uuid);
    }
    start();
    return event.open(Fields.Event.TYPE_SLICE_END, state, timestampNanos, null);
  }

  /**
   * Ends the innermost open slice of a track with no arguments but an optional counter value
   * ({@code extra_counter_values}), the bytes {@link #endSliceEvent(TrackHandle, long)} with
   * {@link Event#counterValue(TrackHandle, long)} would write: half of a trace's packets are
   * such ENDs, and assembling the whole packet in one small array, copied once, skips the
   * event's buffer, its per-event state and a second copy.
   *
   * @param counterTrack a counter track's handle, or {@code null} for no counter value
   */
  public void endSlice(TrackHandle track, long timestampNanos, TrackHandle counterTrack,
      long counterValue) throws IOException {
    TrackHandle state = eventTrack(track);
    if (state.openSlices == 0) {
      throw new IllegalStateException("no open slice on track " + state.uuid);
    }
    if (counterTrack != null) {
      requireCounterTrack(counterTrack);
    }
    start();
    if (fresh.any || closed) { // interned data left to define, or the general path's error
      Event e = event.open(Fields.Event.TYPE_SLICE_END, state, timestampNanos, null);
      if (counterTrack != null) {
        e.counterValue(counterTrack, counterValue);
      }
      e.write();
      return;
    }
    long wireTs = wireTimestamp(timestampNanos);
    byte[] b = endPacket;
    int p = END_HEAD_ROOM;
    b[p++] = END_TYPE_TAG;
    b[p++] = (byte) Fields.Event.TYPE_SLICE_END;
    b[p++] = TRACK_UUID_TAG;
    p = WireBuffer.putVarint(b, p, state.uuid);
    if (counterTrack != null) {
      p = WireBuffer.putVarint(b, p, Fields.Event.EXTRA_COUNTER_VALUES << 3);
      p = WireBuffer.putVarint(b, p, counterValue);
      p = WireBuffer.putVarint(b, p, Fields.Event.EXTRA_COUNTER_TRACK_UUIDS << 3);
      p = WireBuffer.putVarint(b, p, counterTrack.uuid);
    }
    int eventSize = p - END_HEAD_ROOM;
    b[p++] = PACKET_TIMESTAMP_TAG;
    p = WireBuffer.putVarint(b, p, wireTs);
    int size = 1 + WireBuffer.varintSize(sequenceId) + 1 + WireBuffer.varintSize(eventSize)
        + (p - END_HEAD_ROOM);
    int from = END_HEAD_ROOM - (1 + WireBuffer.varintSize(size) + size - (p - END_HEAD_ROOM));
    int h = from;
    b[h++] = (byte) PACKET_TAG;
    h = WireBuffer.putVarint(b, h, size);
    b[h++] = TRUSTED_SEQUENCE_TAG;
    h = WireBuffer.putVarint(b, h, sequenceId);
    b[h++] = TRACK_EVENT_TAG;
    WireBuffer.putVarint(b, h, eventSize);
    int total = p - from;
    if (out.spaceLeft() < total) {
      drain(total);
    }
    out.writeRawBytes(b, from, total);
    packets++;
    state.openSlices--;
  }

  private void requireCounterTrack(TrackHandle counterTrack) {
    if (counterTrack.owner != this || counterTrack.generation != generation) {
      throw new IllegalArgumentException("track handle of another writer or trace");
    }
    if (!counterTrack.counter) {
      throw new IllegalArgumentException("track " + counterTrack.uuid
          + " is not a counter track");
    }
  }

  /** An instant: fill in the returned event and {@link Event#write()} it. */
  public Event instantEvent(long trackUuid, long timestampNanos, String name) throws IOException {
    Objects.requireNonNull(name, "name");
    return instantEvent(eventTrack(trackUuid), timestampNanos, name);
  }

  /** As {@link #instantEvent(long, long, String)}, on a track's handle. */
  public Event instantEvent(TrackHandle track, long timestampNanos, String name)
      throws IOException {
    Objects.requireNonNull(name, "name");
    TrackHandle state = eventTrack(track);
    start();
    return event.open(Fields.Event.TYPE_INSTANT, state, timestampNanos, name);
  }

  private void trackEvent(Event e, EventArgs args) throws IOException {
    Objects.requireNonNull(args, "args");
    for (int i = 0; i < args.counterValueCount(); i++) {
      requireCounterTrack(args.counterTrack(i));
    }
    for (String c : args.categories()) {
      e.category(c);
    }
    for (int i = 0; i < args.flowIdCount(); i++) {
      e.flow(args.flowId(i));
    }
    for (int i = 0; i < args.terminatingFlowIdCount(); i++) {
      e.terminateFlow(args.terminatingFlowId(i));
    }
    for (int i = 0; i < args.counterValueCount(); i++) {
      e.counterValue(args.counterTrack(i), args.counterValue(i));
    }
    e.correlation(args.correlation());
    for (Annotation a : args.annotations()) {
      e.annotate(a);
    }
    if (args.callstack() != null) {
      e.callstack(args.callstack());
    }
    if (args.inlineCallstack() != null) {
      e.inlineCallstack(args.inlineCallstack());
    }
    e.write();
  }

  /** Whether every id is below 2^56, i.e. its varint is no longer than its fixed64 form. */
  private static boolean fitsVarint(long[] ids, int n) {
    for (int i = 0; i < n; i++) {
      if ((ids[i] >>> 56) != 0) {
        return false;
      }
    }
    return true;
  }

  // ---- debug annotations

  /** The iid of an annotation name, found by identity first (see {@link #nameRef}). */
  private long nameIid(String name) {
    return nameRef.iid(name);
  }

  private long categoryIid(String category) {
    return categoryRef.iid(category);
  }

  /** The iid of the attribute key at {@code position} of an attribute list, see {@link #keyAt}. */
  private long keyIid(String key, int position) {
    if (position >= KEY_POSITIONS) {
      return annotationNames.iid(key);
    }
    int base = position * KEY_WAYS;
    String[] refs = keyAt;
    for (int w = base; w < base + KEY_WAYS; w++) {
      if (refs[w] == key) {
        return keyAtIid[w];
      }
    }
    long iid = annotationNames.iid(key);
    int victim = base + (keyAtNext[position]++ & (KEY_WAYS - 1));
    refs[victim] = key;
    keyAtIid[victim] = iid;
    return iid;
  }

  /**
   * The iid to write a string value of annotation name {@code keyIid} with, or 0 to write it
   * inline. A value is interned on its second occurrence under the key (the first is written
   * inline and remembered), so a value seen once never costs an iid or a definition; once some
   * value of the key has repeated, its new values are interned on first use; a key that
   * shows more than {@link #LOW_CARDINALITY} distinct values is high-cardinality from then on
   * and its values are written inline without further bookkeeping. Depends only on the order of
   * calls, so the bytes stay deterministic.
   */
  private long lowCardinalityIid(int keyIid, String value) {
    if (keyIid >= keyDistinct.length) {
      int size = Math.max(keyIid + 1, keyDistinct.length * 2);
      keyDistinct = Arrays.copyOf(keyDistinct, size);
      keyRepeats = Arrays.copyOf(keyRepeats, size);
      pendingValues = Arrays.copyOf(pendingValues, size * LOW_CARDINALITY);
      lastValue = Arrays.copyOf(lastValue, 2 * size);
      lastValueIid = Arrays.copyOf(lastValueIid, 2 * size);
    }
    int distinct = keyDistinct[keyIid];
    if (distinct > LOW_CARDINALITY) {
      return 0;
    }
    int last = 2 * keyIid; // two ways: a key's values often alternate (arrays of two flags)
    if (lastValue[last] == value) {
      return lastValueIid[last];
    }
    if (lastValue[last + 1] == value) {
      return lastValueIid[last + 1];
    }
    long iid = annotationStrings.find(value);
    if (iid != 0) {
      // not remembered: a value found here is another object than the one interned, usually
      // a fresh copy that never comes back (a reference store per lookup for nothing)
      return iid;
    }
    int base = keyIid * LOW_CARDINALITY;
    for (int i = 0; i < distinct; i++) {
      String pending = pendingValues[base + i];
      if (pending != null && pending.equals(value)) {
        pendingValues[base + i] = null; // interned now: found by find() from here on
        keyRepeats[keyIid] = true;
        return remember(keyIid, value, annotationStrings.iid(value));
      }
    }
    if (distinct == LOW_CARDINALITY) {
      keyDistinct[keyIid] = LOW_CARDINALITY + 1;
      Arrays.fill(pendingValues, base, base + LOW_CARDINALITY, null);
      lastValue[2 * keyIid] = null;
      lastValue[2 * keyIid + 1] = null;
      return 0;
    }
    keyDistinct[keyIid] = distinct + 1;
    if (keyRepeats[keyIid]) {
      // a key whose values repeat: intern new ones at once
      return remember(keyIid, value, annotationStrings.iid(value));
    }
    pendingValues[base + distinct] = value;
    return 0;
  }

  private long remember(int keyIid, String value, long iid) {
    int last = 2 * keyIid; // the newer way first
    lastValue[last + 1] = lastValue[last];
    lastValueIid[last + 1] = lastValueIid[last];
    lastValue[last] = value;
    lastValueIid[last] = iid;
    return iid;
  }

  private void writeAnnotation(WireBuffer b, int field, String name, AnnotationValue value) {
    int m = b.begin(field);
    if (name != null) {
      b.varintField(Fields.Annotation.NAME_IID, nameIid(name));
    }
    if (value instanceof AnnotationValue.Str v) {
      if (v.interned()) {
        b.varintField(Fields.Annotation.STRING_VALUE_IID, annotationStrings.iid(v.value()));
      } else {
        b.stringField(Fields.Annotation.STRING_VALUE, v.value());
      }
    } else if (value instanceof AnnotationValue.Int v) {
      b.varintField(Fields.Annotation.INT_VALUE, v.value());
    } else if (value instanceof AnnotationValue.Bool v) {
      b.varintField(Fields.Annotation.BOOL_VALUE, v.value() ? 1 : 0);
    } else if (value instanceof AnnotationValue.Uint v) {
      b.varintField(Fields.Annotation.UINT_VALUE, v.value());
    } else if (value instanceof AnnotationValue.Double v) {
      b.fixed64Field(Fields.Annotation.DOUBLE_VALUE, Double.doubleToRawLongBits(v.value()));
    } else if (value instanceof AnnotationValue.Pointer v) {
      b.varintField(Fields.Annotation.POINTER_VALUE, v.value());
    } else if (value instanceof AnnotationValue.Dict v) {
      for (Annotation e : v.entries()) {
        writeAnnotation(b, Fields.Annotation.DICT_ENTRIES, e.name(), e.value());
      }
    } else {
      for (AnnotationValue e : ((AnnotationValue.Array) value).values()) {
        writeAnnotation(b, Fields.Annotation.ARRAY_VALUES, null, e);
      }
    }
    b.end(m);
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

  /**
   * The fresh entries of every index, encoded once into {@code d} in the order trace processor
   * documents (the packet's length is then known without sizing them first: sizing and then
   * writing read each new string several times, a large part of a small request's cost).
   */
  private void encodeInternedData(WireBuffer d) {
    encodeNamedEntries(d, Fields.Interned.EVENT_CATEGORIES, categories);
    encodeNamedEntries(d, Fields.Interned.EVENT_NAMES, eventNames);
    encodeNamedEntries(d, Fields.Interned.DEBUG_ANNOTATION_NAMES, annotationNames);
    encodeNamedEntries(d, Fields.Interned.FUNCTION_NAMES, functionNames);
    for (int i = 0; i < frames.freshCount(); i++) {
      Frame f = frames.fresh(i);
      int m = d.begin(Fields.Interned.FRAMES);
      d.varintField(Fields.Interned.ENTRY_IID, frames.freshIid(i));
      d.varintField(Fields.Profile.FRAME_FUNCTION_NAME_ID, functionNames.iid(f.functionName()));
      if (f.mapping() != null) {
        d.varintField(Fields.Profile.FRAME_MAPPING_ID, mappings.iid(f.mapping()));
        d.varintField(Fields.Profile.FRAME_REL_PC, f.relPc());
      }
      d.end(m);
    }
    for (int i = 0; i < callstacks.freshCount(); i++) {
      Callstack c = callstacks.fresh(i);
      int m = d.begin(Fields.Interned.CALLSTACKS);
      d.varintField(Fields.Interned.ENTRY_IID, callstacks.freshIid(i));
      for (Frame f : c.frames()) {
        d.varintField(Fields.Profile.CALLSTACK_FRAME_IDS, frames.iid(f));
      }
      d.end(m);
    }
    encodeNamedEntries(d, Fields.Interned.BUILD_IDS, buildIds);
    encodeNamedEntries(d, Fields.Interned.MAPPING_PATHS, mappingPaths);
    for (int i = 0; i < mappings.freshCount(); i++) {
      Mapping mp = mappings.fresh(i);
      int m = d.begin(Fields.Interned.MAPPINGS);
      d.varintField(Fields.Interned.ENTRY_IID, mappings.freshIid(i));
      if (mp.buildId() != null) {
        d.varintField(Fields.Profile.MAPPING_BUILD_ID, buildIds.iid(mp.buildId()));
      }
      d.varintField(Fields.Profile.MAPPING_START, mp.start());
      d.varintField(Fields.Profile.MAPPING_END, mp.end());
      d.varintField(Fields.Profile.MAPPING_LOAD_BIAS, mp.loadBias());
      for (String part : mp.pathComponents()) {
        d.varintField(Fields.Profile.MAPPING_PATH_STRING_IDS, mappingPaths.iid(part));
      }
      d.varintField(Fields.Profile.MAPPING_EXACT_OFFSET, mp.exactOffset());
      d.end(m);
    }
    encodeNamedEntries(d, Fields.Interned.DEBUG_ANNOTATION_STRING_VALUES, annotationStrings);
    encodeNamedEntries(d, Fields.Interned.CORRELATION_ID_STR, correlationStrings);
  }

  private void commitInterned() {
    if (!fresh.any) {
      return;
    }
    fresh.any = false;
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
   * Event names and categories arrive as raw strings; the string field makes them well-formed.
   */
  private static void encodeNamedEntries(WireBuffer d, int field, Interner<String> interner) {
    for (int i = 0, n = interner.freshCount(); i < n; i++) {
      d.iidStringEntry(field, interner.freshIid(i), Fields.Interned.ENTRY_VALUE,
          interner.fresh(i));
    }
  }
}
