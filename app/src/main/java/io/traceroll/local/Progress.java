package io.traceroll.local;

import io.traceroll.generator.TrafficDriver;
import io.traceroll.topology.metrics.TracerollMetrics;
import io.traceroll.topology.metrics.TracerollMetrics.CloseCause;
import java.time.Duration;
import java.util.Locale;

/** The periodic one-line status, read from the topology's own metrics (what Prometheus sees). */
final class Progress {
  private final TracerollMetrics metrics;
  private final TrafficDriver traffic;
  private double lastSpansIn;
  private long lastNanos = System.nanoTime();

  Progress(TracerollMetrics metrics, TrafficDriver traffic) {
    this.metrics = metrics;
    this.traffic = traffic;
  }

  String line(Duration elapsed) {
    long now = System.nanoTime();
    double in = metrics.total(TracerollMetrics.SPANS_IN);
    double rate = (in - lastSpansIn) / Math.max(1e-9, (now - lastNanos) / 1e9);
    lastSpansIn = in;
    lastNanos = now;
    StringBuilder sb = new StringBuilder(160);
    sb.append(String.format(Locale.ROOT,
        "[%4ds] requests archived %,d (parts %,d) | spans in %,d (%,.0f/s), archived %,d | "
            + "dead letters %,d | late %,d",
        elapsed.toSeconds(), (long) requestsArchived(metrics),
        (long) metrics.total(TracerollMetrics.PARTS_WRITTEN), (long) in, rate,
        (long) metrics.total(TracerollMetrics.SPANS_ARCHIVED),
        (long) metrics.total(TracerollMetrics.DEAD_LETTERS),
        (long) metrics.total(TracerollMetrics.LATE_SPANS)));
    if (metrics.archiveDegraded()) {
      sb.append(" | ARCHIVE FAILING");
    }
    if (traffic != null) {
      sb.append(String.format(Locale.ROOT, " | generated %,d requests", traffic.requests()));
      if (traffic.failure() != null) {
        sb.append(" | GENERATOR STOPPED: ").append(traffic.failure());
      }
    }
    return sb.toString();
  }

  /** Requests finished (idle or root ended); size and duration rolls are parts, not requests. */
  static double requestsArchived(TracerollMetrics metrics) {
    double n = 0;
    for (CloseCause cause : CloseCause.values()) {
      if (cause.finishesRequest()) {
        n += metrics.count(TracerollMetrics.REQUESTS_CLOSED, "cause", cause.tag());
      }
    }
    return n;
  }
}
