package io.traceroll.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.perfetto.proto.Trace;
import io.traceroll.perfetto.proto.TracePacket;
import io.traceroll.perfetto.proto.TrackEvent;
import io.traceroll.span.Span;
import io.traceroll.span.TestSpans;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimelineDeterminismTest {

  static byte[] write(RequestTrace request) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new TimelineWriter(TimelineOptions.defaults()).write(request, out);
    return out.toByteArray();
  }

  @Test
  void shouldWriteOneSliceBeginPerSpan() throws IOException {
    List<Span> spans = TestSpans.request(1000, 1);

    Trace trace = Trace.parseFrom(write(new RequestTrace("k", 0, spans, List.of())));

    long begins = trace.getPacketList().stream().filter(TracePacket::hasTrackEvent)
        .filter(p -> p.getTrackEvent().getType() == TrackEvent.Type.TYPE_SLICE_BEGIN).count();
    assertThat(begins).isEqualTo(1000);
  }

  @Test
  void shouldWriteTheSameBytesWithAWriterThatHasWrittenOtherRequests() throws IOException {
    RequestTrace a = new RequestTrace("k", 0, TestSpans.request(300, 5), List.of());
    RequestTrace b = new RequestTrace("12345", 1, TestSpans.request(200, 6), List.of());
    TimelineWriter reused = new TimelineWriter(TimelineOptions.defaults());

    ByteArrayOutputStream first = new ByteArrayOutputStream();
    reused.write(b, first);
    ByteArrayOutputStream second = new ByteArrayOutputStream();
    reused.write(a, second);

    assertThat(first.toByteArray()).isEqualTo(write(b));
    assertThat(second.toByteArray()).isEqualTo(write(a));
  }

  @Test
  void shouldWriteIdenticalBytesForAnyArrivalOrder() throws IOException {
    List<Span> spans = new ArrayList<>(TestSpans.request(500, 7));
    byte[] first = write(new RequestTrace("k", 0, spans, List.of()));

    Collections.shuffle(spans, new Random(3));
    byte[] second = write(new RequestTrace("k", 0, spans, List.of()));

    assertThat(second).isEqualTo(first);
  }
}
