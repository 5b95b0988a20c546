package io.traceroll.timeline;

import io.traceroll.perfetto.Annotation;
import io.traceroll.perfetto.AnnotationValue;
import io.traceroll.perfetto.Callstack;
import io.traceroll.perfetto.ChildOrdering;
import io.traceroll.perfetto.Correlation;
import io.traceroll.perfetto.Counter;
import io.traceroll.perfetto.EventArgs;
import io.traceroll.perfetto.Frame;
import io.traceroll.perfetto.InlineFrame;
import io.traceroll.perfetto.PerfettoWriter;
import io.traceroll.perfetto.SiblingMerge;
import io.traceroll.perfetto.TimestampEncoding;
import io.traceroll.perfetto.Track;
import io.traceroll.span.Attribute;
import io.traceroll.span.AttributeValue;
import io.traceroll.span.Mark;
import io.traceroll.span.Span;
import io.traceroll.span.SpanEvent;
import io.traceroll.span.SpanKind;
import io.traceroll.span.SpanLink;
import io.traceroll.span.StatusCode;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Turns all spans of one request part into a Perfetto trace an SRE opens in the UI.
 *
 * <p>Layout: each service (per pid) is a process track; its spans go on "lane" child tracks packed
 * so slices strictly nest on each lane ({@link LanePacker}), merged visually by a per-service key
 * and ordered chronologically; spans carrying a thread go on that thread's track (overflow lanes
 * beside it). A per-service counter shows in-flight spans; its values ride on the service's
 * slice packets as increments (one value per service and timestamp, only when it changed).
 * Parent/child edges between tracks and span links become flows ({@link FlowIds}); span events
 * become instants, exception stack traces callstacks (inline when the stack occurs once in the
 * part, interned when it repeats).
 *
 * <p>Determinism: spans are written in {@link CanonicalOrder}; the sequence id is a hash of trace
 * key and part; track uuids are ordinals in canonical order (tracks by service, pid, lane) and
 * flow ids small reused numbers in event order, both with the part in the high bits. The same span set in any arrival order gives the same
 * bytes, and part files concatenated stay valid: uuids and flow ids never collide across parts
 * (lanes are packed per part, so sharing a lane track between parts could break nesting, and a
 * process description counts the part's spans), and each part starts by clearing the sequence's
 * interned state.
 *
 * <p>Annotations: {@code trace_id}, {@code span_id}, {@code parent_span_id}, {@code status},
 * {@code status_message}, {@code service_instance}, {@code attributes}, {@code resource},
 * {@code links}, {@code marks}. Attribute keys are written as sent; trace processor replaces '.'
 * inside a debug annotation name with '_' (SanitizeDebugAnnotationName), so an SRE queries
 * {@code debug.attributes.http_request_method}. Splitting keys into nested dicts would keep the
 * dots but costs ~8 bytes per attribute per span and breaks for keys that are also prefixes.
 *
 * <p>Bad spans are drawn and marked, never dropped: end before start (duration 0 + mark), missing
 * parent (placed like a root + mark), duplicate span id (kept + mark), negative times (clamped to 0
 * + mark).
 *
 * <p>Not thread-safe: a writer reuses its buffers from request to request, so each thread has
 * its own (as the archiver does).
 */
public final class TimelineWriter {
  static final String COUNTER_NAME = "in-flight spans";
  static final String COUNTER_UNIT = "spans";

  private final TimelineOptions options;
  /**
   * Kept from trace to trace ({@link PerfettoWriter#reset}): its buffers and tables are reused
   * rather than allocated per request. Hence one writer per thread.
   */
  private PerfettoWriter writer;
  private final StackTraces.Scratch stackScratch = new StackTraces.Scratch();
  /**
   * Annotations of resources and service instances, kept from request to request: a service's
   * resource and instance names recur in all its requests, and building their annotations anew
   * for each request was ~3% of encoding a small one. Emptied before a request once past
   * {@link #MAX_CACHED} entries, so an endless stream of new names cannot pin memory.
   */
  private final Map<ResourceKey, Annotation> resourceAnnotations = new HashMap<>();
  private final Map<String, Annotation> instanceAnnotations = new HashMap<>();
  private static final int MAX_CACHED = 4096;

  public TimelineWriter(TimelineOptions options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  /** Writes the trace to {@code out} (flushed, not closed) and returns its summary. */
  public TraceSummary write(RequestTrace request, OutputStream out) throws IOException {
    TimelineLayout layout = TimelineLayout.of(request, options.flows());
    // delta timestamps: every timestamped packet below is written in non-decreasing time order
    // (descriptors and notes at the clock reference, then the event stream); deltas cut ~10% of
    // the gzip'd size of a request
    if (writer == null) {
      writer = new PerfettoWriter(out, sequenceId(request), TimestampEncoding.DELTA);
    } else {
      writer.reset(out, sequenceId(request));
    }
    writer.start();
    if (resourceAnnotations.size() > MAX_CACHED) {
      resourceAnnotations.clear();
    }
    if (instanceAnnotations.size() > MAX_CACHED) {
      instanceAnnotations.clear();
    }
    new Emitter(layout, writer, options, stackScratch, resourceAnnotations, instanceAnnotations)
        .emit();
    writer.flush();
    return summarize(layout);
  }

  /** As {@link #summarize(RequestTrace)}, from what the layout gathered in its pass over the spans. */
  private static TraceSummary summarize(TimelineLayout l) {
    if (l.n == 0) {
      return new TraceSummary(0, 0, 0, List.of(), null, 0, List.of());
    }
    return new TraceSummary(l.n, l.start[0], l.lastEnd,
        distinctServices(l.procService),
        l.firstRoot < 0 ? null : l.spans[l.firstRoot].name(), l.errors, sorted(l.traceIds));
  }

  /** Processes come sorted by service name: its distinct names, in order, without a set. */
  private static List<String> distinctServices(String[] procService) {
    List<String> out = new ArrayList<>(procService.length);
    for (String s : procService) {
      if (out.isEmpty() || !out.get(out.size() - 1).equals(s)) {
        out.add(s);
      }
    }
    return List.copyOf(out);
  }

  /** The summary {@link #write} returns, without writing. */
  public static TraceSummary summarize(RequestTrace request) {
    List<Span> spans = request.spans();
    if (spans.isEmpty()) {
      return new TraceSummary(0, 0, 0, List.of(), null, 0, List.of());
    }
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    int errors = 0;
    // hash sets, sorted once at the end: a tree insert per span was 5% of encoding time
    HashSet<String> services = new HashSet<>();
    HashSet<String> traceIds = new HashSet<>();
    Span root = null;
    for (Span s : spans) {
      long st = Math.max(0, s.startNanos());
      first = Math.min(first, st);
      last = Math.max(last, Math.max(st, s.endNanos()));
      if (s.statusCode() == StatusCode.ERROR) {
        errors++;
      }
      services.add(s.serviceName());
      traceIds.add(s.traceId());
      if (s.isRoot() && (root == null || CanonicalOrder.compare(s, root) < 0)) {
        root = s;
      }
    }
    return new TraceSummary(spans.size(), first, last, sorted(services),
        root == null ? null : root.name(), errors, sorted(traceIds));
  }

  /**
   * A resource as a map key, hashed and compared like {@link Emitter#sameAttributes}: string
   * values directly, where the records' generated hashCode and equals (method-handle based) were
   * most of looking a resource up, once per service and request.
   */
  private static final class ResourceKey {
    final List<Attribute> attributes;
    private final int hash;

    ResourceKey(List<Attribute> attributes) {
      this.attributes = attributes;
      int h = 1;
      for (int k = 0, n = attributes.size(); k < n; k++) {
        Attribute a = attributes.get(k);
        h = 31 * h + a.key().hashCode();
        h = 31 * h + (a.value() instanceof AttributeValue.StringValue sv
            ? sv.value().hashCode() : a.value().hashCode());
      }
      this.hash = h;
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ResourceKey other && hash == other.hash
          && Emitter.sameAttributes(attributes, other.attributes);
    }
  }

  private static List<String> sorted(Collection<String> values) {
    // sized exactly: toArray of an empty array makes its result reflectively
    String[] array = values.toArray(new String[values.size()]);
    Arrays.sort(array);
    return List.of(array);
  }

  /**
   * Never the reserved 0/1, and below 2^7 so it is a 1-byte varint on every packet (a byte less
   * per packet than the 2-byte ids used before, ~0.05 gzip'd bytes per span). The part is added
   * to the key's hash, so consecutive parts of a request always get different ids; should two
   * parts collide (126 apart), concatenation is still valid because every part's first packet
   * clears the sequence's incremental state.
   */
  static int sequenceId(RequestTrace request) {
    long h = StableHash.of("sequence").add(request.traceKey()).value();
    long base = Long.remainderUnsigned(h, 126);
    return 2 + (int) ((base + request.part()) % 126);
  }

  /** One write: holds the per-request state (track uuids, counters, caches). */
  private static final class Emitter {
    private final TimelineLayout l;
    private final PerfettoWriter w;
    private final TimelineOptions options;
    private final long[] laneUuid;
    private final long[] counterUuid;
    // the tracks' handles, taken once when described: events on a handle skip the writer's
    // uuid lookup (a hash probe per event and counter value, ~2.5% of encoding)
    private final PerfettoWriter.TrackHandle[] laneTrack;
    private final PerfettoWriter.TrackHandle[] counterTrack;
    private final int[] inFlight;
    private final int[] written; // last value written per counter track; tracks start at 0
    private final Correlation correlation;
    // SpanKind.category() lower-cases anew on every call: a fresh String to hash per slice
    private static final String[] CATEGORY = Arrays.stream(SpanKind.values())
        .map(SpanKind::category).toArray(String[]::new);
    private static final Counter IN_FLIGHT =
        Counter.named(COUNTER_UNIT).withYAxisShareKey(COUNTER_NAME).asIncremental();
    private static final Annotation[] STATUS = Arrays.stream(StatusCode.values())
        .map(c -> Annotation.interned("status", c.name())).toArray(Annotation[]::new);

    // immutable annotations repeated on many slices, built once per writer (see its fields)
    private final Map<ResourceKey, Annotation> resourceCache;
    // Front of resourceCache: the last resource list seen per process. Each span has its own
    // (equal) list, and hashing a whole list per span was 10% of encoding time.
    private final List<?>[] lastResource;
    private final Annotation[] lastResourceAnnotation;
    private final Map<String, Annotation> shared = new HashMap<>();
    private final Map<String, Annotation> instances;
    private static final Annotation[] FORMAT = Arrays.stream(StackTraces.Format.values())
        .map(f -> Annotation.interned("format", f.name().toLowerCase(Locale.ROOT)))
        .toArray(Annotation[]::new);
    private static final int INSTANCES_SEEN = 4;
    private static final Annotation UNPARSED =
        Annotation.dict("stack", List.of(Annotation.interned("format", "unparsed")));
    private String lastTraceId;
    private Annotation lastTraceIdAnnotation;
    private Stack[] stacks;
    private final long[] edgeFlow;
    private final Annotation[] spanResource;
    private final Annotation[] spanInstance;
    private final FlowIds flowIds;
    private final StackTraces.Scratch stackScratch;
    private long tracks;

    Emitter(TimelineLayout layout, PerfettoWriter writer, TimelineOptions options,
        StackTraces.Scratch stackScratch, Map<ResourceKey, Annotation> resourceCache,
        Map<String, Annotation> instances) {
      this.stackScratch = stackScratch;
      this.resourceCache = resourceCache;
      this.instances = instances;
      this.l = layout;
      this.w = writer;
      this.options = options;
      this.laneUuid = new long[layout.lanes.laneCount()];
      this.counterUuid = new long[layout.processCount()];
      this.laneTrack = new PerfettoWriter.TrackHandle[laneUuid.length];
      this.counterTrack = new PerfettoWriter.TrackHandle[counterUuid.length];
      this.inFlight = new int[layout.processCount()];
      this.written = new int[layout.processCount()];
      this.correlation = correlationOf(layout.request.traceKey());
      this.lastResource = new List<?>[layout.processCount()];
      this.lastResourceAnnotation = new Annotation[layout.processCount()];
      this.edgeFlow = new long[layout.flowEdgeCount];
      this.spanResource = new Annotation[layout.n];
      this.spanInstance = new Annotation[layout.n];
      this.flowIds = new FlowIds(layout.request.part());
    }

    private static Correlation correlationOf(String key) {
      if (!key.isEmpty() && key.length() <= 20 && key.chars().allMatch(c -> c >= '0' && c <= '9')) {
        try {
          return new Correlation.Id(Long.parseUnsignedLong(key));
        } catch (NumberFormatException tooLarge) {
          // more than 2^64-1: fall through to the string form
        }
      }
      return new Correlation.InternedStr(key);
    }

    /**
     * Track uuids are ordinals in canonical track order (processes by service and pid, then
     * lanes, counters, notes), offset by the part: deterministic for a span set, collision-free
     * within a trace and across the parts of a request by construction (hashes are not), and a
     * 1-2 byte varint on every event where a 63-bit hash costs 9 (3 gzip'd bytes per span).
     */
    private long nextUuid() {
      return ((long) l.request.part() << 32) + ++tracks;
    }

    void emit() throws IOException {
      describeTracks();
      writeNotes();
      int[] events = l.events;
      boolean[] settles = options.inFlightCounters() ? settlingEvents() : null;
      stacks = options.callstacks() ? parseStacks() : null;
      writeEvents(events, settles);
    }

    /**
     * The event stream, in a method of its own: were it part of {@link #emit}, the JIT would
     * compile it together with the per-trace track descriptions inlined, whose code used up the
     * inlining budget, so the per-event calls below (timestamp, END event, counter value) stayed
     * real calls.
     */
    private void writeEvents(int[] events, boolean[] settles) throws IOException {
      for (int k = 0; k < events.length; k++) {
        int ev = events[k];
        int i = EventSchedule.index(ev);
        int type = EventSchedule.type(ev);
        long t = time(ev);
        if (type == EventSchedule.BEGIN) {
          inFlight[l.processOf[i]]++;
          writeBegin(i, t, settles, k);
        } else if (type == EventSchedule.END) {
          int p = l.processOf[i];
          inFlight[p]--;
          // half of all packets: one call that assembles the packet at once (the counter
          // change as counterValue would add it), ~2% faster than an Event (5% on 50 spans)
          PerfettoWriter.TrackHandle lane = laneTrack[l.lanes.laneOfSpan()[i]];
          if (changesCounter(settles, k, p)) {
            w.endSlice(lane, t, counterTrack[p], inFlight[p] - written[p]);
            written[p] = inFlight[p];
          } else {
            w.endSlice(lane, t, null, 0);
          }
        } else {
          writeInstant(i, t, settles, k);
        }
      }
    }

    private long time(int ev) {
      int i = EventSchedule.index(ev);
      int type = EventSchedule.type(ev);
      return type == EventSchedule.BEGIN ? l.start[i]
          : type == EventSchedule.END ? l.end[i] : l.instantTime[i];
    }

    private int processOfEvent(int ev) {
      int i = EventSchedule.index(ev);
      return EventSchedule.type(ev) == EventSchedule.INSTANT ? l.processOf[l.instantOwner[i]]
          : l.processOf[i];
    }

    // ------------------------------------------------------------------ tracks

    /**
     * Process, lane, thread and counter tracks. Split into small methods on purpose: these run
     * once per trace, and the JIT compiles small methods early (one large method with these
     * loops took seconds of compile time before it ran at full speed). Tracks are made with
     * the record's constructor, once each: every {@code with...} step is another validated copy.
     */
    private void describeTracks() throws IOException {
      int procs = l.processCount();
      ProcessScan scan = new ProcessScan(procs);
      scanSpans(scan);
      long[] procUuid = new long[procs];
      for (int p = 0; p < procs; p++) {
        procUuid[p] = nextUuid();
        describeProcess(p, procUuid[p], scan);
      }
      int[] laneGroup = l.lanes.laneGroup();
      int[] laneIndex = l.lanes.laneIndexInGroup();
      for (int lane = 0; lane < laneUuid.length; lane++) {
        laneUuid[lane] = nextUuid();
        describeLane(lane, laneGroup[lane], laneIndex[lane], procUuid);
        laneTrack[lane] = w.trackHandle(laneUuid[lane]);
      }
      if (options.inFlightCounters()) {
        for (int p = 0; p < procs; p++) {
          counterUuid[p] = nextUuid();
          w.describe(new Track(counterUuid[p], Track.Kind.COUNTER, procUuid[p], COUNTER_NAME,
              null, 0, 0, null, IN_FLIGHT, ChildOrdering.UNSPECIFIED, null,
              SiblingMerge.UNSPECIFIED, null));
          counterTrack[p] = w.trackHandle(counterUuid[p]);
        }
      }
    }

    /** Per process: span count, distinct instances and distinct resources. */
    private static final class ProcessScan {
      final int[] count;
      /**
       * The first INSTANCES_SEEN distinct instances of each process (from p * INSTANCES_SEEN,
       * null after the last), with their hashes and annotations; the slots are also the
       * distinct instances the description lists, where a set per process (made, filled and
       * copied out per request) was ~1% of encoding a small request.
       */
      final String[] seenInstance;
      final int[] seenHash;
      final Annotation[] seenAnnotation;
      /** Distinct instances beyond those, per process, made on first use. */
      final HashSet<String>[] moreInstancesOf;
      /** Resources per process, made on first use. */
      final List<List<Attribute>>[] resourcesOf;

      @SuppressWarnings("unchecked")
      ProcessScan(int procs) {
        count = new int[procs];
        seenInstance = new String[procs * INSTANCES_SEEN];
        seenHash = new int[procs * INSTANCES_SEEN];
        seenAnnotation = new Annotation[procs * INSTANCES_SEEN];
        moreInstancesOf = new HashSet[procs];
        resourcesOf = new List[procs];
      }

      /** The distinct instances of process p, in no order. */
      String[] instances(int p) {
        int from = p * INSTANCES_SEEN;
        int seen = 0;
        while (seen < INSTANCES_SEEN && seenInstance[from + seen] != null) {
          seen++;
        }
        HashSet<String> more = moreInstancesOf[p];
        String[] out = new String[seen + (more == null ? 0 : more.size())];
        System.arraycopy(seenInstance, from, out, 0, seen);
        if (more != null) {
          for (String instance : more) {
            out[seen++] = instance;
          }
        }
        return out;
      }

      List<List<Attribute>> resources(int p) {
        return resourcesOf[p] == null ? List.of() : resourcesOf[p];
      }
    }

    /**
     * One pass over the spans: counts, instances and the distinct resources of each process
     * (versions are looked up per distinct resource, not per span). Instance and resource
     * annotations are resolved here once per span, and writeBegin reuses them; a process has a
     * few instances as a rule, found among its first INSTANCES_SEEN by equals before the map
     * (a hash and a node per span).
     */
    private void scanSpans(ProcessScan scan) {
      String[] seenInstance = scan.seenInstance;
      int[] seenHash = scan.seenHash;
      Annotation[] seenAnnotation = scan.seenAnnotation;
      for (int i = 0; i < l.n; i++) {
        int p = l.processOf[i];
        Span s = l.spans[i];
        scan.count[p]++;
        String instance = s.serviceInstance();
        if (instance != null) {
          Annotation a = null;
          int slot = p * INSTANCES_SEEN;
          int end = slot + INSTANCES_SEEN;
          // hashes first: a span's instance is usually its own String object, and comparing
          // it char by char with each of the service's other instances was 2% of encoding
          int h = instance.hashCode();
          for (; slot < end && seenInstance[slot] != null; slot++) {
            if (seenHash[slot] == h && seenInstance[slot].equals(instance)) {
              a = seenAnnotation[slot];
              break;
            }
          }
          if (a == null) {
            a = newInstance(scan, p, instance, slot < end);
            if (slot < end) {
              seenInstance[slot] = instance;
              seenHash[slot] = h;
              seenAnnotation[slot] = a;
            }
          }
          spanInstance[i] = a;
        }
        if (!s.resourceAttributes().isEmpty()) {
          spanResource[i] = resource(scan, i); // one annotation object per distinct resource
        }
      }
    }

    /** The annotation of an instance not in the process's slots; noted if no slot is left. */
    private Annotation newInstance(ProcessScan scan, int p, String instance, boolean slotLeft) {
      if (!slotLeft) {
        if (scan.moreInstancesOf[p] == null) {
          scan.moreInstancesOf[p] = new HashSet<>();
        }
        scan.moreInstancesOf[p].add(instance);
      }
      return instances.computeIfAbsent(instance, v -> Annotation.interned("service_instance", v));
    }

    /**
     * Notes the process's resource where it changes (A, B, A notes three; versions makes a set
     * of their versions): called on a change only, where a check per span was 0.5% of encoding
     * time.
     */
    private static void noteResource(ProcessScan scan, int p, List<Attribute> r) {
      if (scan.resourcesOf[p] == null) {
        scan.resourcesOf[p] = new ArrayList<>(2);
      }
      scan.resourcesOf[p].add(r);
    }

    private void describeProcess(int p, long uuid, ProcessScan scan) throws IOException {
      Track process = new Track(uuid, Track.Kind.PROCESS, 0, null,
          describe(p, scan.count[p], scan.instances(p), scan.resources(p)), l.procPid[p], 0,
          l.procService[p], null, ChildOrdering.CHRONOLOGICAL, null, SiblingMerge.UNSPECIFIED,
          null);
      w.describe(process, l.clockReference);
    }

    private void describeLane(int lane, int g, int indexInGroup, long[] procUuid)
        throws IOException {
      int p = l.groupProcess[g];
      String service = l.procService[p];
      long uuid = laneUuid[lane];
      Track track;
      if (!l.isThreadGroup(g)) {
        track = new Track(uuid, Track.Kind.CUSTOM, procUuid[p], service, null, 0, 0, null, null,
            ChildOrdering.UNSPECIFIED, null, SiblingMerge.BY_SIBLING_MERGE_KEY, service);
      } else if (indexInGroup == 0) {
        track = Track.thread(uuid, l.procPid[p], l.groupTid[g], l.groupThreadName[g]);
      } else {
        // a thread runs one thing at a time; overlap on it is async work reported on the thread
        String thread = l.groupThreadName[g] != null ? l.groupThreadName[g]
            : "thread " + l.groupTid[g];
        track = new Track(uuid, Track.Kind.CUSTOM, procUuid[p], thread + " (overlapping)", null,
            0, 0, null, null, ChildOrdering.UNSPECIFIED, null, SiblingMerge.BY_SIBLING_MERGE_KEY,
            service + "/thread/" + l.groupTid[g] + "/" + thread);
      }
      w.describe(track, l.isThreadGroup(g) && indexInGroup == 0 ? l.clockReference : -1);
    }

    private String describe(int p, int spanCount, String[] instances,
        List<List<Attribute>> resources) {
      StringBuilder sb = new StringBuilder(128);
      sb.append(l.procService[p]).append(": ").append(spanCount)
          .append(spanCount == 1 ? " span" : " spans");
      if (instances.length > 0) {
        Arrays.sort(instances);
        sb.append("; instances: ");
        for (int k = 0; k < instances.length; k++) {
          sb.append(k == 0 ? "" : ", ").append(instances[k]);
        }
      }
      String versions = TimelineLayout.versions(resources);
      if (!versions.isEmpty()) {
        sb.append("; version: ").append(versions);
      }
      if (l.procNote[p] != null) {
        sb.append("; ").append(l.procNote[p]);
      }
      if (l.request.part() > 0) {
        sb.append("; request part ").append(l.request.part());
      }
      return sb.toString();
    }

    private void writeNotes() throws IOException {
      if (l.request.notes().isEmpty()) {
        return;
      }
      long uuid = nextUuid();
      w.describe(Track.named(uuid, "request " + l.request.traceKey())
          .withDescription("request-level notes of part " + l.request.part()));
      for (Mark m : l.request.notes()) {
        w.instant(uuid, l.clockReference, m.code(), EventArgs.builder()
            .category("note")
            .annotate(Annotation.of("detail", m.detail()))
            .correlation(correlation)
            .build());
      }
    }

    // ------------------------------------------------------------------ counters

    /**
     * Marks, per event, whether it is its service's last event at its timestamp: the counter
     * value rides on that event's packet ({@code extra_counter_values}, ~2 gzip'd bytes per
     * value less than a counter packet of its own), so there is one value per service and
     * timestamp, and begins and ends at the same instant (zero-duration spans, back-to-back
     * calls) net out.
     */
    private boolean[] settlingEvents() {
      int[] events = l.events;
      boolean[] settles = new boolean[events.length];
      long[] nextTime = new long[l.processCount()];
      Arrays.fill(nextTime, Long.MIN_VALUE); // event times are clamped to >= 0
      for (int k = events.length - 1; k >= 0; k--) {
        int p = processOfEvent(events[k]);
        long t = time(events[k]);
        settles[k] = nextTime[p] != t;
        nextTime[p] = t;
      }
      return settles;
    }

    /**
     * Adds the change of the service's in-flight count to event k if it settles the count and the
     * count changed: the counter track is incremental, so the value is a small delta (+1, -1, or
     * the net change of the timestamp) that gzip finds again and again, not a level.
     */
    private void counterValue(PerfettoWriter.Event e, boolean[] settles, int k, int p) {
      if (changesCounter(settles, k, p)) {
        e.counterValue(counterTrack[p], inFlight[p] - written[p]);
        written[p] = inFlight[p];
      }
    }

    /** Whether event k settles process p's count at a value its counter track does not show. */
    private boolean changesCounter(boolean[] settles, int k, int p) {
      return settles != null && settles[k] && inFlight[p] != written[p];
    }

    // ------------------------------------------------------------------ slices

    /**
     * A span's BEGIN. Order is for gzip (see {@link PerfettoWriter.Event}): the head (kind, flows,
     * counter change), then what repeats on the service's previous slices (trace id, resource,
     * instance, status, attribute names and many values) adjacent, so one back-reference covers
     * it, then what is unique to the span (ids, status message).
     */
    private void writeBegin(int i, long t, boolean[] settles, int k) throws IOException {
      Span s = l.spans[i];
      List<Annotation> marks = marks(i);
      PerfettoWriter.Event e = w.beginSliceEvent(laneTrack[l.lanes.laneOfSpan()[i]], t, s.name());
      e.category(CATEGORY[s.kind().ordinal()]);
      if (!marks.isEmpty()) {
        e.category("anomaly");
      }
      for (int f = l.flowStart[i]; f < l.flowStart[i + 1]; f++) {
        int edge = l.flowEdge[f];
        if (l.flowOutgoing[f]) {
          edgeFlow[edge] = flowIds.open(t);
          e.flow(edgeFlow[edge]);
        } else {
          e.terminateFlow(edgeFlow[edge]);
          flowIds.close(edgeFlow[edge], t);
        }
      }
      counterValue(e, settles, k, l.processOf[i]);
      e.correlation(correlation);
      // Measured order (several request seeds): per request, per service, per instance, the
      // status (a few values, so part of that run rather than an island between random
      // values); the parent id (a back-reference to its BEGIN) before the attributes; the
      // random span id last, beside the random timestamp, so the two make one literal run
      // instead of splitting two matches. ~0.8 gzip'd bytes per span less than ids after the
      // attributes.
      e.annotateShared(traceIdAnnotation(s.traceId()));
      if (spanResource[i] != null) {
        e.annotateShared(spanResource[i]);
      }
      if (spanInstance[i] != null) {
        e.annotateShared(spanInstance[i]);
      }
      e.annotateShared(STATUS[s.statusCode().ordinal()]);
      if (s.parentSpanId() != null) {
        e.annotate("parent_span_id", s.parentSpanId());
      }
      if (!s.attributes().isEmpty()) {
        e.attributes("attributes", s.attributes());
      }
      e.annotate("span_id", s.spanId());
      if (s.statusMessage() != null) {
        e.annotate("status_message", s.statusMessage());
      }
      if (!s.links().isEmpty()) {
        e.annotate(Annotation.array("links", links(s.links())));
      }
      if (!marks.isEmpty()) {
        e.annotate(Annotation.dict("marks", marks));
      }
      e.write();
    }

    /** One trace id per request as a rule: the last one's annotation is reused without a lookup. */
    private Annotation traceIdAnnotation(String traceId) {
      if (!traceId.equals(lastTraceId)) {
        lastTraceId = traceId;
        lastTraceIdAnnotation = shared.computeIfAbsent(traceId,
            v -> Annotation.interned("trace_id", v));
      }
      return lastTraceIdAnnotation;
    }

    private Annotation resource(ProcessScan scan, int i) {
      int p = l.processOf[i];
      List<Attribute> r = l.spans[i].resourceAttributes();
      List<?> last = lastResource[p];
      if (last != r && !sameAttributes(r, last)) {
        lastResource[p] = r;
        noteResource(scan, p, r);
        lastResourceAnnotation[p] = resourceCache.computeIfAbsent(new ResourceKey(r),
            k -> Annotation.dict("resource", interned(k.attributes)));
      }
      return lastResourceAnnotation[p];
    }

    /**
     * List equality for resource lists, which are equal but distinct objects on every span:
     * element by element with identity first (decoders share key and value objects), instead of
     * List.equals' iterator and record equals (11% of encoding time).
     */
    private static boolean sameAttributes(List<Attribute> a, List<?> b) {
      if (b == null || a.size() != b.size()) {
        return false;
      }
      for (int k = 0, n = a.size(); k < n; k++) {
        Attribute x = a.get(k);
        Attribute y = (Attribute) b.get(k);
        if (x != y && !(x.key().equals(y.key()) && sameValue(x.value(), y.value()))) {
          return false;
        }
      }
      return true;
    }

    /**
     * Value equality with strings (nearly every resource value) compared directly: the record's
     * generated equals goes through an invokedynamic bootstrap and was 4% of encoding time here.
     */
    private static boolean sameValue(AttributeValue a, AttributeValue b) {
      if (a == b) {
        return true;
      }
      if (a instanceof AttributeValue.StringValue x && b instanceof AttributeValue.StringValue y) {
        return x.value().equals(y.value());
      }
      return a.equals(b);
    }

    /** Resource attributes repeat on every span of a service: string values are interned. */
    private static List<Annotation> interned(List<Attribute> attributes) {
      List<Annotation> out = new ArrayList<>(attributes.size());
      for (Attribute a : attributes) {
        out.add(a.value() instanceof AttributeValue.StringValue sv
            ? Annotation.interned(a.key(), sv.value())
            : Annotation.fromAttribute(a));
      }
      return out;
    }

    private static List<AnnotationValue> links(List<SpanLink> links) {
      List<AnnotationValue> out = new ArrayList<>(links.size());
      for (SpanLink link : links) {
        List<Annotation> e = new ArrayList<>(3);
        e.add(Annotation.interned("trace_id", link.traceId()));
        e.add(Annotation.interned("span_id", link.spanId()));
        if (!link.attributes().isEmpty()) {
          e.add(Annotation.dict("attributes", Annotation.fromAttributes(link.attributes())));
        }
        out.add(new AnnotationValue.Dict(e));
      }
      return out;
    }

    /** The span's own marks plus what the mapping found; a repeated code gets a "#n" suffix. */
    private List<Annotation> marks(int i) {
      Span s = l.spans[i];
      if (s.marks().isEmpty() && s.startNanos() >= 0 && s.endNanos() >= s.startNanos()
          && !l.missingParent[i] && !l.selfParent[i] && !l.duplicateId[i]) {
        return List.of(); // the common case, without allocating
      }
      List<Mark> all = new ArrayList<>(s.marks());
      if (s.startNanos() < 0) {
        all.add(new Mark("negative_timestamp", "start " + s.startNanos() + " shown at 0"));
      }
      if (s.endNanos() < s.startNanos()) {
        all.add(new Mark("end_before_start", "end " + s.endNanos() + " is before start "
            + s.startNanos() + "; shown with duration 0"));
      }
      if (l.missingParent[i]) {
        all.add(new Mark("missing_parent", "parent " + s.parentSpanId()
            + " is not in this trace part; shown as a root"));
      }
      if (l.selfParent[i]) {
        all.add(new Mark("self_parent", "span " + s.spanId() + " names itself as parent; shown as a root"));
      }
      if (l.duplicateId[i]) {
        all.add(new Mark("duplicate_span_id", "another span of this trace part has span id "
            + s.spanId()));
      }
      if (all.isEmpty()) {
        return List.of();
      }
      List<Annotation> out = new ArrayList<>(all.size());
      Map<String, Integer> seen = new HashMap<>();
      for (Mark m : all) {
        int count = seen.merge(m.code(), 1, Integer::sum);
        out.add(Annotation.of(count == 1 ? m.code() : m.code() + "#" + count, m.detail()));
      }
      return out;
    }

    // ------------------------------------------------------------------ instants

    /**
     * Parses each exception event's stack trace once, and finds the stacks whose frames occur
     * more than once in this part: those are interned (a callstack iid per repetition), a one-off
     * stack is written inline on its instant, where interning would only add iids and tables.
     * Java stacks are parsed in place and their frames compared by hash first, so a one-off
     * stack never becomes strings.
     */
    private Stack[] parseStacks() {
      int m = l.instantOwner.length;
      Stack[] out = new Stack[m];
      HashMap<Integer, Stack> seen = null;
      for (int k = 0; k < m; k++) {
        SpanEvent event = l.spans[l.instantOwner[k]].events().get(l.instantEvent[k]);
        if (!event.name().equals("exception")) {
          continue;
        }
        String text = stringAttribute(event.attributes(), "exception.stacktrace");
        if (text == null) {
          continue;
        }
        StackTraces.JavaStack java = StackTraces.parseJavaInPlace(text, options.maxStackFrames(),
            stackScratch);
        Stack stack;
        if (java != null) {
          stack = new Stack(java, null);
        } else {
          StackTraces.ParsedStack parsed = StackTraces.parse(text, options.maxStackFrames());
          if (parsed == null) {
            continue;
          }
          stack = new Stack(null, parsed);
        }
        out[k] = stack;
        if (seen == null) {
          seen = new HashMap<>();
        }
        // chained by frames hash; frames are only made for stacks whose hashes meet
        Stack first = seen.putIfAbsent(stack.hash, stack);
        for (Stack s = first; s != null; s = s.nextWithHash) {
          if (s.frames().equals(stack.frames())) {
            s.repeated = true;
            stack.first = s;
            break;
          }
          if (s.nextWithHash == null) {
            s.nextWithHash = stack;
            break;
          }
        }
      }
      return out;
    }

    /** The parsed stack of one instant; repetitions share the first one's interned callstack. */
    private static final class Stack {
      final StackTraces.JavaStack java;
      final StackTraces.ParsedStack parsed;
      final int hash;
      boolean repeated;
      Stack first;
      Stack nextWithHash;
      Callstack callstack;

      Stack(StackTraces.JavaStack java, StackTraces.ParsedStack parsed) {
        this.java = java;
        this.parsed = parsed;
        this.hash = java != null ? java.framesHash() : StackTraces.framesHash(parsed.frames());
      }

      List<StackTraces.StackFrame> frames() {
        return java != null ? java.frames() : parsed.frames();
      }

      StackTraces.Format format() {
        return java != null ? StackTraces.Format.JAVA : parsed.format();
      }

      List<String> causes() {
        return java != null ? java.causes() : parsed.causes();
      }

      int droppedFrames() {
        return java != null ? java.droppedFrames() : parsed.droppedFrames();
      }

      boolean isRepeated() {
        return repeated || first != null;
      }

      Callstack callstack() {
        Stack owner = first != null ? first : this;
        if (owner.callstack == null) {
          List<StackTraces.StackFrame> parsedFrames = owner.frames();
          List<Frame> frames = new ArrayList<>(parsedFrames.size());
          for (StackTraces.StackFrame f : parsedFrames) {
            frames.add(Frame.of(f.display()));
          }
          owner.callstack = new Callstack(frames);
        }
        return owner.callstack;
      }

      void writeInline(PerfettoWriter.Event e) {
        if (java != null) {
          e.inlineCallstack(java.text(), java.regions(), java.frameCount());
          return;
        }
        List<InlineFrame> frames = new ArrayList<>(parsed.frames().size());
        for (StackTraces.StackFrame f : parsed.frames()) {
          frames.add(new InlineFrame(f.function(), f.file(), f.line()));
        }
        e.inlineCallstack(frames);
      }
    }

    /**
     * A span event. No span_id annotation: trace processor parents an instant under the slice
     * that encloses it on its track, which is the span's own slice.
     */
    private void writeInstant(int k, long t, boolean[] settles, int eventIndex) throws IOException {
      int owner = l.instantOwner[k];
      Span s = l.spans[owner];
      SpanEvent event = s.events().get(l.instantEvent[k]);
      PerfettoWriter.Event e = w.instantEvent(laneTrack[l.lanes.laneOfSpan()[owner]], t,
          event.name());
      e.category("event");
      counterValue(e, settles, eventIndex, l.processOf[owner]);
      e.correlation(correlation);
      List<Attribute> attributes = event.attributes();
      Stack stack = null;
      if (event.name().equals("exception")) {
        stack = stacks != null ? stacks[k] : null;
        if (stack != null) {
          List<Annotation> about = new ArrayList<>(3);
          about.add(FORMAT[stack.format().ordinal()]);
          if (!stack.causes().isEmpty()) {
            List<AnnotationValue> causes = new ArrayList<>(stack.causes().size());
            for (String c : stack.causes()) {
              causes.add(new AnnotationValue.Str(c, false));
            }
            about.add(Annotation.array("causes", causes));
          }
          if (stack.droppedFrames() > 0) {
            about.add(Annotation.of("frames_dropped", stack.droppedFrames()));
          }
          e.annotate(Annotation.dict("stack", about));
          attributes = without(attributes, "exception.stacktrace");
        } else if (stringAttribute(attributes, "exception.stacktrace") != null) {
          e.annotateShared(UNPARSED);
        }
      }
      if (event.timeNanos() < 0) {
        e.annotate(Annotation.dict("marks", List.of(Annotation.of("negative_timestamp",
            "event time " + event.timeNanos() + " shown at 0"))));
      }
      if (!attributes.isEmpty()) {
        e.attributes("attributes", attributes);
      }
      if (stack != null) {
        if (stack.isRepeated()) {
          e.callstack(stack.callstack());
        } else {
          stack.writeInline(e);
        }
      }
      e.write();
    }

    private static String stringAttribute(List<Attribute> attributes, String key) {
      for (Attribute a : attributes) {
        if (a.key().equals(key) && a.value() instanceof AttributeValue.StringValue sv) {
          return sv.value();
        }
      }
      return null;
    }

    private static List<Attribute> without(List<Attribute> attributes, String key) {
      List<Attribute> out = new ArrayList<>(attributes.size());
      for (Attribute a : attributes) {
        if (!a.key().equals(key)) {
          out.add(a);
        }
      }
      return out;
    }
  }
}
