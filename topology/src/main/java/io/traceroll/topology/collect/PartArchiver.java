package io.traceroll.topology.collect;

import io.traceroll.archive.ArchiveLayout;
import io.traceroll.archive.ArchiveStore;
import io.traceroll.archive.TraceArchiver;
import io.traceroll.span.Mark;
import io.traceroll.span.Span;
import io.traceroll.timeline.RequestTrace;
import io.traceroll.timeline.TimelineOptions;
import io.traceroll.timeline.TimelineWriter;
import io.traceroll.timeline.TraceSummary;
import io.traceroll.topology.metrics.TracerollMetrics;
import io.traceroll.topology.metrics.TracerollMetrics.CloseCause;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one sealed part to the archive: the spans through the timeline writer, through the
 * layout's compression, straight into the store's stream (no whole-file array).
 *
 * <p>Thread-safe: parts are archived on several threads at once.
 *
 * <p>Bytes are a pure function of (trace key, part, span set, part flags): the spans are put in a
 * canonical order first, so arrival order, a replay after a crash, or a retry produce the same
 * object, and an overwrite is idempotent.
 */
public final class PartArchiver {

  private static final Logger LOG = LoggerFactory.getLogger(PartArchiver.class);

  private final TraceArchiver archiver;
  private final ArchiveLayout layout;
  /** Per archive thread: nothing is shared between parts encoded at the same time. */
  private final ThreadLocal<TimelineWriter> writer;
  private final Duration retryBudget;
  private final TracerollMetrics metrics;

  public PartArchiver(ArchiveStore store, ArchiveLayout layout, TimelineOptions options,
      Duration retryBudget, TracerollMetrics metrics) {
    this.archiver = new TraceArchiver(store, layout);
    this.layout = layout;
    this.writer = ThreadLocal.withInitial(() -> new TimelineWriter(options));
    this.retryBudget = retryBudget;
    this.metrics = metrics;
  }

  /**
   * Archives the part, retrying with backoff for at most the retry budget.
   *
   * @return what was written, or {@code null} when the store kept failing: the caller keeps the
   *     part in state and tries again later
   */
  public ArchivedPart archive(String traceKey, RequestState part, CloseCause cause,
      List<Span> spans) {
    spans.sort(CanonicalSpanOrder.INSTANCE);
    RequestTrace trace = new RequestTrace(traceKey, part.part(), spans, notes(part, cause));
    String objectKey = layout.partKey(traceKey, part.part());
    TraceSummary[] summary = new TraceSummary[1];
    long deadline = System.nanoTime() + retryBudget.toNanos();
    long backoffMs = 50;
    for (int attempt = 1; ; attempt++) {
      try {
        // through TraceArchiver: it writes the key sidecar first for keys too long for a path
        long stored = archiver.writePart(traceKey, part.part(),
            out -> summary[0] = writer.get().write(trace, out)).bytes();
        metrics.archiveSucceeded();
        TraceSummary s = summary[0];
        return new ArchivedPart(traceKey, part.part(), objectKey, s.startNanos(), s.endNanos(),
            s.spanCount(), s.services(), s.rootSpanName(), s.errorCount(), stored, part.late(),
            s.traceIds(), cause);
      } catch (IOException | RuntimeException e) {
        metrics.archiveFailed();
        long left = deadline - System.nanoTime();
        LOG.warn("archive put of {} failed (attempt {}), {}: {}", objectKey, attempt,
            left > 0 ? "retrying" : "keeping the part in state for the next punctuation",
            e.toString());
        if (left <= 0) {
          return null;
        }
        sleep(Math.min(backoffMs, left / 1_000_000 + 1));
        backoffMs = Math.min(backoffMs * 2, 2_000);
      }
    }
  }

  /** Request-level notes shown in the trace; derived from part flags only, so deterministic. */
  static List<Mark> notes(RequestState part, CloseCause cause) {
    List<Mark> notes = new ArrayList<>(3);
    if (part.late()) {
      notes.add(new Mark("late_part", "spans that arrived after the request closed; part "
          + (part.part() - 1) + " and earlier are unchanged"));
    } else if (part.part() > 0) {
      notes.add(new Mark("continued_part", "continues part " + (part.part() - 1)));
    }
    if (!cause.finishesRequest()) {
      notes.add(new Mark("part_rolled", cause.tag()
          + ": the request continues in part " + (part.part() + 1)));
    }
    return notes;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
