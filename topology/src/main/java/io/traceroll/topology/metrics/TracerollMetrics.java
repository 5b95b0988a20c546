package io.traceroll.topology.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The product's counts, in one place: tests, the local mode's progress line and the Prometheus
 * endpoint all read these meters rather than each keeping their own tallies.
 *
 * <p>Meters live in an internal composite registry so processors can hold their counters from the
 * moment the topology is built; {@link #bindTo} attaches an exporting registry later (Micrometer
 * adds existing meters to a registry added to a composite). A composite without children drops
 * every count, so an internal {@link SimpleMeterRegistry} is always attached: it is the source of
 * {@link #total} and {@link #count}, whatever registry is bound or not.
 */
public final class TracerollMetrics implements MeterBinder {

  public static final String SPANS_IN = "traceroll.spans.in";
  public static final String DEAD_LETTERS = "traceroll.dead.letters";
  public static final String LATE_SPANS = "traceroll.spans.late";
  public static final String REQUESTS_CLOSED = "traceroll.requests.closed";
  public static final String PARTS_WRITTEN = "traceroll.parts.written";
  public static final String SPANS_ARCHIVED = "traceroll.spans.archived";
  public static final String TRACE_KEYS = "traceroll.trace.keys";
  public static final String ARCHIVE_FAILURES = "traceroll.archive.failures";
  public static final String ARCHIVE_DEGRADED = "traceroll.archive.degraded";
  public static final String PUNCTUATIONS_CUT = "traceroll.punctuations.cut";

  /** Why a part was closed; the tag value of {@link #REQUESTS_CLOSED}. */
  public enum CloseCause {
    IDLE, ROOT_ENDED, MAX_DURATION, SIZE_ROLL;

    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the request stays open after this part (a roll) or is finished (a close). */
    public boolean finishesRequest() {
      return this == IDLE || this == ROOT_ENDED;
    }
  }

  private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
  private final SimpleMeterRegistry local = new SimpleMeterRegistry();
  private final Map<String, Counter> spansIn = new ConcurrentHashMap<>();
  private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();
  private final Map<CloseCause, Counter> closed = new ConcurrentHashMap<>();
  private final Counter late;
  private final Counter parts;
  private final Counter archivedSpans;
  private final Counter keysResolved;
  private final Counter keysFallenBack;
  private final Counter archiveFailures;
  private final Counter punctuationsCut;
  private final AtomicInteger degraded = new AtomicInteger();

  public TracerollMetrics() {
    registry.add(local);
    late = Counter.builder(LATE_SPANS)
        .description("spans that arrived after their request closed (archived as a new part)")
        .register(registry);
    parts = Counter.builder(PARTS_WRITTEN).description("trace parts archived").register(registry);
    archivedSpans = Counter.builder(SPANS_ARCHIVED).description("spans in archived parts")
        .register(registry);
    keysResolved = Counter.builder(TRACE_KEYS).tag("outcome", "resolved")
        .description("traces whose correlation key was found on one of their spans")
        .register(registry);
    keysFallenBack = Counter.builder(TRACE_KEYS).tag("outcome", "fallback")
        .description("traces archived under their trace id because no span carried the key")
        .register(registry);
    punctuationsCut = Counter.builder(PUNCTUATIONS_CUT)
        .description("punctuations that used their time budget with requests still due (a "
            + "backlog: closing and archiving lag behind)").register(registry);
    archiveFailures = Counter.builder(ARCHIVE_FAILURES)
        .description("failed archive writes (retried; the part stays in state)").register(registry);
    Gauge.builder(ARCHIVE_DEGRADED, degraded, AtomicInteger::get)
        .description("1 while the latest archive write failed").register(registry);
    for (CloseCause cause : CloseCause.values()) {
      closed.put(cause, Counter.builder(REQUESTS_CLOSED).tag("cause", cause.tag())
          .description("parts closed, by cause").register(registry));
    }
  }

  @Override
  public void bindTo(MeterRegistry target) {
    registry.add(target);
  }

  /** The counter of spans read from {@code topic}; callers keep it (no lookup per span). */
  public Counter spansIn(String topic, String format) {
    return spansIn.computeIfAbsent(topic, t -> Counter.builder(SPANS_IN)
        .tag("topic", t).tag("format", format).description("valid spans decoded, by input")
        .register(registry));
  }

  public void deadLettered(String reason, int count) {
    deadLetters.computeIfAbsent(reason, r -> Counter.builder(DEAD_LETTERS).tag("reason", r)
        .description("records or spans sent to the dead-letter topic, by reason")
        .register(registry)).increment(count);
  }

  public void lateSpans(int count) {
    late.increment(count);
  }

  public void partWritten(CloseCause cause, int spanCount) {
    closed.get(cause).increment();
    parts.increment();
    archivedSpans.increment(spanCount);
  }

  public void keyResolved() {
    keysResolved.increment();
  }

  public void keyFellBack() {
    keysFallenBack.increment();
  }

  public void punctuationCut() {
    punctuationsCut.increment();
  }

  public void archiveFailed() {
    archiveFailures.increment();
    degraded.set(1);
  }

  public void archiveSucceeded() {
    degraded.set(0);
  }

  public boolean archiveDegraded() {
    return degraded.get() != 0;
  }

  /** Sum of a counter over all its tags (0 when never registered); for progress lines and tests. */
  public double total(String name) {
    return local.find(name).counters().stream().mapToDouble(Counter::count).sum();
  }

  /** One tagged value of a counter, 0 when absent. */
  public double count(String name, String tagKey, String tagValue) {
    return local.find(name).tag(tagKey, tagValue).counters().stream()
        .mapToDouble(Counter::count).sum();
  }
}
