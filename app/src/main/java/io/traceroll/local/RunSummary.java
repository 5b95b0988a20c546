package io.traceroll.local;

import io.traceroll.generator.Publisher;
import io.traceroll.generator.TrafficDriver;
import io.traceroll.topology.metrics.TracerollMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What a run did, from both ends: what the generator published and what the topology read,
 * archived and dead-lettered. When drained, {@code spansIn == spansArchived}: every valid span read
 * is in an archive, and every invalid span or unreadable record is in the dead-letter topic.
 *
 * @param spansPublished spans acknowledged by the broker (valid ones; poison pills not included)
 * @param deadLetters dead-lettered records and spans, as the topology counted them
 * @param archivedObjects {@code part-*} objects found in the store at the end (-1 if unknown)
 */
public record RunSummary(
    Duration elapsed,
    long requestsGenerated,
    long spansPublished,
    long publishFailures,
    long poisonRecordsSent,
    long invalidSpansSent,
    long lateSpansUnsent,
    long spansIn,
    long spansArchived,
    long requestsArchived,
    long partsWritten,
    long deadLetters,
    long lateSpans,
    long archivedObjects,
    String archive,
    boolean drained) {

  static RunSummary of(Duration elapsed, TracerollMetrics m, TrafficDriver traffic,
      List<Publisher> publishers, long objects, String archive, boolean drained) {
    return new RunSummary(elapsed,
        traffic == null ? 0 : traffic.requests(),
        publishers.stream().mapToLong(Publisher::spansSent).sum(),
        publishers.stream().mapToLong(Publisher::failedRecords).sum(),
        traffic == null ? 0 : traffic.poisonRecords(),
        traffic == null ? 0 : traffic.invalidSpans(),
        traffic == null ? 0 : traffic.lateSpansUnsent(),
        (long) m.total(TracerollMetrics.SPANS_IN),
        (long) m.total(TracerollMetrics.SPANS_ARCHIVED),
        (long) Progress.requestsArchived(m),
        (long) m.total(TracerollMetrics.PARTS_WRITTEN),
        (long) m.total(TracerollMetrics.DEAD_LETTERS),
        (long) m.total(TracerollMetrics.LATE_SPANS),
        objects, archive, drained);
  }

  /** Valid spans read but not (yet) archived: open requests when the run stopped. */
  public long spansOpen() {
    return spansIn - spansArchived;
  }

  public String render() {
    return String.format(Locale.ROOT, """
        traceroll summary after %ds%s
          generator   %,d requests, %,d spans published (%,d send failures), %,d poison records, \
        %,d invalid spans, %,d late spans never sent
          topology    %,d spans in, %,d archived, %,d still open, %,d dead letters, %,d late
          archive     %,d requests archived in %,d parts; %,d part objects in %s""",
        elapsed.toSeconds(), drained ? " (drained)" : "",
        requestsGenerated, spansPublished, publishFailures, poisonRecordsSent, invalidSpansSent,
        lateSpansUnsent, spansIn, spansArchived, spansOpen(), deadLetters, lateSpans,
        requestsArchived, partsWritten, archivedObjects, archive);
  }
}
