package io.traceroll.span;

import java.util.List;
import java.util.Objects;

/**
 * One span as every decoder produces it and every later stage consumes it.
 *
 * <p>Ids are normalised lower-case hex (trace id 32 or 16 chars, span id 16 chars) so that what an
 * SRE copies from a log matches {@code debug.span_id} in trace processor exactly. Times are epoch
 * nanoseconds. Optional fields are {@code null} (strings) or {@code 0} (pid/tid): a span never
 * carries a sentinel that could be mistaken for data.
 *
 * @param traceKey the request this span is grouped by: the candidate key the decoder found (trace id,
 *     attribute or header value), or {@code null} when this span does not carry it; the topology
 *     resolves spans without one
 * @param marks anomalies found while decoding (kept, shown in the trace, never dropped)
 */
public record Span(
    String traceId,
    String spanId,
    String parentSpanId,
    String traceKey,
    String serviceName,
    String serviceInstance,
    int pid,
    long tid,
    String threadName,
    String name,
    SpanKind kind,
    long startNanos,
    long endNanos,
    StatusCode statusCode,
    String statusMessage,
    List<Attribute> attributes,
    List<SpanEvent> events,
    List<SpanLink> links,
    List<Attribute> resourceAttributes,
    List<Mark> marks) {

  public Span {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(spanId, "spanId");
    Objects.requireNonNull(serviceName, "serviceName");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(statusCode, "statusCode");
    attributes = List.copyOf(attributes);
    events = List.copyOf(events);
    links = List.copyOf(links);
    resourceAttributes = List.copyOf(resourceAttributes);
    marks = List.copyOf(marks);
  }

  public boolean isRoot() {
    return parentSpanId == null;
  }

  public long durationNanos() {
    return Math.max(0, endNanos - startNanos);
  }

  /** Same span with another trace key: the topology's resolution of correlation keys. */
  public Span withTraceKey(String key) {
    return new Span(traceId, spanId, parentSpanId, key, serviceName, serviceInstance, pid, tid,
        threadName, name, kind, startNanos, endNanos, statusCode, statusMessage, attributes, events,
        links, resourceAttributes, marks);
  }

  /** Same span with one more mark. */
  public Span withMark(Mark mark) {
    List<Mark> more = new java.util.ArrayList<>(marks.size() + 1);
    more.addAll(marks);
    more.add(mark);
    return new Span(traceId, spanId, parentSpanId, traceKey, serviceName, serviceInstance, pid, tid,
        threadName, name, kind, startNanos, endNanos, statusCode, statusMessage, attributes, events,
        links, resourceAttributes, more);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Mutable builder for decoders and tests; {@link #build()} makes the immutable record. */
  public static final class Builder {
    private String traceId;
    private String spanId;
    private String parentSpanId;
    private String traceKey;
    private String serviceName = "unknown_service";
    private String serviceInstance;
    private int pid;
    private long tid;
    private String threadName;
    private String name = "";
    private SpanKind kind = SpanKind.UNSPECIFIED;
    private long startNanos;
    private long endNanos;
    private StatusCode statusCode = StatusCode.UNSET;
    private String statusMessage;
    private List<Attribute> attributes = List.of();
    private List<SpanEvent> events = List.of();
    private List<SpanLink> links = List.of();
    private List<Attribute> resourceAttributes = List.of();
    private List<Mark> marks = List.of();

    public Builder traceId(String v) { traceId = v; return this; }
    public Builder spanId(String v) { spanId = v; return this; }
    public Builder parentSpanId(String v) { parentSpanId = v; return this; }
    public Builder traceKey(String v) { traceKey = v; return this; }
    public Builder serviceName(String v) { serviceName = v; return this; }
    public Builder serviceInstance(String v) { serviceInstance = v; return this; }
    public Builder pid(int v) { pid = v; return this; }
    public Builder tid(long v) { tid = v; return this; }
    public Builder threadName(String v) { threadName = v; return this; }
    public Builder name(String v) { name = v; return this; }
    public Builder kind(SpanKind v) { kind = v; return this; }
    public Builder startNanos(long v) { startNanos = v; return this; }
    public Builder endNanos(long v) { endNanos = v; return this; }
    public Builder statusCode(StatusCode v) { statusCode = v; return this; }
    public Builder statusMessage(String v) { statusMessage = v; return this; }
    public Builder attributes(List<Attribute> v) { attributes = v; return this; }
    public Builder events(List<SpanEvent> v) { events = v; return this; }
    public Builder links(List<SpanLink> v) { links = v; return this; }
    public Builder resourceAttributes(List<Attribute> v) { resourceAttributes = v; return this; }
    public Builder marks(List<Mark> v) { marks = v; return this; }

    public Span build() {
      return new Span(traceId, spanId, parentSpanId, traceKey, serviceName, serviceInstance, pid, tid,
          threadName, name, kind, startNanos, endNanos, statusCode, statusMessage, attributes, events,
          links, resourceAttributes, marks);
    }
  }
}
