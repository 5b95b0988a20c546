/**
 * Span to timeline mapping: one request part's spans become one Perfetto trace.
 *
 * <p>Entry point {@link io.traceroll.timeline.TimelineWriter}. The work is split so each decision
 * is testable without bytes: {@link io.traceroll.timeline.CanonicalOrder} (arrival-order
 * independence), {@code TimelineLayout} (processes, thread groups, parents, instants, flows as
 * primitive arrays), {@code LanePacker} (strictly nested lanes), {@code EventSchedule} (one
 * time-ordered BEGIN/END/INSTANT stream honouring LIFO per lane), {@link
 * io.traceroll.timeline.StackTraces} (Java/Python/Go stack traces to frames) and {@link
 * io.traceroll.timeline.ProcessIds} (synthetic pids). The emitter then walks the stream once,
 * calling the streaming {@code io.traceroll.perfetto.PerfettoWriter}.
 */
package io.traceroll.timeline;
