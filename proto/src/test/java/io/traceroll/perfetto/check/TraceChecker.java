package io.traceroll.perfetto.check;

import com.google.protobuf.InvalidProtocolBufferException;
import io.traceroll.perfetto.proto.BuiltinClock;
import io.traceroll.perfetto.proto.Callstack;
import io.traceroll.perfetto.proto.ClockSnapshot;
import io.traceroll.perfetto.proto.DebugAnnotation;
import io.traceroll.perfetto.proto.DebugAnnotationName;
import io.traceroll.perfetto.proto.EventCategory;
import io.traceroll.perfetto.proto.EventName;
import io.traceroll.perfetto.proto.Frame;
import io.traceroll.perfetto.proto.InternedData;
import io.traceroll.perfetto.proto.InternedString;
import io.traceroll.perfetto.proto.Mapping;
import io.traceroll.perfetto.proto.Trace;
import io.traceroll.perfetto.proto.TracePacket;
import io.traceroll.perfetto.proto.TrackDescriptor;
import io.traceroll.perfetto.proto.TrackEvent;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Decodes a Perfetto trace with the generated classes, models what trace processor would import,
 * and fails with an {@link AssertionError} listing <em>every</em> violation found: an event on an
 * undescribed track, a parent_uuid to an unknown track, END without BEGIN, slices on a track
 * not strictly nested (in file order, which is how the writer pairs them), an iid used before it
 * is defined on its sequence (or after a state clear), interned data used or defined by a packet
 * without SEQ_NEEDS_INCREMENTAL_STATE, a sequence whose first packet does not clear incremental
 * state, a counter value on a non-counter track (or a slice on a counter track), a flow id seen
 * only once, a track uuid described twice differently, a slice never ended.
 *
 * <p>Shared with other modules' tests through proto's test-jar.
 */
public final class TraceChecker {

  private static final int CLEARED = TracePacket.SequenceFlags.SEQ_INCREMENTAL_STATE_CLEARED_VALUE;
  private static final int NEEDS = TracePacket.SequenceFlags.SEQ_NEEDS_INCREMENTAL_STATE_VALUE;

  private final List<String> violations = new ArrayList<>();
  private final Map<Integer, Sequence> sequences = new HashMap<>();
  private final Map<Long, TrackDescriptor> descriptors = new LinkedHashMap<>();
  private final List<Event> events = new ArrayList<>();
  /** BOOTTIME unless a snapshot names another primary trace clock, as in trace processor. */
  private int traceClock = BuiltinClock.BUILTIN_CLOCK_BOOTTIME_VALUE;
  private Long lastTraceClockSnapshot;

  private TraceChecker() {}

  /** Checks a trace (concatenations of traces included); returns its model or fails. */
  public static CheckedTrace check(byte[] trace) {
    Trace decoded;
    try {
      decoded = Trace.parseFrom(trace);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("not a Perfetto trace: " + e.getMessage(), e);
    }
    return new TraceChecker().run(decoded);
  }

