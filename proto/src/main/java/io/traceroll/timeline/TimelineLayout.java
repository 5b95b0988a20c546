package io.traceroll.timeline;

import io.traceroll.span.Attribute;
import io.traceroll.span.AttributeValue;
import io.traceroll.span.Span;
import io.traceroll.span.SpanEvent;
import io.traceroll.span.SpanLink;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

  /**
   * Open-addressing table from span id to 1 + the canonical index of the first span with that id
   * (0 = empty slot), see {@link #find}: one hash per span and O(1) lookups, where sorting span
   * indices by id hash and binary-searching them cost ~5% of encoding a request.
   */
  private final int[] byId;

  private TimelineLayout(RequestTrace request, boolean flows) {
    this.request = request;
    List<Span> list = request.spans();
    n = list.size();
    spans = canonicalOrder(list.toArray(new Span[0]));
    start = new long[n];
    end = new long[n];
    for (int i = 0; i < n; i++) {
      start[i] = Math.max(0, spans[i].startNanos());
      end[i] = Math.max(start[i], spans[i].endNanos());
    }

    // ---- processes: a real pid is used only when no other service of this part claims it (two
    // containers both reporting pid 1 would otherwise become one process in trace processor)
    // Services are ranked first (one map lookup per span), so everything per service below is an
    // array access by rank; a service reports one pid as a rule, so the pid map is consulted only
    // when a span's pid differs from its service's previous one.
    Ranks serviceRanks = ranks(n, i -> spans[i].serviceName());
    int[] serviceRank = serviceRanks.of();
    String[] serviceNames = serviceRanks.values();
    int services = serviceNames.length;
    Map<Integer, TreeSet<String>> servicesByRealPid = new HashMap<>();
    int[] lastPid = new int[services];
    for (int i = 0; i < n; i++) {
      int pid = spans[i].pid();
      int r = serviceRank[i];
      if (pid > 0 && pid != lastPid[r]) {
        lastPid[r] = pid;
        servicesByRealPid.computeIfAbsent(pid, k -> new TreeSet<>()).add(serviceNames[r]);
      }
    }
    int[] syntheticPid = new int[services];
    int[] uniquePid = new int[services]; // lastPid[r] when no other service claims it, else 0
    for (int r = 0; r < services; r++) {
      syntheticPid[r] = ProcessIds.syntheticPid(serviceNames[r]);
      if (lastPid[r] > 0 && servicesByRealPid.get(lastPid[r]).size() == 1) {
        uniquePid[r] = lastPid[r];
      }
    }
    int[] pidOf = new int[n];
    for (int i = 0; i < n; i++) {
      int pid = spans[i].pid();
      int r = serviceRank[i];
      pidOf[i] = pid <= 0 ? syntheticPid[r]
          : pid == uniquePid[r] || pid != lastPid[r] && servicesByRealPid.get(pid).size() == 1
              ? pid : syntheticPid[r];
    }
    // Grouping packs each span's key into a long whose numeric order is the key order; the
    // distinct keys, sorted, are the (deterministic) numbering. Primitive sorts of a long per
    // span instead of sorting indices with a comparator.
    Ranks threadRanks = ranks(n, i -> spans[i].threadName());
    int[] threadRank = threadRanks.of();
    String[] threadNames = threadRanks.values();
    long[] key = new long[n];
    for (int i = 0; i < n; i++) {
      key[i] = (long) serviceRank[i] << 32 | (pidOf[i] ^ 0x80000000L) & 0xffffffffL;
    }
    processOf = new int[n];
    int procs = number(key, processOf);
    procService = new String[procs];
    procPid = new int[procs];
    procNote = new String[procs];
    for (int i = 0; i < n; i++) {
      int p = processOf[i];
      procService[p] = spans[i].serviceName();
      procPid[p] = pidOf[i];
      int real = spans[i].pid();
      if (real > 0 && pidOf[i] != real && procNote[p] == null) {
        procNote[p] = "reported pid " + real + " is shared with "
            + String.join(", ", servicesByRealPid.get(real)) + "; shown under a synthetic pid";
      }
    }

    // ---- track groups: the process-level lanes of a process (tid 0), then each of its threads
    long[] tidOf = new long[n];
    int[] syntheticTid = new int[threadNames.length]; // per thread name, computed on first use
    for (int i = 0; i < n; i++) {
      Span s = spans[i];
      if (s.tid() != 0) {
        tidOf[i] = s.tid();
      } else if (s.threadName() != null) {
        int t = threadRank[i];
        if (syntheticTid[t] == 0) { // synthetic pids are >= 2^22, never 0
          syntheticTid[t] = ProcessIds.syntheticPid("thread:" + s.threadName());
        }
        tidOf[i] = syntheticTid[t];
      }
    }
    int[] tidRank = new int[n];
    number(tidOf, tidRank); // tids in signed order, as ranks
    for (int i = 0; i < n; i++) {
      // process, tid, thread name: each below 2^21 (spans per part are far fewer)
      key[i] = (long) processOf[i] << 42 | (long) tidRank[i] << 21 | threadRank[i];
    }
    groupOf = new int[n];
    int groupCount = number(key, groupOf);
    groupProcess = new int[groupCount];
    groupTid = new long[groupCount];
    groupThreadName = new String[groupCount];
    for (int i = 0; i < n; i++) {
      groupProcess[groupOf[i]] = processOf[i];
      groupTid[groupOf[i]] = tidOf[i];
      groupThreadName[groupOf[i]] = tidOf[i] == 0 ? null : spans[i].threadName();
    }

    // ---- parents: children attach to the first span in canonical order with their parent's id
    byId = new int[Integer.highestOneBit(Math.max(2, n) * 2 - 1) * 2];
    duplicateId = new boolean[n];
    int mask = byId.length - 1;
    for (int i = 0; i < n; i++) {
      String id = spans[i].spanId();
      for (int slot = spread(id.hashCode()) & mask; ; slot = (slot + 1) & mask) {
        int first = byId[slot] - 1;
        if (first < 0) {
          byId[slot] = i + 1;
          break;
        }
        if (spans[first].spanId().equals(id)) {
          duplicateId[first] = true; // inserted in canonical order: the first one stays
          duplicateId[i] = true;
          break;
        }
      }
    }
    parentOf = new int[n];
    missingParent = new boolean[n];
    selfParent = new boolean[n];
    for (int i = 0; i < n; i++) {
      String pid = spans[i].parentSpanId();
      int p = pid == null ? -1 : find(pid);
      parentOf[i] = p == i ? -1 : p;
      missingParent[i] = pid != null && p < 0;
      selfParent[i] = p == i;
    }

    lanes = LanePacker.pack(start, end, groupOf, parentOf, groupProcess.length);

    // ---- instants (span events), ordered by time, ties by span then event order
    int m = 0;
    for (Span s : spans) {
      m += s.events().size();
    }
    instantTime = new long[m];
    instantOwner = new int[m];
    instantEvent = new int[m];
    int k = 0;
    for (int i = 0; i < n; i++) {
      List<SpanEvent> evs = spans[i].events();
      for (int e = 0; e < evs.size(); e++) {
        instantTime[k] = Math.max(0, evs.get(e).timeNanos());
        instantOwner[k] = i;
        instantEvent[k] = e;
        k++;
      }
    }
    int[] instantOrder = new int[m];
    for (int q = 0; q < m; q++) {
      instantOrder[q] = q;
    }
    IntSorter.sort(instantOrder, (a, b) -> Long.compare(instantTime[a], instantTime[b]));
    events = EventSchedule.schedule(start, end, lanes.laneOfSpan(), lanes.laneCount(), instantTime,
        instantOwner, instantOrder);

    long ref = n > 0 ? start[0] : 0;
    if (m > 0) {
      ref = Math.min(ref, instantTime[instantOrder[0]]);
    }
    clockReference = ref;

    // ---- flows: BEGINs are written in canonical order, so the lower index is where a flow starts
    int[] edgeFrom = new int[16];
    int[] edgeTo = new int[16];
    int edges = 0;
    if (flows) {
      for (int i = 0; i < n; i++) {
        int p = parentOf[i];
        List<SpanLink> links = spans[i].links();
        if (edges + 1 + links.size() > edgeFrom.length) {
          int size = Math.max(edgeFrom.length * 2, edges + 1 + links.size());
          edgeFrom = Arrays.copyOf(edgeFrom, size);
          edgeTo = Arrays.copyOf(edgeTo, size);
        }
        if (p >= 0 && lanes.laneOfSpan()[p] != lanes.laneOfSpan()[i]) {
          edgeFrom[edges] = p;
          edgeTo[edges++] = i;
        }
        for (int l = 0; l < links.size(); l++) {
          int t = find(links.get(l).spanId());
          if (t >= 0 && t != i && spans[t].traceId().equals(links.get(l).traceId())) {
            edgeFrom[edges] = t;
            edgeTo[edges++] = i;
          }
        }
      }
    }
    flowStart = new int[n + 1];
    for (int e = 0; e < edges; e++) {
      flowStart[edgeFrom[e] + 1]++;
      flowStart[edgeTo[e] + 1]++;
    }
    for (int i = 0; i < n; i++) {
      flowStart[i + 1] += flowStart[i];
    }
    flowEdge = new int[flowStart[n]];
    flowOutgoing = new boolean[flowStart[n]];
    flowEdgeCount = edges;
    int[] fill = Arrays.copyOf(flowStart, n);
    for (int e = 0; e < edges; e++) {
      int first = Math.min(edgeFrom[e], edgeTo[e]);
      int second = Math.max(edgeFrom[e], edgeTo[e]);
      flowEdge[fill[first]] = e;
      flowOutgoing[fill[first]++] = true;
      flowEdge[fill[second]] = e;
      flowOutgoing[fill[second]++] = false;
    }
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
    for (Span s : in) {
      min = Math.min(min, s.startNanos());
      max = Math.max(max, s.startNanos());
    }
    if (count >= 1 << INDEX_BITS || max - min < 0 || max - min >= 1L << (63 - INDEX_BITS)) {
      Arrays.sort(in, CanonicalOrder.SPANS);
      return in;
    }
    long[] keys = new long[count];
    for (int i = 0; i < count; i++) {
      keys[i] = (in[i].startNanos() - min) << INDEX_BITS | i;
    }
    Arrays.sort(keys);
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

  private static final int INDEX_BITS = 21;
  private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;

  /** The first span in canonical order with this id, or -1. */
  int find(String spanId) {
    int mask = byId.length - 1;
    for (int slot = spread(spanId.hashCode()) & mask; ; slot = (slot + 1) & mask) {
      int first = byId[slot] - 1;
      if (first < 0) {
        return -1;
      }
      if (spans[first].spanId().equals(spanId)) {
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
   * so each span's key is looked up in a small open-addressing table and only the distinct keys
   * are sorted, instead of sorting a key per span and binary-searching each one.
   */
  private static int number(long[] keys, int[] out) {
    long[] table = new long[64];
    int[] idOf = new int[64]; // 1 + insertion order of the key in that slot, 0 = empty
    long[] distinct = new long[16];
    int count = 0;
    for (int i = 0; i < keys.length; i++) {
      long k = keys[i];
      int mask = table.length - 1;
      int slot = mix(k) & mask;
      while (idOf[slot] != 0 && table[slot] != k) {
        slot = (slot + 1) & mask;
      }
      if (idOf[slot] == 0) {
        if (count == distinct.length) {
          distinct = Arrays.copyOf(distinct, count * 2);
        }
        distinct[count++] = k;
        table[slot] = k;
        idOf[slot] = count;
        if (2 * count > table.length) {
          table = new long[table.length * 2];
          idOf = new int[table.length];
          for (int d = 0; d < count; d++) {
            int s = mix(distinct[d]) & (table.length - 1);
            while (idOf[s] != 0) {
              s = (s + 1) & (table.length - 1);
            }
            table[s] = distinct[d];
            idOf[s] = d + 1;
          }
          slot = -1;
        }
      }
      out[i] = slot >= 0 ? idOf[slot] - 1 : count - 1;
    }
    long[] sorted = Arrays.copyOf(distinct, count);
    Arrays.sort(sorted);
    int[] rankOfId = new int[count];
    for (int d = 0; d < count; d++) {
      rankOfId[d] = Arrays.binarySearch(sorted, distinct[d]);
    }
    for (int i = 0; i < out.length; i++) {
      out[i] = rankOfId[out[i]];
    }
    return count;
  }

  private static int mix(long k) {
    long x = k * 0x9E3779B97F4A7C15L;
    return (int) (x ^ (x >>> 32));
  }

  /**
   * Rank of each span's value among the distinct values, in natural order ({@code null} first):
   * sorting spans by rank is sorting them by value, with int compares only. The map holds one
   * entry per distinct value (services, thread names), not per span, and is looked up once per
   * span: each span keeps its value's rank holder, filled in once the distinct values are sorted.
   */
  private static Ranks ranks(int n, java.util.function.IntFunction<String> value) {
    Map<String, int[]> rank = new HashMap<>();
    int[][] holderOf = new int[n][];
    int[] nullHolder = null;
    for (int i = 0; i < n; i++) {
      String v = value.apply(i);
      if (v == null) {
        if (nullHolder == null) {
          nullHolder = new int[1];
        }
        holderOf[i] = nullHolder;
      } else {
        int[] h = rank.get(v);
        if (h == null) {
          h = new int[1];
          rank.put(v, h);
        }
        holderOf[i] = h;
      }
    }
    String[] distinct = rank.keySet().toArray(new String[0]);
    Arrays.sort(distinct);
    int base = nullHolder != null ? 1 : 0;
    String[] byRank = new String[base + distinct.length];
    for (int r = 0; r < distinct.length; r++) {
      rank.get(distinct[r])[0] = r + base;
      byRank[r + base] = distinct[r];
    }
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = holderOf[i][0];
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
    java.util.HashSet<String> v = new java.util.HashSet<>();
    for (List<Attribute> resource : resources) {
      for (Attribute a : resource) {
        if (a.key().equals("service.version") && a.value() instanceof AttributeValue.StringValue sv) {
          v.add(sv.value());
        }
      }
    }
    String[] sorted = v.toArray(new String[0]);
    Arrays.sort(sorted);
    return String.join(", ", sorted);
  }
}
