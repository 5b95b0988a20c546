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

  /** Flow endpoints per span: [flowStart[i], flowStart[i+1]) into flowId/flowOutgoing. */
  final int[] flowStart;
  final long[] flowId;
  final boolean[] flowOutgoing;

  final long clockReference;

  /** Span indices sorted by span id hash code, then canonical order; see {@link #find}. */
  private final int[] byId;
  private final int[] idHash;

  private TimelineLayout(RequestTrace request, boolean flows) {
    this.request = request;
    List<Span> list = request.spans();
    n = list.size();
    spans = list.toArray(new Span[0]);
    Arrays.sort(spans, CanonicalOrder.SPANS);
    start = new long[n];
    end = new long[n];
    for (int i = 0; i < n; i++) {
      start[i] = Math.max(0, spans[i].startNanos());
      end[i] = Math.max(start[i], spans[i].endNanos());
    }

    // ---- processes: a real pid is used only when no other service of this part claims it (two
    // containers both reporting pid 1 would otherwise become one process in trace processor)
    Map<Integer, TreeSet<String>> servicesByRealPid = new HashMap<>();
    for (Span s : spans) {
      if (s.pid() > 0) {
        servicesByRealPid.computeIfAbsent(s.pid(), k -> new TreeSet<>()).add(s.serviceName());
      }
    }
    Map<String, Integer> syntheticPids = new HashMap<>();
    int[] pidOf = new int[n];
    for (int i = 0; i < n; i++) {
      Span s = spans[i];
      pidOf[i] = s.pid() > 0 && servicesByRealPid.get(s.pid()).size() == 1 ? s.pid()
          : syntheticPids.computeIfAbsent(s.serviceName(), ProcessIds::syntheticPid);
    }
    // Grouping works on sorted index arrays rather than maps of per-span keys: an int per span,
    // and the sort order is the (deterministic) numbering.
    int[] serviceRank = ranks(n, i -> spans[i].serviceName());
    int[] threadRank = ranks(n, i -> spans[i].threadName());
    int[] order = identity(n);
    IntSorter.sort(order, (a, b) -> serviceRank[a] != serviceRank[b]
        ? Integer.compare(serviceRank[a], serviceRank[b]) : Integer.compare(pidOf[a], pidOf[b]));
    processOf = new int[n];
    int procs = 0;
    for (int k = 0; k < n; k++) {
      int i = order[k];
      int prev = k == 0 ? -1 : order[k - 1];
      if (k == 0 || pidOf[i] != pidOf[prev] || serviceRank[i] != serviceRank[prev]) {
        procs++;
      }
      processOf[i] = procs - 1;
    }
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
    for (int i = 0; i < n; i++) {
      Span s = spans[i];
      tidOf[i] = s.tid() != 0 ? s.tid()
          : s.threadName() != null ? ProcessIds.syntheticPid("thread:" + s.threadName()) : 0;
    }
    IntSorter.sort(order, (a, b) -> {
      int c = Integer.compare(processOf[a], processOf[b]);
      if (c == 0) {
        c = Long.compare(tidOf[a], tidOf[b]);
      }
      return c != 0 ? c : Integer.compare(threadRank[a], threadRank[b]);
    });
    groupOf = new int[n];
    int groupCount = 0;
    for (int k = 0; k < n; k++) {
      int i = order[k];
      int prev = k == 0 ? -1 : order[k - 1];
      if (k == 0 || processOf[i] != processOf[prev] || tidOf[i] != tidOf[prev]
          || threadRank[i] != threadRank[prev]) {
        groupCount++;
      }
      groupOf[i] = groupCount - 1;
    }
    groupProcess = new int[groupCount];
    groupTid = new long[groupCount];
    groupThreadName = new String[groupCount];
    for (int i = 0; i < n; i++) {
      groupProcess[groupOf[i]] = processOf[i];
      groupTid[groupOf[i]] = tidOf[i];
      groupThreadName[groupOf[i]] = tidOf[i] == 0 ? null : spans[i].threadName();
    }

    // ---- parents: children attach to the first span in canonical order with their parent's id
    // (by hash code, then canonical index: int compares only; equal ids share a hash run)
    idHash = new int[n];
    for (int i = 0; i < n; i++) {
      idHash[i] = spans[i].spanId().hashCode();
    }
    byId = identity(n);
    IntSorter.sort(byId, (a, b) -> idHash[a] != idHash[b] ? Integer.compare(idHash[a], idHash[b])
        : Integer.compare(a, b));
    duplicateId = new boolean[n];
    for (int k = 0; k < n; k++) {
      for (int j = k + 1; j < n && idHash[byId[j]] == idHash[byId[k]]; j++) {
        if (spans[byId[j]].spanId().equals(spans[byId[k]].spanId())) {
          duplicateId[byId[j]] = true;
          duplicateId[byId[k]] = true;
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
    flowId = new long[flowStart[n]];
    flowOutgoing = new boolean[flowStart[n]];
    int[] fill = Arrays.copyOf(flowStart, n);
    for (int e = 0; e < edges; e++) {
      int first = Math.min(edgeFrom[e], edgeTo[e]);
      int second = Math.max(edgeFrom[e], edgeTo[e]);
      long id = flowId(e);
      flowId[fill[first]] = id;
      flowOutgoing[fill[first]++] = true;
      flowId[fill[second]] = id;
      flowOutgoing[fill[second]++] = false;
    }
  }

  /** The first span in canonical order with this id, or -1. */
  int find(String spanId) {
    int h = spanId.hashCode();
    int lo = 0;
    int hi = n;
    while (lo < hi) { // lower bound of the hash run
      int mid = (lo + hi) >>> 1;
      if (idHash[byId[mid]] < h) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    for (int k = lo; k < n && idHash[byId[k]] == h; k++) {
      if (spans[byId[k]].spanId().equals(spanId)) {
        return byId[k]; // runs are in canonical order: the first match is the first span
      }
    }
    return -1;
  }

  private static int[] identity(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }

  /**
   * Rank of each span's value among the distinct values, in natural order ({@code null} first):
   * sorting spans by rank is sorting them by value, with int compares only. The map holds one
   * entry per distinct value (services, thread names), not per span.
   */
  private static int[] ranks(int n, java.util.function.IntFunction<String> value) {
    Map<String, Integer> rank = new HashMap<>();
    boolean hasNull = false;
    for (int i = 0; i < n; i++) {
      String v = value.apply(i);
      if (v == null) {
        hasNull = true;
      } else {
        rank.putIfAbsent(v, 0);
      }
    }
    String[] distinct = rank.keySet().toArray(new String[0]);
    Arrays.sort(distinct);
    int base = hasNull ? 1 : 0;
    for (int r = 0; r < distinct.length; r++) {
      rank.put(distinct[r], r + base);
    }
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      String v = value.apply(i);
      out[i] = v == null ? 0 : rank.get(v);
    }
    return out;
  }

  static TimelineLayout of(RequestTrace request, boolean flows) {
    return new TimelineLayout(request, flows);
  }

  /**
   * Flow ids are global in trace processor and parts of a request are concatenated, so the part
   * is in the high bits; the edge's rank in canonical order in the low bits keeps ids small (a
   * 2-3 byte varint instead of 9 random bytes on every flow end: ~9 gzip'd bytes per span).
   */
  private long flowId(int edge) {
    return ((long) request.part() << 32) | (edge + 1L);
  }

  int processCount() {
    return procService.length;
  }

  boolean isThreadGroup(int g) {
    return groupTid[g] != 0;
  }

  /** Service version(s) from the {@code service.version} resource attribute, sorted. */
  static String versions(List<Span> spansOfProcess) {
    java.util.HashSet<String> v = new java.util.HashSet<>();
    for (Span s : spansOfProcess) {
      for (Attribute a : s.resourceAttributes()) {
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
