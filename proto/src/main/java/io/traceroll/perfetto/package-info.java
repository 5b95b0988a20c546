/**
 * Writing Perfetto traces ({@code .pftrace}): {@link io.traceroll.perfetto.PerfettoWriter} streams
 * {@code TracePacket}s with hand-written protobuf wire code; the value types ({@link
 * io.traceroll.perfetto.Track}, {@link io.traceroll.perfetto.EventArgs}, {@link
 * io.traceroll.perfetto.Annotation}, {@link io.traceroll.perfetto.Callstack}, ...) say what to
 * write without any protobuf object.
 *
 * <p>Decisions worth knowing:
 *
 * <ul>
 *   <li><b>Clock.</b> Timestamps are epoch ns. The first packet is a ClockSnapshot with {@code
 *       primary_trace_clock = BUILTIN_CLOCK_REALTIME} and REALTIME = BOOTTIME at one instant, so
 *       trace processor takes our timestamps as wall-clock time whichever clock it assumes for
 *       packets without {@code timestamp_clock_id}, and the UI can show UTC. Every part of a
 *       request writes the same identity mapping, so snapshots never conflict.
 *   <li><b>One sequence per trace</b>, its first packet clearing incremental state: two files
 *       concatenated byte for byte are one valid trace (the second part re-interns from scratch
 *       and repeats identical track descriptors).
 *   <li><b>Interning</b> of event names, categories, annotation names, chosen string values,
 *       correlation strings and callstacks, defined in the packet of first use.
 *   <li><b>Timestamps</b> absolute by default, or {@link
 *       io.traceroll.perfetto.TimestampEncoding#DELTA} on a sequence-scoped incremental clock.
 *   <li><b>Strings</b> with unpaired UTF-16 surrogates get U+FFFD instead (protobuf would write
 *       '?' and log a stack trace per string).
 * </ul>
 *
 * <p>Field numbers: {@code Fields}, mirroring {@code src/main/proto/perfetto/trace.proto}, which
 * cites the official google/perfetto sources; the interop tests compare every packet kind
 * byte for byte with the classes generated from it.
 */
package io.traceroll.perfetto;