  /** As {@link #check(byte[])}, reading the stream fully; gzip is detected and undone. */
  public static CheckedTrace check(InputStream in) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(in);
    buffered.mark(2);
    int b0 = buffered.read();
    int b1 = buffered.read();
    buffered.reset();
    InputStream source = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(buffered) : buffered;
    return check(source.readAllBytes());
  }

  private CheckedTrace run(Trace trace) {
    for (int i = 0; i < trace.getPacketCount(); i++) {
      packet(i, trace.getPacket(i));
    }
    List<CheckedTrack> tracks = tracks();
    List<CheckedCounter> counters = new ArrayList<>();
    List<CheckedSlice> slices = new ArrayList<>();
    List<FlowPoint> flowPoints = new ArrayList<>();
    buildEvents(counters, slices, flowPoints);
    List<CheckedFlow> flows = flows(flowPoints, slices);
    if (!violations.isEmpty()) {
      throw new AssertionError(violations.size() + " trace violation(s):\n  - "
          + String.join("\n  - ", violations));
    }
    slices.sort(Comparator.comparingLong(CheckedSlice::ts));
    return new CheckedTrace(trace.getPacketCount(), tracks, slices, counters, flows);
  }

  // ------------------------------------------------------------------ packets and interning

  private void packet(int index, TracePacket p) {
    String where = "packet #" + index;
    int seq = p.hasTrustedPacketSequenceId() ? p.getTrustedPacketSequenceId() : 0;
    boolean cleared = (p.getSequenceFlags() & CLEARED) != 0 || p.getIncrementalStateCleared();
    boolean needs = (p.getSequenceFlags() & NEEDS) != 0;
    Sequence sequence = sequences.computeIfAbsent(seq, Sequence::new);
    if (!sequence.seen) {
      sequence.seen = true;
      if (!cleared) {
        violations.add(where + ": first packet of sequence " + seq
            + " does not set SEQ_INCREMENTAL_STATE_CLEARED");
      }
    }
    if (cleared) {
      sequence.clear();
    }
    if (p.hasTracePacketDefaults()) {
      sequence.defaultClock = p.getTracePacketDefaults().getTimestampClockId();
    }
    long ts = p.getTimestamp();
    if (p.hasClockSnapshot()) {
      ClockSnapshot snapshot = p.getClockSnapshot();
      if (snapshot.hasPrimaryTraceClock()) {
        traceClock = snapshot.getPrimaryTraceClock().getNumber();
      }
      for (ClockSnapshot.Clock c : snapshot.getClocksList()) {
        if (c.getClockId() == traceClock) {
          if (lastTraceClockSnapshot != null && c.getTimestamp() < lastTraceClockSnapshot) {
            violations.add(where + ": clock snapshot reads the trace clock at " + c.getTimestamp()
                + ", before the previous snapshot's " + lastTraceClockSnapshot
                + ": trace processor rejects the whole snapshot");
          }
          lastTraceClockSnapshot = c.getTimestamp();
        }
      }
      for (ClockSnapshot.Clock c : snapshot.getClocksList()) {
        if (c.getClockId() >= 64 && c.getClockId() <= 127) {
          long unit = c.hasUnitMultiplierNs() ? c.getUnitMultiplierNs() : 1;
          sequence.clocks.put(c.getClockId(), new long[] {c.getTimestamp() * unit, unit,
              c.getIsIncremental() ? 1 : 0});
        }
      }
    } else if (p.hasTimestamp()) {
      ts = absolute(where, sequence, p);
    }
    if (p.hasInternedData()) {
      if (!needs) {
        violations.add(where + ": defines interned data without SEQ_NEEDS_INCREMENTAL_STATE");
      }
      define(where, sequence, p.getInternedData());
    }
    if (p.hasTrackDescriptor()) {
      TrackDescriptor d = p.getTrackDescriptor();
      TrackDescriptor previous = descriptors.putIfAbsent(d.getUuid(), d);
      if (previous != null && !previous.equals(d)) {
        violations.add(where + ": track " + d.getUuid() + " described twice differently: {"
            + oneLine(previous) + "} then {" + oneLine(d) + "}");
      }
    }
    if (p.hasTrackEvent()) {
      Resolver r = new Resolver(where, sequence);
      Event e = event(index, p, ts, r);
      if (r.used && !needs) {
        violations.add(where + ": uses interned data without SEQ_NEEDS_INCREMENTAL_STATE");
      }
      events.add(e);
    }
  }

  private void define(String where, Sequence s, InternedData d) {
    for (EventCategory c : d.getEventCategoriesList()) {
      put(where, "event_categories", s.categories, c.getIid(), c.getName());
    }
    for (EventName n : d.getEventNamesList()) {
      put(where, "event_names", s.names, n.getIid(), n.getName());
    }
    for (DebugAnnotationName n : d.getDebugAnnotationNamesList()) {
      put(where, "debug_annotation_names", s.annotationNames, n.getIid(), n.getName());
    }
    putStrings(where, "debug_annotation_string_values", s.annotationStrings,
        d.getDebugAnnotationStringValuesList());
    putStrings(where, "correlation_id_str", s.correlations, d.getCorrelationIdStrList());
    putStrings(where, "function_names", s.functionNames, d.getFunctionNamesList());
    putStrings(where, "build_ids", s.buildIds, d.getBuildIdsList());
    putStrings(where, "mapping_paths", s.mappingPaths, d.getMappingPathsList());
    for (Frame f : d.getFramesList()) {
      put(where, "frames", s.frames, f.getIid(), f);
    }
    for (Callstack c : d.getCallstacksList()) {
      put(where, "callstacks", s.callstacks, c.getIid(), c);
    }
    for (Mapping m : d.getMappingsList()) {
      put(where, "mappings", s.mappings, m.getIid(), m);
    }
  }

  private void putStrings(String where, String table, Map<Long, Object> into,
      List<InternedString> entries) {
    for (InternedString e : entries) {
      put(where, table, into, e.getIid(), e.getStr().toStringUtf8());
    }
  }

  private void put(String where, String table, Map<Long, Object> into, long iid, Object value) {
    if (iid == 0) {
      violations.add(where + ": " + table + " entry with iid 0 (reserved for 'not set')");
      return;
    }
    Object previous = into.put(iid, value);
    if (previous != null && !previous.equals(value)) {
      violations.add(where + ": " + table + " iid " + iid + " redefined from '" + previous
          + "' to '" + value + "' without a state clear");
    }
  }

  /** Resolves iids of one packet against its sequence's current interning state. */
  private final class Resolver {
    final String where;
    final Sequence seq;
    boolean used;

    Resolver(String where, Sequence seq) {
      this.where = where;
      this.seq = seq;
    }

    Object lookup(String table, Map<Long, Object> values, long iid) {
      used = true;
      Object v = values.get(iid);
      if (v == null) {
        violations.add(where + ": " + table + " iid " + iid + " used before it is defined on "
            + "sequence " + seq.id + " (or after a state clear)");
        return "<undefined " + table + " " + iid + ">";
      }
      return v;
    }

    String string(String table, Map<Long, Object> values, long iid) {
      return (String) lookup(table, values, iid);
    }
  }

  // ------------------------------------------------------------------ events

  private record Event(int index, String where, boolean hasTs, long ts, TrackEvent.Type type,
      long track, String name, List<String> categories, Map<String, Object> args,
      List<Long> flows, List<Long> terminating, String correlation, List<String> callstack,
      Double counterValue, List<Long> extraCounterTracks, List<Double> extraCounterValues) {}

  /**
   * A packet timestamp in epoch ns: as is on the trace clock, or resolved through the sequence's
   * own clocks (ids 64-127), adding up deltas on an incremental one as trace processor does.
   */
  private long absolute(String where, Sequence sequence, TracePacket p) {
    int clock = p.hasTimestampClockId() ? p.getTimestampClockId() : sequence.defaultClock;
    if (clock < 64 || clock > 127) {
      return p.getTimestamp();
    }
    long[] state = sequence.clocks.get(clock);
    if (state == null) {
      violations.add(where + ": timestamp on clock " + clock + " which no clock snapshot of "
          + "sequence " + sequence.id + " defines");
      return p.getTimestamp();
    }
    long value = p.getTimestamp() * state[1];
    if (state[2] == 1) {
      value += state[0];
      state[0] = value;
    }
    return value;
  }

  private Event event(int index, TracePacket p, long ts, Resolver r) {
    TrackEvent e = p.getTrackEvent();
    String name = null;
    if (e.hasNameIid()) {
      name = r.string("event_names", r.seq.names, e.getNameIid());
    } else if (e.hasName()) {
      name = e.getName();
    }
    List<String> categories = new ArrayList<>();
    for (long iid : e.getCategoryIidsList()) {
      categories.add(r.string("event_categories", r.seq.categories, iid));
    }
    categories.addAll(e.getCategoriesList());
    Map<String, Object> args = new LinkedHashMap<>();
    for (DebugAnnotation a : e.getDebugAnnotationsList()) {
      if (!a.hasNameIid() && !a.hasName()) {
        violations.add(r.where + ": top-level debug annotation without a name");
      }
      flatten(r, null, a, args);
    }
    String correlation = null;
    if (e.hasCorrelationId()) {
      correlation = Long.toUnsignedString(e.getCorrelationId());
    } else if (e.hasCorrelationIdStr()) {
      correlation = e.getCorrelationIdStr();
    } else if (e.hasCorrelationIdStrIid()) {
      correlation = r.string("correlation_id_str", r.seq.correlations,
          e.getCorrelationIdStrIid());
    }
    List<String> callstack = new ArrayList<>();
    if (e.hasCallstackIid()) {
      Object c = r.lookup("callstacks", r.seq.callstacks, e.getCallstackIid());
      if (c instanceof Callstack stack) {
        for (long frameId : stack.getFrameIdsList()) {
          Object f = r.lookup("frames", r.seq.frames, frameId);
          if (f instanceof Frame frame) {
            callstack.add(r.string("function_names", r.seq.functionNames,
                frame.getFunctionNameId()));
            if (frame.getMappingId() != 0) {
              Object m = r.lookup("mappings", r.seq.mappings, frame.getMappingId());
              if (m instanceof Mapping mapping) {
                if (mapping.getBuildId() != 0) {
                  r.lookup("build_ids", r.seq.buildIds, mapping.getBuildId());
                }
                for (long part : mapping.getPathStringIdsList()) {
                  r.lookup("mapping_paths", r.seq.mappingPaths, part);
                }
              }
            }
          }
        }
      }
    } else if (e.hasCallstack()) {
      for (TrackEvent.Callstack.Frame f : e.getCallstack().getFramesList()) {
        if (!f.hasFunctionName()) {
          violations.add(r.where + ": inline callstack frame without a function name");
        }
        callstack.add(display(f));
      }
    }
    Double counter = e.hasCounterValue() ? Double.valueOf(e.getCounterValue())
        : e.hasDoubleCounterValue() ? Double.valueOf(e.getDoubleCounterValue()) : null;
    if (counter != null) {
      counter = absoluteCounterValue(r.seq, e.getTrackUuid(), counter);
    }
    List<Double> extraValues = new ArrayList<>(e.getExtraCounterValuesCount());
    for (int i = 0; i < e.getExtraCounterValuesCount(); i++) {
      double v = e.getExtraCounterValues(i);
      extraValues.add(i < e.getExtraCounterTrackUuidsCount()
          ? absoluteCounterValue(r.seq, e.getExtraCounterTrackUuids(i), v) : v);
    }
    return new Event(index, r.where, p.hasTimestamp(), ts, e.getType(),
        e.getTrackUuid(), name, categories, args, flowIds(e), terminatingFlowIds(e),
        correlation, callstack, counter, e.getExtraCounterTrackUuidsList(), extraValues);
  }

  /**
   * As trace processor's ConvertToAbsoluteCounterValue (track_event_tracker.cc), which serves
   * counter_value and extra_counter_values alike: on an {@code is_incremental} counter track a
   * value is added to the track's running total on this sequence, which starts at 0 and is reset
   * when the sequence clears its incremental state.
   */
  private double absoluteCounterValue(Sequence seq, long trackUuid, double value) {
    TrackDescriptor d = descriptors.get(trackUuid);
    if (d == null || !d.hasCounter() || !d.getCounter().getIsIncremental()) {
      return value;
    }
    return seq.incrementalCounters.merge(trackUuid, value, Double::sum);
  }

  /**
   * An inline frame as the interned form shows it (this project puts file and line into the
   * function name there): "function (file:line)", "function (file)" or "function".
   */
  private static String display(TrackEvent.Callstack.Frame f) {
    if (!f.hasSourceFile()) {
      return f.getFunctionName();
    }
    return f.getLineNumber() > 0
        ? f.getFunctionName() + " (" + f.getSourceFile() + ":" + f.getLineNumber() + ")"
        : f.getFunctionName() + " (" + f.getSourceFile() + ")";
  }

  /** As trace processor (MaybeParseTrackEventFlows): the fixed64 ids if any, else the varints. */
  @SuppressWarnings("deprecation")
  private static List<Long> flowIds(TrackEvent e) {
    return e.getFlowIdsCount() > 0 ? e.getFlowIdsList() : e.getFlowIdsOldList();
  }

  @SuppressWarnings("deprecation")
  private static List<Long> terminatingFlowIds(TrackEvent e) {
    return e.getTerminatingFlowIdsCount() > 0 ? e.getTerminatingFlowIdsList()
        : e.getTerminatingFlowIdsOldList();
  }

  /**
   * Flattens as trace processor's args: dict entries "a.b", array elements "a[0]". Like trace
   * processor (SanitizeDebugAnnotationName in src/trace_processor/util/debug_annotation_parser.cc)
   * '.', '[' and ']' inside a name become '_': an annotation named "http.method" is the arg
   * "http_method", only nested dicts make "http" + "method" into "http.method".
   */
  private void flatten(Resolver r, String prefix, DebugAnnotation a, Map<String, Object> out) {
    String name = null;
    if (a.hasNameIid()) {
      name = r.string("debug_annotation_names", r.seq.annotationNames, a.getNameIid());
    } else if (a.hasName()) {
      name = a.getName();
    }
    if (name != null) {
      name = name.replace('.', '_').replace('[', '_').replace(']', '_');
    }
    String key = prefix == null ? name : name == null ? prefix : prefix + "." + name;
    if (a.getDictEntriesCount() > 0) {
      for (DebugAnnotation entry : a.getDictEntriesList()) {
        flatten(r, key, entry, out);
      }
      return;
    }
    if (a.getArrayValuesCount() > 0) {
      for (int i = 0; i < a.getArrayValuesCount(); i++) {
        flatten(r, key + "[" + i + "]", a.getArrayValues(i), out);
      }
      return;
    }
    Object value = switch (a.getValueCase()) {
      case BOOL_VALUE -> a.getBoolValue();
      case UINT_VALUE -> a.getUintValue();
      case INT_VALUE -> a.getIntValue();
      case DOUBLE_VALUE -> a.getDoubleValue();
      case STRING_VALUE -> a.getStringValue();
      case POINTER_VALUE -> a.getPointerValue();
      case LEGACY_JSON_VALUE -> a.getLegacyJsonValue();
      case STRING_VALUE_IID -> r.string("debug_annotation_string_values",
          r.seq.annotationStrings, a.getStringValueIid());
      case VALUE_NOT_SET -> null;
    };
    if (value != null) {
      out.put(key, value);
    }
  }

  // ------------------------------------------------------------------ tracks

  private List<CheckedTrack> tracks() {
    List<CheckedTrack> tracks = new ArrayList<>();
    for (TrackDescriptor d : descriptors.values()) {
      if (d.getUuid() == 0) {
        violations.add("track descriptor with uuid 0 (the implicit global track)");
      }
      if (d.getParentUuid() != 0 && !descriptors.containsKey(d.getParentUuid())) {
        violations.add("track " + d.getUuid() + " (" + d.getName() + ") has parent_uuid "
            + d.getParentUuid() + " which is not described");
      }
      CheckedTrack.Kind kind = d.hasCounter() ? CheckedTrack.Kind.COUNTER
          : d.hasProcess() ? CheckedTrack.Kind.PROCESS
          : d.hasThread() ? CheckedTrack.Kind.THREAD
          : CheckedTrack.Kind.CUSTOM;
      String name = d.hasName() ? d.getName()
          : d.hasStaticName() ? d.getStaticName()
          : d.hasProcess() && d.getProcess().hasProcessName() ? d.getProcess().getProcessName()
          : d.hasThread() && d.getThread().hasThreadName() ? d.getThread().getThreadName()
          : null;
      int pid = d.hasProcess() ? d.getProcess().getPid() : d.getThread().getPid();
      tracks.add(new CheckedTrack(d.getUuid(), d.getParentUuid(), name, kind, pid,
          d.getThread().getTid(), d));
    }
    return tracks;
  }

  // ------------------------------------------------------------------ slices, counters, flows

  private record FlowPoint(long ts, int index, long id, boolean terminating, int slice) {}

  /**
   * Counter values carried by a slice or instant, as trace processor's ParseExtraCounterValues
   * (track_event_parser.cc): value i belongs to track uuid i, which must be a counter track.
   */
  private void extraCounters(Event e, List<CheckedCounter> counters) {
    if (e.extraCounterValues().size() > e.extraCounterTracks().size()) {
      violations.add(e.where() + ": " + e.extraCounterValues().size()
          + " extra counter values for " + e.extraCounterTracks().size() + " track uuids");
      return;
    }
    for (int i = 0; i < e.extraCounterValues().size(); i++) {
      long uuid = e.extraCounterTracks().get(i);
      TrackDescriptor counter = descriptors.get(uuid);
      if (counter == null || !counter.hasCounter()) {
        violations.add(e.where() + ": extra counter value on track " + uuid
            + " which is not a described counter track");
        return;
      }
      counters.add(new CheckedCounter(uuid, e.ts(), e.extraCounterValues().get(i)));
    }
  }

  private void buildEvents(List<CheckedCounter> counters, List<CheckedSlice> slices,
      List<FlowPoint> flowPoints) {
    Map<Long, List<Event>> byTrack = new LinkedHashMap<>();
    for (Event e : events) {
      if (!e.hasTs()) {
        violations.add(e.where() + ": track event without a timestamp");
      }
      TrackDescriptor track = descriptors.get(e.track());
      if (track == null) {
        violations.add(e.where() + ": " + e.type() + " '" + e.name() + "' on track "
            + e.track() + " which is not described");
      } else if (e.type() == TrackEvent.Type.TYPE_COUNTER) {
        if (!track.hasCounter()) {
          violations.add(e.where() + ": counter value on track " + e.track() + " ("
              + track.getName() + ") which is not a counter track");
        } else if (e.counterValue() == null) {
          violations.add(e.where() + ": counter event without a value");
        } else {
          counters.add(new CheckedCounter(e.track(), e.ts(), e.counterValue()));
        }
      } else if (track.hasCounter()) {
        violations.add(e.where() + ": " + e.type() + " on counter track " + e.track());
      } else if (e.type() == TrackEvent.Type.TYPE_UNSPECIFIED) {
        violations.add(e.where() + ": track event without a type");
      } else {
        extraCounters(e, counters);
        byTrack.computeIfAbsent(e.track(), k -> new ArrayList<>()).add(e);
      }
    }
    counters.sort(Comparator.comparingLong(CheckedCounter::ts));
    for (Map.Entry<Long, List<Event>> t : byTrack.entrySet()) {
      trackSlices(t.getKey(), t.getValue(), slices, flowPoints);
    }
  }

  /**
   * Pairs BEGIN/END of one track twice: in file order, as the writer meant them, and in
   * timestamp order, as trace processor does after sorting. Where the two disagree the slices
   * were not strictly nested and the UI would show other slices than the ones written.
   */
  private void trackSlices(long track, List<Event> trackEvents, List<CheckedSlice> slices,
      List<FlowPoint> flowPoints) {
    int n = trackEvents.size();
    int[] intendedEnd = new int[n];
    Arrays.fill(intendedEnd, -1);
    Deque<Integer> open = new ArrayDeque<>();
    for (int i = 0; i < n; i++) {
      Event e = trackEvents.get(i);
      if (e.type() == TrackEvent.Type.TYPE_SLICE_BEGIN) {
        open.push(i);
      } else if (e.type() == TrackEvent.Type.TYPE_SLICE_END) {
        if (open.isEmpty()) {
          violations.add(e.where() + ": END at " + e.ts() + " on track " + track
              + " without an open BEGIN");
          continue;
        }
        int b = open.pop();
        intendedEnd[b] = i;
        Event begin = trackEvents.get(b);
        if (e.ts() < begin.ts()) {
          violations.add(e.where() + ": END at " + e.ts() + " of '" + begin.name()
              + "' precedes its BEGIN at " + begin.ts() + ": out of LIFO order on track " + track);
        }
      }
    }
    for (int b : open) {
      Event begin = trackEvents.get(b);
      violations.add(begin.where() + ": slice '" + begin.name() + "' begun at " + begin.ts()
          + " on track " + track + " is never ended");
    }

    Integer[] sorted = new Integer[n];
    for (int i = 0; i < n; i++) {
      sorted[i] = i;
    }
    Arrays.sort(sorted, Comparator.comparingLong(i -> trackEvents.get(i).ts()));
    int[] depth = new int[n];
    Deque<Integer> stack = new ArrayDeque<>();
    int misnested = 0;
    for (int i : sorted) {
      Event e = trackEvents.get(i);
      depth[i] = stack.size();
      if (e.type() == TrackEvent.Type.TYPE_SLICE_BEGIN) {
        stack.push(i);
      } else if (e.type() == TrackEvent.Type.TYPE_SLICE_END && !stack.isEmpty()) {
        int b = stack.pop();
        if (intendedEnd[b] != i && intendedEnd[b] >= 0 && misnested++ < 5) {
          Event begin = trackEvents.get(b);
          violations.add(begin.where() + ": slice '" + begin.name() + "' [" + begin.ts() + ", "
              + trackEvents.get(intendedEnd[b]).ts() + "] on track " + track + " is not strictly"
              + " nested with its neighbours: sorted by time, its BEGIN pairs with the END at "
              + e.ts());
        }
      }
    }

    for (int i = 0; i < n; i++) {
      Event e = trackEvents.get(i);
      if (e.type() == TrackEvent.Type.TYPE_SLICE_BEGIN && intendedEnd[i] >= 0) {
        Event end = trackEvents.get(intendedEnd[i]);
        Map<String, Object> args = new LinkedHashMap<>(e.args());
        args.putAll(end.args());
        int index = slices.size();
        slices.add(slice(e, end.ts() - e.ts(), false, args, concat(e.flows(), end.flows()),
            concat(e.terminating(), end.terminating()), depth[i]));
        addFlowPoints(flowPoints, e, index);
        addFlowPoints(flowPoints, end, index);
      } else if (e.type() == TrackEvent.Type.TYPE_INSTANT) {
        int index = slices.size();
        slices.add(slice(e, 0, true, e.args(), e.flows(), e.terminating(), depth[i]));
        addFlowPoints(flowPoints, e, index);
      }
    }
  }

  private static CheckedSlice slice(Event begin, long dur, boolean instant,
      Map<String, Object> args, List<Long> flows, List<Long> terminating, int depth) {
    return new CheckedSlice(begin.track(), begin.name(), begin.ts(), dur, instant,
        List.copyOf(begin.categories()), Map.copyOf(args), flows, terminating,
        begin.correlation(), List.copyOf(begin.callstack()), depth);
  }

  private static List<Long> concat(List<Long> a, List<Long> b) {
    List<Long> out = new ArrayList<>(a);
    out.addAll(b);
    return List.copyOf(out);
  }

  private static void addFlowPoints(List<FlowPoint> points, Event e, int slice) {
    for (long id : e.flows()) {
      points.add(new FlowPoint(e.ts(), e.index(), id, false, slice));
    }
    for (long id : e.terminating()) {
      points.add(new FlowPoint(e.ts(), e.index(), id, true, slice));
    }
  }

  /**
   * Flow semantics of trace processor: events with the same id, in time order, are chained; a
   * terminating id ends the chain so the id may start a new one.
   */
  private List<CheckedFlow> flows(List<FlowPoint> points, List<CheckedSlice> slices) {
    points.sort(Comparator.comparingLong(FlowPoint::ts).thenComparingInt(FlowPoint::index));
    Map<Long, FlowPoint> open = new HashMap<>();
    Map<Long, Integer> chainLength = new HashMap<>();
    List<CheckedFlow> flows = new ArrayList<>();
    for (FlowPoint p : points) {
      FlowPoint previous = open.get(p.id());
      if (previous != null) {
        flows.add(new CheckedFlow(p.id(), slices.get(previous.slice()), slices.get(p.slice())));
      }
      int length = chainLength.merge(p.id(), 1, Integer::sum);
      if (p.terminating()) {
        if (length < 2) {
          violations.add("flow id " + Long.toUnsignedString(p.id()) + " is terminated at "
              + p.ts() + " but seen only once");
        }
        open.remove(p.id());
        chainLength.remove(p.id());
      } else {
        open.put(p.id(), p);
      }
    }
    for (Map.Entry<Long, Integer> chain : chainLength.entrySet()) {
      if (chain.getValue() < 2) {
        violations.add("flow id " + Long.toUnsignedString(chain.getKey()) + " seen only once (at "
            + open.get(chain.getKey()).ts() + "): it links nothing");
      }
    }
    return flows;
  }

  private static String oneLine(TrackDescriptor d) {
    return com.google.protobuf.TextFormat.printer().shortDebugString(d);
  }

  /** Interning state of one packet sequence; cleared by SEQ_INCREMENTAL_STATE_CLEARED. */
  private static final class Sequence {
    final int id;
    boolean seen;
    int defaultClock;
    /** Sequence-scoped clocks: id to {last value ns, unit ns, incremental ? 1 : 0}. */
    final Map<Integer, long[]> clocks = new HashMap<>();
    final Map<Long, Object> names = new HashMap<>();
    final Map<Long, Object> categories = new HashMap<>();
    final Map<Long, Object> annotationNames = new HashMap<>();
    final Map<Long, Object> annotationStrings = new HashMap<>();
    final Map<Long, Object> correlations = new HashMap<>();
    final Map<Long, Object> functionNames = new HashMap<>();
    final Map<Long, Object> buildIds = new HashMap<>();
    final Map<Long, Object> mappingPaths = new HashMap<>();
    final Map<Long, Object> frames = new HashMap<>();
    final Map<Long, Object> callstacks = new HashMap<>();
    final Map<Long, Object> mappings = new HashMap<>();
    /** Running totals of incremental counter tracks on this sequence. */
    final Map<Long, Double> incrementalCounters = new HashMap<>();

    Sequence(int id) {
      this.id = id;
    }

    void clear() {
      defaultClock = 0;
      incrementalCounters.clear();
      for (Map<Long, Object> m : List.of(names, categories, annotationNames, annotationStrings,
          correlations, functionNames, buildIds, mappingPaths, frames, callstacks, mappings)) {
        m.clear();
      }
    }
  }
}
