package io.traceroll.perfetto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class TrackHandleTest {

  private static final long T0 = 1_700_000_000_000_000_000L;

  /** The same events once by uuid and once by handle. */
  private static byte[] trace(boolean byHandle) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PerfettoWriter w = new PerfettoWriter(out, 7, TimestampEncoding.DELTA);
    w.describe(Track.named(1, "lane"));
    w.describe(Track.counter(2, "in flight", Counter.plain()));
    PerfettoWriter.TrackHandle lane = w.trackHandle(1);
    PerfettoWriter.TrackHandle counter = w.trackHandle(2);
    PerfettoWriter.Event e = byHandle ? w.beginSliceEvent(lane, T0, "work")
        : w.beginSliceEvent(1, T0, "work");
    (byHandle ? e.counterValue(counter, 1) : e.counterValue(2, 1)).annotate("k", "v").write();
    (byHandle ? w.instantEvent(lane, T0 + 5, "mark") : w.instantEvent(1, T0 + 5, "mark"))
        .write();
    e = byHandle ? w.endSliceEvent(lane, T0 + 10) : w.endSliceEvent(1, T0 + 10);
    (byHandle ? e.counterValue(counter, -1) : e.counterValue(2, -1)).write();
    w.close();
    return out.toByteArray();
  }

  @Test
  void shouldWriteTheSameBytesByHandleAsByUuid() throws IOException {
    assertThat(trace(true)).isEqualTo(trace(false));
  }

  /** Slices ended by the one-call END and by the general event, with and without counters. */
  private static byte[] ends(boolean oneCall, TimestampEncoding timestamps) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PerfettoWriter w = new PerfettoWriter(out, 300, timestamps); // a 2-byte sequence id
    w.describe(Track.named(1, "lane"));
    w.describe(Track.named(1L << 40, "far lane")); // a 6-byte uuid
    w.describe(Track.counter(2, "in flight", Counter.plain()));
    PerfettoWriter.TrackHandle counter = w.trackHandle(2);
    long[] values = {0, 1, -1, 1L << 50, Long.MIN_VALUE};
    for (int i = 0; i < 40; i++) {
      PerfettoWriter.TrackHandle lane = w.trackHandle(i % 3 == 0 ? 1L << 40 : 1);
      long t = T0 + 10_000_000L * i;
      w.beginSliceEvent(lane, t, "s" + (i % 4)).write();
      boolean withCounter = i % 2 == 0;
      long value = values[i % values.length];
      if (oneCall) {
        w.endSlice(lane, t + 1 + i * 100_000L, withCounter ? counter : null, value);
      } else {
        PerfettoWriter.Event e = w.endSliceEvent(lane, t + 1 + i * 100_000L);
        if (withCounter) {
          e.counterValue(counter, value);
        }
        e.write();
      }
    }
    w.close();
    return out.toByteArray();
  }

  @Test
  void shouldEndSlicesInOneCallWithTheBytesOfTheGeneralEvent() throws IOException {
    for (TimestampEncoding timestamps : TimestampEncoding.values()) {
      assertThat(ends(true, timestamps)).isEqualTo(ends(false, timestamps));
    }
  }

  @Test
  void shouldRejectOneCallEndsWithoutAnOpenSliceOrOnANonCounterTrack() throws IOException {
    PerfettoWriter w = new PerfettoWriter(new ByteArrayOutputStream(), 1);
    w.describe(Track.named(1, "lane"));
    PerfettoWriter.TrackHandle lane = w.trackHandle(1);
    assertThatThrownBy(() -> w.endSlice(lane, T0, null, 0))
        .isInstanceOf(IllegalStateException.class);
    w.beginSliceEvent(lane, T0, "a").write();
    assertThatThrownBy(() -> w.endSlice(lane, T0 + 1, lane, 1))
        .isInstanceOf(IllegalArgumentException.class);
    w.endSlice(lane, T0 + 1, null, 0);
    assertThat(w.openSliceDepth(1)).isZero();
  }

  @Test
  void shouldTrackOpenSlicesThroughHandles() throws IOException {
    PerfettoWriter w = new PerfettoWriter(new ByteArrayOutputStream(), 1);
    w.describe(Track.named(1, "lane"));
    PerfettoWriter.TrackHandle lane = w.trackHandle(1);
    assertThat(lane.uuid()).isEqualTo(1);
    w.beginSliceEvent(lane, T0, "a").write();
    assertThat(w.openSliceDepth(1)).isEqualTo(1);
    w.endSliceEvent(lane, T0 + 1).write();
    assertThat(w.openSliceDepth(1)).isZero();
    assertThatThrownBy(() -> w.endSliceEvent(lane, T0 + 2))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldRejectHandlesOfUndescribedCounterOrStaleTracks() throws IOException {
    PerfettoWriter w = new PerfettoWriter(new ByteArrayOutputStream(), 1);
    w.describe(Track.named(1, "lane"));
    w.describe(Track.counter(2, "count", Counter.plain()));
    PerfettoWriter.TrackHandle lane = w.trackHandle(1);
    PerfettoWriter.TrackHandle counter = w.trackHandle(2);
    assertThatThrownBy(() -> w.trackHandle(3)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> w.beginSliceEvent(counter, T0, "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> w.instantEvent(lane, T0, "x").counterValue(lane, 1))
        .isInstanceOf(IllegalArgumentException.class);

    PerfettoWriter other = new PerfettoWriter(new ByteArrayOutputStream(), 1);
    other.describe(Track.named(1, "lane"));
    assertThatThrownBy(() -> other.beginSliceEvent(lane, T0, "x"))
        .isInstanceOf(IllegalArgumentException.class);

    w.reset(new ByteArrayOutputStream(), 1);
    w.describe(Track.named(1, "lane"));
    assertThatThrownBy(() -> w.beginSliceEvent(lane, T0, "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
