package io.traceroll.perfetto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.traceroll.perfetto.check.CheckedTrace;
import io.traceroll.perfetto.check.TraceChecker;
import io.traceroll.perfetto.proto.BuiltinClock;
import io.traceroll.perfetto.proto.ClockSnapshot;
import io.traceroll.perfetto.proto.EventName;
import io.traceroll.perfetto.proto.InternedData;
import io.traceroll.perfetto.proto.Trace;
import io.traceroll.perfetto.proto.TracePacket;
import io.traceroll.perfetto.proto.TracePacketDefaults;
import io.traceroll.perfetto.proto.TrackDescriptor;
import io.traceroll.perfetto.proto.TrackEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class DeltaTimestampsTest {

  private static final long T0 = 1_764_000_000_000_000_000L;

  private static byte[] request(TimestampEncoding encoding, long t0) throws IOException {
    // Each part's writer starts afresh; a later part may start before an earlier one ended.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PerfettoWriter w = new PerfettoWriter(out, 5, encoding)) {
      w.describe(Track.process(1, 10, "api"), t0);
      w.describe(Track.thread(2, 10, 11, "main"), t0);
      w.describe(Track.counter(3, "queue", Counter.plain()).withParent(1));
      w.beginSlice(2, t0 + 1_000, "GET /a", EventArgs.builder().flow(9).build());
      w.counter(3, t0 + 1_000, 4L);
      w.beginSlice(2, t0 + 1_500, "db");
      w.instant(2, t0 + 1_700, "retry");
      w.endSlice(2, t0 + 2_000);
      w.endSlice(2, t0 + 123_456_789);
      w.instant(2, t0 + 123_456_789, "done", EventArgs.builder().terminateFlow(9).build());
      w.counter(3, t0 + 200_000_000, 0.5);
    }
    return out.toByteArray();
  }

  @Test
  void shouldDescribeTheSameTimelineAsAbsoluteTimestamps() throws IOException {
    CheckedTrace absolute = TraceChecker.check(request(TimestampEncoding.ABSOLUTE, T0));
    CheckedTrace delta = TraceChecker.check(request(TimestampEncoding.DELTA, T0));

    assertThat(delta.slices()).isEqualTo(absolute.slices());
    assertThat(delta.counters()).isEqualTo(absolute.counters());
    assertThat(delta.flows()).isEqualTo(absolute.flows());
    assertThat(delta.sliceNamed("GET /a").dur()).isEqualTo(123_455_789L);
  }

  @Test
  void shouldBeSmallerThanAbsoluteTimestamps() throws IOException {
    assertThat(request(TimestampEncoding.DELTA, T0).length + 30)
        .isLessThan(request(TimestampEncoding.ABSOLUTE, T0).length);
  }

  @Test
  void shouldStayValidWhenTwoPartsAreConcatenated() throws IOException {
    byte[] first = request(TimestampEncoding.DELTA, T0 + 1_000_000_000L);
    byte[] second = request(TimestampEncoding.DELTA, T0);
    byte[] both = new byte[first.length + second.length];
    System.arraycopy(first, 0, both, 0, first.length);
    System.arraycopy(second, 0, both, first.length, second.length);

    CheckedTrace trace = TraceChecker.check(both);

    assertThat(trace.slicesNamed("GET /a")).extracting(s -> s.ts())
        .containsExactly(T0 + 1_000, T0 + 1_000_001_000L);
    assertThat(trace.counters()).hasSize(4);
  }

  @Test
  void shouldRejectADecreasingTimestamp() throws IOException {
    PerfettoWriter w = new PerfettoWriter(new ByteArrayOutputStream(), 5,
        TimestampEncoding.DELTA);
    w.describe(Track.named(1, "lane"));
    w.instant(1, T0 + 10, "a");

    assertThatThrownBy(() -> w.instant(1, T0 + 9, "b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not decrease");
    PerfettoWriter fresh = new PerfettoWriter(new ByteArrayOutputStream(), 5,
        TimestampEncoding.DELTA);
    fresh.describe(Track.named(1, "lane"));
    assertThatThrownBy(() -> fresh.instant(1, -1, "before 1970"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-negative");
  }

  @Test
  void shouldWriteTheIncrementalClockExactlyAsTheGeneratedClasses() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PerfettoWriter w = new PerfettoWriter(out, 5, TimestampEncoding.DELTA);
    w.describe(Track.named(1, "lane"));
    w.instant(1, T0, "a");
    w.instant(1, T0 + 300, "a");
    w.flush();

    Trace expected = Trace.newBuilder()
        .addPacket(TracePacket.newBuilder()
            .setClockSnapshot(ClockSnapshot.newBuilder()
                .addClocks(ClockSnapshot.Clock.newBuilder()
                    .setClockId(BuiltinClock.BUILTIN_CLOCK_BOOTTIME_VALUE).setTimestamp(0))
                .addClocks(ClockSnapshot.Clock.newBuilder()
                    .setClockId(BuiltinClock.BUILTIN_CLOCK_REALTIME_VALUE).setTimestamp(0))
                .addClocks(ClockSnapshot.Clock.newBuilder()
                    .setClockId(64).setTimestamp(0).setIsIncremental(true))
                .setPrimaryTraceClock(BuiltinClock.BUILTIN_CLOCK_REALTIME))
            .setTrustedPacketSequenceId(5)
            .setSequenceFlags(TracePacket.SequenceFlags.SEQ_INCREMENTAL_STATE_CLEARED_VALUE)
            .setFirstPacketOnSequence(true))
        .addPacket(TracePacket.newBuilder().setTrustedPacketSequenceId(5)
            .setTracePacketDefaults(TracePacketDefaults.newBuilder().setTimestampClockId(64)))
        .addPacket(TracePacket.newBuilder().setTrustedPacketSequenceId(5)
            .setTrackDescriptor(TrackDescriptor.newBuilder().setUuid(1).setName("lane")))
        .addPacket(TracePacket.newBuilder().setTimestamp(T0).setTrustedPacketSequenceId(5)
            .setTrackEvent(TrackEvent.newBuilder().setType(TrackEvent.Type.TYPE_INSTANT)
                .setNameIid(1).setTrackUuid(1))
            .setInternedData(InternedData.newBuilder()
                .addEventNames(EventName.newBuilder().setIid(1).setName("a")))
            .setSequenceFlags(TracePacket.SequenceFlags.SEQ_NEEDS_INCREMENTAL_STATE_VALUE))
        .addPacket(TracePacket.newBuilder().setTimestamp(300).setTrustedPacketSequenceId(5)
            .setTrackEvent(TrackEvent.newBuilder().setType(TrackEvent.Type.TYPE_INSTANT)
                .setNameIid(1).setTrackUuid(1))
            .setSequenceFlags(TracePacket.SequenceFlags.SEQ_NEEDS_INCREMENTAL_STATE_VALUE))
        .build();
    assertThat(out.toByteArray()).isEqualTo(WireOrder.trace(expected.getPacketList()));
  }
}
