package io.traceroll.timeline;

import io.traceroll.span.Attribute;
import io.traceroll.span.AttributeValue;
import io.traceroll.span.Span;
import io.traceroll.span.SpanEvent;
import io.traceroll.span.SpanLink;
import io.traceroll.span.StatusCode;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Where everything of one request part goes, computed before a byte is written: canonical span
 * order, processes (service + pid), track groups (the service's lanes, or one of its threads),
 * lanes, parent links, instants, the event stream and the flow plan. Pure data, no writer, so each
 * decision is unit-testable; the only per-span state is a handful of primitive arrays.
 */
final class TimelineLayout {
  final RequestTrace request;
  final Span[] spans;
  final int n;
  final long[] start;
  final long[] end;

  // processes, in (service, pid) order
  final String[] procService;
  final int[] procPid;
  final String[] procNote;
  final int[] processOf;

  // track groups: the process-level lanes of each process, then its threads
  final int[] groupProcess;
  final long[] groupTid; // 0 for the process-level group
  final String[] groupThreadName;
  final int[] groupOf;

  final LanePacker.Lanes lanes;

  /** Parent's canonical index, -1 for roots and missing parents. */
  final int[] parentOf;
  final boolean[] missingParent;
  /** Its parent span id is its own span id: drawn as a root. */
  final boolean[] selfParent;
  final boolean[] duplicateId;

  final long[] instantTime;
  final int[] instantOwner;
  final int[] instantEvent;

  final int[] events;

  /**
   * Flow endpoints per span: [flowStart[i], flowStart[i+1]) into flowEdge/flowOutgoing. An edge
   * (0..flowEdgeCount-1) starts at the BEGIN of its earlier span in canonical order and ends at
   * the later one's; the writer picks the ids ({@link FlowIds}).
   */
  final int[] flowStart;
  final int[] flowEdge;
  final boolean[] flowOutgoing;
  final int flowEdgeCount;

  final long clockReference;

  /** For the trace summary: latest end, spans with ERROR status, first root (-1: none), trace ids. */
  final long lastEnd;
  final int errors;
  final int firstRoot;
  final java.util.Set<String> traceIds;

  /**
   * Open-addressing table from span id to 1 + the canonical index of the first span with that id
   * (0 = empty slot), see {@link #find}: one hash per span and O(1) lookups, where sorting span
   * indices by id hash and binary-searching them cost ~5% of encoding a request.
   */
  private final int[] byId;
  /** Span id of each span (canonical order), for {@link #find}. */
  private final String[] idOf;

  /**
   * Each step is a method of its own: a request is laid out once per trace, so these run as
   * often as the trace is written, and small methods are compiled early by the JIT, where one
   * constructor of a dozen loops was compiled late, several times over (once per loop entry).
   */
  private TimelineLayout(RequestTrace request, boolean flows) {
    this.request = request;
    List<Span> list = request.spans();
    n = list.size();
    spans = canonicalOrder(list.toArray(new Span[0]));
    start = new long[n];
    end = new long[n];
    SpanFields f = new SpanFields(spans, start, end);
    idOf = f.id;
    lastEnd = f.lastEnd;
    errors = f.errors;
    firstRoot = f.firstRoot;
    traceIds = f.traceIds;

    // processes and track groups are worked out once per origin, then looked up per span
    Origins origins = f.origins;
    Processes processes = processes(origins.service(), origins.pid());
    procService = processes.service();
    procPid = processes.pid();
    procNote = processes.note();
    Groups groups = groups(origins.thread(), origins.tid(), processes.processOf());
    groupProcess = groups.process();
    groupTid = groups.tid();
    groupThreadName = groups.threadName();
    processOf = new int[n];
    groupOf = new int[n];
    perSpan(origins.of, processes.processOf(), processOf, groups.groupOf(), groupOf);

    // ---- parents: children attach to the first span in canonical order with their parent's id
    byId = new int[Integer.highestOneBit(Math.max(2, n) * 2 - 1) * 2];
    duplicateId = new boolean[n];
    indexIds(idOf, byId, duplicateId);
    parentOf = new int[n];
    missingParent = new boolean[n];
    selfParent = new boolean[n];
    linkParents(f.parentId);

    lanes = LanePacker.pack(start, end, groupOf, parentOf, groupProcess.length);

    // ---- instants (span events), ordered by time, ties by span then event order
    instantTime = new long[f.eventTotal];
    instantOwner = new int[f.eventTotal];
    instantEvent = new int[f.eventTotal];
    collectInstants(spans, f.eventCount, instantTime, instantOwner, instantEvent);
    int[] instantOrder = byTime(instantTime);
    events = EventSchedule.schedule(start, end, lanes.laneOfSpan(), lanes.laneCount(), instantTime,
        instantOwner, instantOrder);

    long ref = n > 0 ? start[0] : 0;
    if (instantOrder.length > 0) {
      ref = Math.min(ref, instantTime[instantOrder[0]]);
    }
    clockReference = ref;

    FlowPlan plan = flowPlan(flows, f.linkCount, f.linkTotal);
    flowStart = plan.start();
    flowEdge = plan.edge();
    flowOutgoing = plan.outgoing();
    flowEdgeCount = plan.edgeCount();
  }

  /**
   * The span fields the layout needs, read in one pass: the spans sit in memory in arrival
   * order, so each pass over them in canonical order costs a cache miss per span; the layout's
   * dozen passes read these arrays instead.
   */
  private static final class SpanFields {
    final Origins origins;
    final String[] id;
    final String[] parentId;
    final int[] eventCount;
    final int[] linkCount;
    final int eventTotal;
    final int linkTotal;
    /** For the trace summary: latest end, errors, first root, distinct trace ids. */
    final long lastEnd;
    final int errors;
    final int firstRoot;
    final java.util.HashSet<String> traceIds = new java.util.HashSet<>();

    SpanFields(Span[] spans, long[] start, long[] end) {
      int n = spans.length;
      origins = new Origins(n);
      id = new String[n];
      parentId = new String[n];
      eventCount = new int[n];
      linkCount = new int[n];
      int events = 0;
      int links = 0;
      long last = Long.MIN_VALUE;
      int errorCount = 0;
      int root = -1;
      String lastTraceId = null;
      for (int i = 0; i < n; i++) {
        Span s = spans[i];
        long st = Math.max(0, s.startNanos());
        start[i] = st;
        end[i] = Math.max(st, s.endNanos());
        origins.add(i, s.serviceName(), s.pid(), s.tid(), s.threadName());
        id[i] = s.spanId();
        parentId[i] = s.parentSpanId();
        eventCount[i] = s.events().size();
        linkCount[i] = s.links().size();
        events += eventCount[i];
        links += linkCount[i];
        last = Math.max(last, end[i]);
        if (s.statusCode() == StatusCode.ERROR) {
          errorCount++;
        }
        if (root < 0 && parentId[i] == null) {
          root = i; // canonical order: the first root is the smallest
        }
        String traceId = s.traceId();
        if (!traceId.equals(lastTraceId)) { // one per request as a rule
          lastTraceId = traceId;
          traceIds.add(traceId);
        }
      }
      eventTotal = events;
      linkTotal = links;
      lastEnd = last;
      errors = errorCount;
      firstRoot = root;
    }
  }

  private record Processes(int[] processOf, String[] service, int[] pid, String[] note) {}

  /**
   * Processes: a real pid is used only when no other service of this part claims it (two
   * containers both reporting pid 1 would otherwise become one process in trace processor).
   * Runs over the distinct {@link Origins}, not the spans. Services are ranked first, so
   * everything per service below is an array access by rank; a service reports one pid as a
   * rule, so the pid map is consulted only when an origin's pid differs from its service's
   * previous one.
   */
  private static Processes processes(String[] service, int[] realPid) {
    int n = service.length;
    Ranks serviceRanks = ranks(service);
    int[] serviceRank = serviceRanks.of();
    String[] serviceNames = serviceRanks.values();
    int services = serviceNames.length;
    Map<Integer, TreeSet<String>> servicesByRealPid = new HashMap<>();
    int[] lastPid = new int[services];
    claimPids(realPid, serviceRank, serviceNames, lastPid, servicesByRealPid);
    int[] syntheticPid = new int[services];
    int[] uniquePid = new int[services]; // lastPid[r] when no other service claims it, else 0
    for (int r = 0; r < services; r++) {
      syntheticPid[r] = ProcessIds.syntheticPid(serviceNames[r]);
      if (lastPid[r] > 0 && servicesByRealPid.get(lastPid[r]).size() == 1) {
        uniquePid[r] = lastPid[r];
      }
    }
    int[] pidOf = pids(realPid, serviceRank, syntheticPid, uniquePid, lastPid, servicesByRealPid);
    // Grouping packs each span's key into a long whose numeric order is the key order; the
    // distinct keys, sorted, are the (deterministic) numbering. Primitive sorts of a long per
    // span instead of sorting indices with a comparator.
    long[] key = new long[n];
    for (int i = 0; i < n; i++) {
      key[i] = (long) serviceRank[i] << 32 | (pidOf[i] ^ 0x80000000L) & 0xffffffffL;
    }
    int[] processOf = new int[n];
    int procs = number(key, processOf);
    String[] procService = new String[procs];
    int[] procPid = new int[procs];
    String[] procNote = new String[procs];
    for (int i = 0; i < n; i++) {
      int p = processOf[i];
      procService[p] = service[i];
      procPid[p] = pidOf[i];
      int real = realPid[i];
      if (real > 0 && pidOf[i] != real && procNote[p] == null) {
        procNote[p] = "reported pid " + real + " is shared with "
            + String.join(", ", servicesByRealPid.get(real)) + "; shown under a synthetic pid";
      }
    }
    return new Processes(processOf, procService, procPid, procNote);
  }

  /** Which services report which real pids; each service's last pid in {@code lastPid}. */
  private static void claimPids(int[] realPid, int[] serviceRank, String[] serviceNames,
      int[] lastPid, Map<Integer, TreeSet<String>> servicesByRealPid) {
    for (int i = 0; i < realPid.length; i++) {
      int pid = realPid[i];
      int r = serviceRank[i];
      if (pid > 0 && pid != lastPid[r]) {
        lastPid[r] = pid;
        claim(servicesByRealPid, pid, serviceNames[r]);
      }
    }
  }

  private static void claim(Map<Integer, TreeSet<String>> servicesByRealPid, int pid,
      String service) {
    servicesByRealPid.computeIfAbsent(pid, k -> new TreeSet<>()).add(service);
  }

  private static int[] pids(int[] realPid, int[] serviceRank, int[] syntheticPid,
      int[] uniquePid, int[] lastPid, Map<Integer, TreeSet<String>> servicesByRealPid) {
    int[] pidOf = new int[realPid.length];
    for (int i = 0; i < realPid.length; i++) {
      int pid = realPid[i];
      int r = serviceRank[i];
      pidOf[i] = pid <= 0 ? syntheticPid[r]
          : pid == uniquePid[r] || pid != lastPid[r] && servicesByRealPid.get(pid).size() == 1
              ? pid : syntheticPid[r];
    }
    return pidOf;
  }

  private record Groups(int[] groupOf, int[] process, long[] tid, String[] threadName) {}

  /** Track groups: the process-level lanes of a process (tid 0), then each of its threads. */
  private static Groups groups(String[] thread, long[] tid, int[] processOf) {
    int n = processOf.length;
    Ranks threadRanks = ranks(thread);
    int[] threadRank = threadRanks.of();
    String[] threadNames = threadRanks.values();
    long[] tidOf = new long[n];
    int[] syntheticTid = new int[threadNames.length]; // per thread name, computed on first use
    for (int i = 0; i < n; i++) {
      if (tid[i] != 0) {
        tidOf[i] = tid[i];
      } else if (thread[i] != null) {
        int t = threadRank[i];
        if (syntheticTid[t] == 0) { // synthetic pids are >= 2^22, never 0
          syntheticTid[t] = ProcessIds.syntheticPid("thread:" + thread[i]);
        }
        tidOf[i] = syntheticTid[t];
      }
    }
    int[] tidRank = new int[n];
    number(tidOf, tidRank); // tids in signed order, as ranks
    long[] key = new long[n];
    for (int i = 0; i < n; i++) {
      // process, tid, thread name: each below 2^21 (spans per part are far fewer)
      key[i] = (long) processOf[i] << 42 | (long) tidRank[i] << 21 | threadRank[i];
    }
    int[] groupOf = new int[n];
    int groupCount = number(key, groupOf);
    int[] groupProcess = new int[groupCount];
    long[] groupTid = new long[groupCount];
    String[] groupThreadName = new String[groupCount];
    for (int i = 0; i < n; i++) {
      groupProcess[groupOf[i]] = processOf[i];
      groupTid[groupOf[i]] = tidOf[i];
      groupThreadName[groupOf[i]] = tidOf[i] == 0 ? null : thread[i];
    }
    return new Groups(groupOf, groupProcess, groupTid, groupThreadName);
  }

  private static void perSpan(int[] originOf, int[] processOfOrigin, int[] processOf,
      int[] groupOfOrigin, int[] groupOf) {
    for (int i = 0; i < originOf.length; i++) {
      int o = originOf[i];
      processOf[i] = processOfOrigin[o];
      groupOf[i] = groupOfOrigin[o];
    }
  }

  /**
   * The distinct (service, pid, tid, thread name) of a request's spans in order of first
   * appearance, and each span's. A request has a few dozen, so processes and track groups are
   * worked out per origin (their ranks, pid claims and key numbering ran over every span before,
   * ~30% of the layout). Everything those steps compute depends on the set of distinct values
   * and on which comes first, never on how often each occurs, so the result is the same.
   */
  private static final class Origins {
    private String[] service = new String[16];
    private String[] thread = new String[16];
    private int[] pid = new int[16];
    private long[] tid = new long[16];
    private int count;
    /** Open addressing: 1 + origin, 0 = empty. */
    private int[] table = new int[64];
    final int[] of;

    Origins(int spans) {
      of = new int[spans];
    }

    void add(int span, String svc, int p, long t, String thr) {
      if (span > 0) { // a call tree's spans are neighbours in canonical order: same origin
        int last = of[span - 1];
        if (service[last] == svc && thread[last] == thr && pid[last] == p && tid[last] == t) {
          of[span] = last;
          return;
        }
      }
      int mask = table.length - 1;
      int slot = hash(svc, thr, p, t) & mask;
      while (true) {
        int o = table[slot] - 1;
        if (o < 0) {
          break;
        }
        if (pid[o] == p && tid[o] == t && Objects.equals(service[o], svc)
            && Objects.equals(thread[o], thr)) {
          of[span] = o;
          return;
        }
        slot = (slot + 1) & mask;
      }
      if (count == service.length) {
        service = Arrays.copyOf(service, count * 2);
        thread = Arrays.copyOf(thread, count * 2);
        pid = Arrays.copyOf(pid, count * 2);
        tid = Arrays.copyOf(tid, count * 2);
      }
      service[count] = svc;
      thread[count] = thr;
      pid[count] = p;
      tid[count] = t;
      table[slot] = ++count;
      of[span] = count - 1;
      if (2 * count > table.length) {
        rehash();
      }
    }

    private static int hash(String svc, String thr, int p, long t) {
      int h = 31 * (svc == null ? 0 : svc.hashCode()) + (thr == null ? 0 : thr.hashCode());
      return spread(31 * h + p + Long.hashCode(t) * 0x9E3779B9);
    }

    private void rehash() {
      table = new int[table.length * 2];
      int mask = table.length - 1;
      for (int o = 0; o < count; o++) {
        int slot = hash(service[o], thread[o], pid[o], tid[o]) & mask;
        while (table[slot] != 0) {
          slot = (slot + 1) & mask;
        }
        table[slot] = o + 1;
      }
    }

    String[] service() {
      return Arrays.copyOf(service, count);
    }

    String[] thread() {
      return Arrays.copyOf(thread, count);
    }

    int[] pid() {
      return Arrays.copyOf(pid, count);
    }

    long[] tid() {
      return Arrays.copyOf(tid, count);
    }
  }

  /** Fills the span-id table ({@link #find}) and marks ids that occur more than once. */
  private static void indexIds(String[] idOf, int[] byId, boolean[] duplicateId) {
    int mask = byId.length - 1;
    for (int i = 0; i < idOf.length; i++) {
      String id = idOf[i];
      for (int slot = spread(id.hashCode()) & mask; ; slot = (slot + 1) & mask) {
        int first = byId[slot] - 1;
        if (first < 0) {
          byId[slot] = i + 1;
          break;
        }
        if (idOf[first].equals(id)) {
          duplicateId[first] = true; // inserted in canonical order: the first one stays
          duplicateId[i] = true;
          break;
        }
      }
    }
  }

  private void linkParents(String[] parentIdOf) {
    for (int i = 0; i < n; i++) {
      String pid = parentIdOf[i];
      int p = pid == null ? -1 : find(pid);
      parentOf[i] = p == i ? -1 : p;
      missingParent[i] = pid != null && p < 0;
      selfParent[i] = p == i;
    }
  }

  private static void collectInstants(Span[] spans, int[] eventCount, long[] time, int[] owner,
      int[] event) {
    int m = time.length;
    int k = 0;
    for (int i = 0; i < spans.length && k < m; i++) {
      if (eventCount[i] == 0) {
        continue;
      }
      List<SpanEvent> evs = spans[i].events();
      for (int e = 0; e < evs.size(); e++) {
        time[k] = Math.max(0, evs.get(e).timeNanos());
        owner[k] = i;
        event[k] = e;
        k++;
      }
    }
  }

  /** Instant indices by time; ties keep index order (span, then event order). */
  private static int[] byTime(long[] time) {
    int m = time.length;
    int[] order = new int[m];
    for (int q = 0; q < m; q++) {
      order[q] = q;
    }
    IntSorter.sort(order, (a, b) -> Long.compare(time[a], time[b]));
    return order;
  }

  private record FlowPlan(int[] start, int[] edge, boolean[] outgoing, int edgeCount) {}

  /**
   * Flows: BEGINs are written in canonical order, so the lower index is where a flow starts.
   * Endpoints are counted per span as edges are found rather than in a pass over the edges
   * afterwards, the link total comes from {@link SpanFields}, and the rare links are followed off
   * the per-span loop: two loops fewer, +1-3% on laying out 1000 spans.
   */
  private FlowPlan flowPlan(boolean flows, int[] linkCount, int linkTotal) {
    // at most one edge per span to its parent plus one per link: sized once, never grown
    int maxEdges = flows ? n + linkTotal : 0;
    boolean anyLinks = linkTotal > 0;
    int[] edgeFrom = new int[maxEdges];
    int[] edgeTo = new int[maxEdges];
    int[] flowStart = new int[n + 1];
    int edges = 0;
    if (flows) {
      int[] laneOf = lanes.laneOfSpan();
      for (int i = 0; i < n; i++) {
        int p = parentOf[i];
        if (p >= 0 && laneOf[p] != laneOf[i]) {
          edgeFrom[edges] = p;
          edgeTo[edges++] = i;
          flowStart[p + 1]++;
          flowStart[i + 1]++;
        }
        if (anyLinks && linkCount[i] > 0) {
          edges = linkEdges(i, edgeFrom, edgeTo, edges, flowStart);
        }
      }
    }
    for (int i = 0; i < n; i++) {
      flowStart[i + 1] += flowStart[i];
    }
    int[] flowEdge = new int[flowStart[n]];
    boolean[] flowOutgoing = new boolean[flowStart[n]];
    int[] fill = Arrays.copyOf(flowStart, n);
    for (int e = 0; e < edges; e++) {
      int first = Math.min(edgeFrom[e], edgeTo[e]);
      int second = Math.max(edgeFrom[e], edgeTo[e]);
      flowEdge[fill[first]] = e;
      flowOutgoing[fill[first]++] = true;
      flowEdge[fill[second]] = e;
      flowOutgoing[fill[second]++] = false;
    }
    return new FlowPlan(flowStart, flowEdge, flowOutgoing, edges);
  }

  /** Edges from the spans that span i links to (same trace, found, not itself); the new count. */
  private int linkEdges(int i, int[] edgeFrom, int[] edgeTo, int edges, int[] flowStart) {
    List<SpanLink> links = spans[i].links();
    for (int l = 0; l < links.size(); l++) {
      int t = find(links.get(l).spanId());
      if (t >= 0 && t != i && spans[t].traceId().equals(links.get(l).traceId())) {
        edgeFrom[edges] = t;
        edgeTo[edges++] = i;
        flowStart[t + 1]++;
        flowStart[i + 1]++;
      }
    }
    return edges;
  }

  /**
   * The spans sorted by {@link CanonicalOrder}. Start time is its first key and nearly always
   * decides, so the spans are sorted by one primitive sort of (start, index) packed into longs,
   * and only runs of equal starts are ordered with the full comparator; a comparator sort of the
   * span objects chased two pointers per comparison (~5% of encoding a request). Falls back to
   * the comparator sort when starts span more than 2^42 ns (~73 min) or there are 2^21+ spans.
   */
  private static Span[] canonicalOrder(Span[] in) {
    int count = in.length;
    if (count < 2) {
      return in;
    }
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    long[] keys = new long[count];
    for (int i = 0; i < count; i++) { // the only read of the spans here
      long st = in[i].startNanos();
      keys[i] = st;
      min = Math.min(min, st);
      max = Math.max(max, st);
    }
    if (count >= 1 << INDEX_BITS || max - min < 0 || max - min >= 1L << (63 - INDEX_BITS)) {
      Arrays.sort(in, CanonicalOrder.SPANS);
      return in;
    }
    for (int i = 0; i < count; i++) {
      keys[i] = (keys[i] - min) << INDEX_BITS | i;
    }
    keys = radixSort(keys, INDEX_BITS, 64 - Long.numberOfLeadingZeros(max - min) + INDEX_BITS);
    Span[] out = new Span[count];
    for (int i = 0; i < count; i++) {
      out[i] = in[(int) (keys[i] & INDEX_MASK)];
    }
    for (int from = 0; from < count; ) {
      int to = from + 1;
      while (to < count && keys[to] >>> INDEX_BITS == keys[from] >>> INDEX_BITS) {
        to++;
      }
      if (to - from > 1) {
        Arrays.sort(out, from, to, CanonicalOrder.SPANS);
      }
      from = to;
    }
    return out;
  }

  /**
   * Sorts keys whose indices (bits below {@code from}) ascend with their position by bits
   * [from, to), least significant byte first: stable, so equal starts keep index order and the
   * result equals a full sort. A few linear passes where a comparison sort of a thousand keys
   * was ~2% of encoding a request. Returns the sorted array (the input or a new one).
   *
   * <p>Up to {@link #SMALL_SORT} keys are insertion-sorted whole instead: the keys are distinct
   * (their index bits) and have no bits at or above {@code to}, so that is the same order, and
   * for 64 keys it measured 3x faster than four passes over 256 buckets each (2x on reversed
   * input, its worst case); the whole layout of a 50-span request got ~25% faster.
   */
  static long[] radixSort(long[] keys, int from, int to) {
    if (keys.length <= SMALL_SORT) {
      insertionSort(keys);
      return keys;
    }
    long[] a = keys;
    long[] b = new long[keys.length];
    int[] count = new int[257];
    for (int shift = from; shift < to; shift += 8) {
      Arrays.fill(count, 0);
      for (long k : a) {
        count[((int) (k >>> shift) & 0xff) + 1]++;
      }
      for (int d = 0; d < 256; d++) {
        count[d + 1] += count[d];
      }
      for (long k : a) {
        b[count[(int) (k >>> shift) & 0xff]++] = k;
      }
      long[] t = a;
      a = b;
      b = t;
    }
    return a;
  }

  static final int SMALL_SORT = 64;

  /** Ascending; for a few dozen keys (see {@link #radixSort}). */
  static void insertionSort(long[] a) {
    for (int i = 1; i < a.length; i++) {
      long v = a[i];
      int j = i - 1;
      while (j >= 0 && a[j] > v) {
        a[j + 1] = a[j];
        j--;
      }
      a[j + 1] = v;
    }
  }

  static final int INDEX_BITS = 21;
  private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;

  /** The first span in canonical order with this id, or -1. */
  int find(String spanId) {
    int mask = byId.length - 1;
    for (int slot = spread(spanId.hashCode()) & mask; ; slot = (slot + 1) & mask) {
      int first = byId[slot] - 1;
      if (first < 0) {
        return -1;
      }
      if (idOf[first].equals(spanId)) {
        return first;
      }
    }
  }

  /** Span ids of one generator or host often share hash bits; linear probing needs spread. */
  private static int spread(int h) {
    int x = h * 0x9E3779B9;
    return x ^ (x >>> 16);
  }

  /**
   * Numbers the distinct values of {@code keys} 0, 1, ... in ascending order into {@code out};
   * returns how many there are. Keys (processes, threads, track groups) have few distinct values,
   * so each key is looked up in a small open-addressing table and only the distinct keys are
   * sorted, instead of sorting every key and binary-searching each one. The keys are one per
   * {@link Origins origin}, a few dozen: the table is sized for all of them distinct at half load,
   * so it never grows (the growth copies showed in the profile of a 50-span request; with
   * {@link #ranks} below, +5% on laying out 50 spans, neutral at 1000).
   */
  private static int number(long[] keys, int[] out) {
    int size = tableSize(keys.length);
    int mask = size - 1;
    long[] table = new long[size];
    int[] idOf = new int[size]; // 1 + insertion order of the key in that slot, 0 = empty
    long[] distinct = new long[keys.length];
    int count = 0;
    for (int i = 0; i < keys.length; i++) {
      long k = keys[i];
      int slot = mix(k) & mask;
      while (idOf[slot] != 0 && table[slot] != k) {
        slot = (slot + 1) & mask;
      }
      if (idOf[slot] == 0) {
        distinct[count++] = k;
        table[slot] = k;
        idOf[slot] = count;
      }
      out[i] = idOf[slot] - 1;
    }
    long[] sorted = Arrays.copyOf(distinct, count);
    sortFew(sorted);
    int[] rankOfId = new int[count];
    for (int d = 0; d < count; d++) {
      rankOfId[d] = Arrays.binarySearch(sorted, distinct[d]);
    }
    for (int i = 0; i < out.length; i++) {
      out[i] = rankOfId[out[i]];
    }
    return count;
  }

  /** A power of two at least twice {@code entries} (and 16): their table at half load or less. */
  private static int tableSize(int entries) {
    return Integer.highestOneBit(Math.max(8, entries) * 2 - 1) * 2;
  }

  /**
   * Sorts ascending; the distinct keys of a request (processes, threads, groups) are a few dozen,
   * which an insertion sort handles without the JDK's general sort (a large method the JIT
   * compiles late, for every array type it meets).
   */
  private static void sortFew(long[] a) {
    if (a.length > SMALL_SORT) {
      Arrays.sort(a);
      return;
    }
    insertionSort(a);
  }

  private static int mix(long k) {
    long x = k * 0x9E3779B97F4A7C15L;
    return (int) (x ^ (x >>> 32));
  }

  /**
   * Rank of each value among the distinct values, in natural order ({@code null} first): sorting
   * by rank is sorting by value, with int compares only. The values are one per {@link Origins
   * origin}, a few dozen, so they are numbered through an open-addressing table sized for all of
   * them (an identity compare first: a service's name is one String object as a rule) and only the
   * distinct values are sorted; a HashMap of rank holders with an identity cache in front, made
   * for a value per span, was ~40% of numbering processes and groups for a 50-span request.
   */
  private static Ranks ranks(String[] values) {
    int n = values.length;
    int size = tableSize(n);
    int mask = size - 1;
    String[] table = new String[size];
    int[] idOf = new int[size]; // 1 + insertion order of the value in that slot, 0 = empty
    String[] distinct = new String[n];
    int count = 0;
    boolean anyNull = false;
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      String v = values[i];
      if (v == null) {
        anyNull = true;
        out[i] = -1;
        continue;
      }
      int slot = spread(v.hashCode()) & mask;
      for (String w = table[slot]; w != null && w != v && !w.equals(v); w = table[slot]) {
        slot = (slot + 1) & mask;
      }
      if (table[slot] == null) {
        table[slot] = v;
        distinct[count++] = v;
        idOf[slot] = count;
      }
      out[i] = idOf[slot] - 1;
    }
    String[] sorted = Arrays.copyOf(distinct, count);
    Arrays.sort(sorted);
    int base = anyNull ? 1 : 0;
    String[] byRank = new String[base + count];
    System.arraycopy(sorted, 0, byRank, base, count);
    int[] rankOfId = new int[count];
    for (int d = 0; d < count; d++) {
      rankOfId[d] = base + Arrays.binarySearch(sorted, distinct[d]);
    }
    for (int i = 0; i < n; i++) {
      out[i] = out[i] < 0 ? 0 : rankOfId[out[i]];
    }
    return new Ranks(out, byRank);
  }

  /** Each span's rank, and the value of each rank ({@code null} at 0 when some span has none). */
  private record Ranks(int[] of, String[] values) {}

  static TimelineLayout of(RequestTrace request, boolean flows) {
    return new TimelineLayout(request, flows);
  }

  int processCount() {
    return procService.length;
  }

  boolean isThreadGroup(int g) {
    return groupTid[g] != 0;
  }

  /** Service version(s) from the {@code service.version} attribute of these resources, sorted. */
  static String versions(List<List<Attribute>> resources) {
    if (resources.size() == 1) { // a service runs one version as a rule: no set, no sort
      String only = null;
      for (Attribute a : resources.get(0)) {
        if (a.key().equals("service.version") && a.value() instanceof AttributeValue.StringValue sv) {
          if (only != null && !only.equals(sv.value())) {
            only = null; // the key twice with two values: the general path sorts them
            break;
          }
          only = sv.value();
        }
      }
      if (only != null) {
        return only;
      }
    }
    java.util.HashSet<String> v = new java.util.HashSet<>();
    for (List<Attribute> resource : resources) {
      for (Attribute a : resource) {
        if (a.key().equals("service.version") && a.value() instanceof AttributeValue.StringValue sv) {
          v.add(sv.value());
        }
      }
    }
    String[] sorted = v.toArray(new String[v.size()]);
    Arrays.sort(sorted);
    return String.join(", ", sorted);
  }
}
