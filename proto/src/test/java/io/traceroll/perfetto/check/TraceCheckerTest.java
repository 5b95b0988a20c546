package io.traceroll.perfetto.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.traceroll.perfetto.Annotation;
import io.traceroll.perfetto.AnnotationValue;
import io.traceroll.perfetto.Callstack;
import io.traceroll.perfetto.ChildOrdering;
import io.traceroll.perfetto.Correlation;
import io.traceroll.perfetto.Counter;
import io.traceroll.perfetto.CounterUnit;
import io.traceroll.perfetto.EventArgs;
import io.traceroll.perfetto.Frame;
import io.traceroll.perfetto.PerfettoWriter;
import io.traceroll.perfetto.Track;
import io.traceroll.perfetto.proto.CounterDescriptor;
import io.traceroll.perfetto.proto.EventName;
import io.traceroll.perfetto.proto.InternedData;
import io.traceroll.perfetto.proto.Trace;
import io.traceroll.perfetto.proto.TracePacket;
import io.traceroll.perfetto.proto.TrackDescriptor;
import io.traceroll.perfetto.proto.TrackEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class TraceCheckerTest {

  private static final int SEQ = 3;
  private static final int CLEARED = TracePacket.SequenceFlags.SEQ_INCREMENTAL_STATE_CLEARED_VALUE;
  private static final int NEEDS = TracePacket.SequenceFlags.SEQ_NEEDS_INCREMENTAL_STATE_VALUE;

  // ---------------------------------------------------------------- good traces

  private static byte[] richTrace(int sequence, long t0) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PerfettoWriter w = new PerfettoWriter(out, sequence)) {
      w.describe(Track.process(1, 100, "checkout"), t0);
      w.describe(Track.thread(2, 100, 7, "worker"), t0);
      w.describe(Track.named(3, "requests").withParent(1)
          .withChildOrdering(ChildOrdering.EXPLICIT).withDescription("lanes"));
      w.describe(Track.counter(4, "in flight", Counter.of(CounterUnit.COUNT)).withParent(1));
      w.beginSlice(2, t0 + 10, "GET /cart", EventArgs.builder().category("server")
          .annotate(Annotation.dict("attributes", List.of(
              Annotation.interned("http.method", "GET"),
              Annotation.array("tags", List.of(AnnotationValue.of("a"), AnnotationValue.of(2L))))))
          .flow(77).correlation(Correlation.interned("trace-abc")).build());
      w.beginSlice(2, t0 + 20, "db.query", EventArgs.builder().category("client")
          .annotate(Annotation.of("rows", 3L)).build());
      w.instant(2, t0 + 25, "retry", EventArgs.builder()
          .callstack(Callstack.of(Frame.of("main"), Frame.of("query"))).build());
      w.endSlice(2, t0 + 30, EventArgs.builder().annotate(Annotation.of("ok", true)).build());
      w.endSlice(2, t0 + 40);
      w.beginSlice(3, t0 + 50, "async", EventArgs.builder().terminateFlow(77).build());
      w.endSlice(3, t0 + 60);
      w.counter(4, t0 + 10, 1L);
      w.counter(4, t0 + 60, 0.5);
    }
    return out.toByteArray();
  }

  @Test
  void shouldModelTracksSlicesInstantsCountersAndFlowsOfAValidTrace() throws IOException {
    long t0 = 1_000_000;
    CheckedTrace trace = TraceChecker.check(richTrace(SEQ, t0));

    assertThat(trace.track(1).kind()).isEqualTo(CheckedTrack.Kind.PROCESS);
    assertThat(trace.track(1).pid()).isEqualTo(100);
    assertThat(trace.track(2).name()).isEqualTo("worker");
    assertThat(trace.track(2).tid()).isEqualTo(7);
    assertThat(trace.track(3).parentUuid()).isEqualTo(1);
    assertThat(trace.track(3).description()).isEqualTo("lanes");
    assertThat(trace.children(1)).extracting(CheckedTrack::uuid).containsExactly(3L, 4L);

    CheckedSlice get = trace.sliceNamed("GET /cart");
    assertThat(get.ts()).isEqualTo(t0 + 10);
    assertThat(get.dur()).isEqualTo(30);
    assertThat(get.category()).isEqualTo("server");
    assertThat(get.args()).containsOnly(entry("attributes.http_method", "GET"),
        entry("attributes.tags[0]", "a"), entry("attributes.tags[1]", 2L));
    assertThat(get.correlation()).isEqualTo("trace-abc");

    CheckedSlice db = trace.sliceNamed("db.query");
    assertThat(db.depth()).isEqualTo(1);
    assertThat(db.args()).containsOnly(entry("rows", 3L), entry("ok", true));

    CheckedSlice retry = trace.sliceNamed("retry");
    assertThat(retry.instant()).isTrue();
    assertThat(retry.callstack()).containsExactly("main", "query");

    assertThat(trace.countersOn(4)).containsExactly(new CheckedCounter(4, t0 + 10, 1),
        new CheckedCounter(4, t0 + 60, 0.5));
    assertThat(trace.flows()).singleElement().satisfies(f -> {
      assertThat(f.from().name()).isEqualTo("GET /cart");
      assertThat(f.to().name()).isEqualTo("async");
    });
  }

  @Test
  void shouldNameArgsAsTraceProcessorDoesWithDotsAndBracketsInNamesReplaced() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PerfettoWriter w = new PerfettoWriter(out, SEQ)) {
      w.describe(Track.named(1, "t"));
      w.instant(1, 10, "x", EventArgs.builder()
          .annotate(Annotation.of("http.method", "GET"))
          .annotate(Annotation.dict("http", List.of(Annotation.of("route", "/a"))))
          .annotate(Annotation.array("ids[]", List.of(AnnotationValue.of(1L)))).build());
    }

    assertThat(TraceChecker.check(out.toByteArray()).sliceNamed("x").args()).containsOnly(
        entry("http_method", "GET"), entry("http.route", "/a"), entry("ids__[0]", 1L));
  }

  @Test
  void shouldAcceptTwoPartsOfARequestConcatenatedByteForByte() throws IOException {
    byte[] first = richTrace(SEQ, 1_000_000);
    byte[] second = richTrace(SEQ, 2_000_000);
    byte[] both = new byte[first.length + second.length];
    System.arraycopy(first, 0, both, 0, first.length);
    System.arraycopy(second, 0, both, first.length, second.length);

    CheckedTrace trace = TraceChecker.check(both);

    assertThat(trace.slicesNamed("GET /cart")).extracting(CheckedSlice::ts)
        .containsExactly(1_000_010L, 2_000_010L);
    assertThat(trace.flows()).hasSize(2);
    assertThat(trace.tracks()).hasSize(4);
  }

  @Test
  void shouldReadGzippedTraces() throws IOException {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(richTrace(SEQ, 5));
    }

    CheckedTrace trace = TraceChecker.check(new ByteArrayInputStream(gz.toByteArray()));

    assertThat(trace.slicesNamed("async")).hasSize(1);
  }

  // ---------------------------------------------------------------- bad traces, hand-built

  private static TracePacket.Builder packet() {
    return TracePacket.newBuilder().setTrustedPacketSequenceId(SEQ);
  }

  private static TracePacket start() {
    return packet().setSequenceFlags(CLEARED).build();
  }

  private static TracePacket track(long uuid, String name) {
    return packet().setTrackDescriptor(TrackDescriptor.newBuilder().setUuid(uuid).setName(name))
        .build();
  }

  private static TracePacket event(long ts, TrackEvent.Type type, long track, String name) {
    TrackEvent.Builder e = TrackEvent.newBuilder().setType(type).setTrackUuid(track);
    if (name != null) {
      e.setName(name);
    }
    return packet().setTimestamp(ts).setTrackEvent(e).build();
  }

  private static TracePacket begin(long ts, long track, String name) {
    return event(ts, TrackEvent.Type.TYPE_SLICE_BEGIN, track, name);
  }

  private static TracePacket end(long ts, long track) {
    return event(ts, TrackEvent.Type.TYPE_SLICE_END, track, null);
  }

  private static byte[] trace(TracePacket... packets) {
    return Trace.newBuilder().addAllPacket(List.of(packets)).build().toByteArray();
  }

  private static void assertViolation(byte[] trace, String... fragments) {
    assertThatThrownBy(() -> TraceChecker.check(trace)).isInstanceOf(AssertionError.class)
        .message().contains(fragments);
  }

  @Test
  void shouldAcceptTheMinimalHandBuiltTraceUsedByTheViolationTests() {
    CheckedTrace trace = TraceChecker.check(trace(start(), track(1, "t"), begin(10, 1, "a"),
        end(20, 1)));

    assertThat(trace.sliceNamed("a").dur()).isEqualTo(10);
  }

  @Test
  void shouldRejectAnEventOnAnUndescribedTrack() {
    assertViolation(trace(start(), begin(10, 9, "a"), end(20, 9)),
        "on track 9 which is not described");
  }

  @Test
  void shouldRejectAParentUuidToAnUnknownTrack() {
    assertViolation(trace(start(), packet().setTrackDescriptor(
        TrackDescriptor.newBuilder().setUuid(1).setName("child").setParentUuid(42)).build()),
        "parent_uuid 42 which is not described");
  }

  @Test
  void shouldRejectAnEndWithoutBegin() {
    assertViolation(trace(start(), track(1, "t"), end(20, 1)), "without an open BEGIN");
  }

  @Test
  void shouldRejectAnEndBeforeItsBegin() {
    assertViolation(trace(start(), track(1, "t"), begin(10, 1, "a"), end(5, 1)),
        "END at 5 of 'a' precedes its BEGIN at 10: out of LIFO order");
  }

  @Test
  void shouldRejectAParentEndingBeforeItsChild() {
    // In file order b (the child) ends at 15, then a at 12: sorted by time, 12 would close b.
    assertViolation(trace(start(), track(1, "t"), begin(10, 1, "a"), begin(11, 1, "b"),
        end(15, 1), end(12, 1)), "slice 'a' [10, 12] on track 1 is not strictly nested");
  }

  @Test
  void shouldAcceptALaterPartWhoseSlicesComeEarlierOnTheSameTrack() {
    CheckedTrace trace = TraceChecker.check(trace(start(), track(1, "t"), begin(100, 1, "late"),
        end(200, 1), start(), track(1, "t"), begin(10, 1, "early"), end(20, 1)));

    assertThat(trace.slicesOn(1)).extracting(CheckedSlice::name).containsExactly("early", "late");
  }

  @Test
  void shouldRejectOverlappingSlicesOnOneTrack() {
    assertViolation(trace(start(), track(1, "t"), begin(10, 1, "a"), end(20, 1),
        begin(15, 1, "b"), end(30, 1)), "slice 'b' [15, 30] on track 1 is not strictly nested");
  }

  @Test
  void shouldRejectAnIidUsedBeforeItIsDefined() {
    assertViolation(trace(start(), track(1, "t"),
        packet().setTimestamp(10).setSequenceFlags(NEEDS).setTrackEvent(TrackEvent.newBuilder()
            .setType(TrackEvent.Type.TYPE_INSTANT).setTrackUuid(1).setNameIid(5)).build()),
        "event_names iid 5 used before it is defined");
  }

  @Test
  void shouldRejectAnIidUsedAfterAStateClear() {
    TracePacket defines = packet().setTimestamp(10).setSequenceFlags(NEEDS)
        .setInternedData(InternedData.newBuilder()
            .addEventNames(EventName.newBuilder().setIid(1).setName("x")))
        .setTrackEvent(TrackEvent.newBuilder().setType(TrackEvent.Type.TYPE_INSTANT)
            .setTrackUuid(1).setNameIid(1)).build();
    TracePacket clear = packet().setSequenceFlags(CLEARED).build();
    TracePacket uses = packet().setTimestamp(20).setSequenceFlags(NEEDS).setTrackEvent(
        TrackEvent.newBuilder().setType(TrackEvent.Type.TYPE_INSTANT).setTrackUuid(1)
            .setNameIid(1)).build();

    assertThat(TraceChecker.check(trace(start(), track(1, "t"), defines, uses)).instants())
        .hasSize(2);
    assertViolation(trace(start(), track(1, "t"), defines, clear, uses),
        "packet #4: event_names iid 1 used before it is defined");
  }

  @Test
  void shouldRejectInternedDataWithoutNeedsIncrementalState() {
    assertViolation(trace(start(), track(1, "t"), packet().setTimestamp(10)
        .setInternedData(InternedData.newBuilder()
            .addEventNames(EventName.newBuilder().setIid(1).setName("x")))
        .setTrackEvent(TrackEvent.newBuilder().setType(TrackEvent.Type.TYPE_INSTANT)
            .setTrackUuid(1).setNameIid(1)).build()),
        "defines interned data without SEQ_NEEDS_INCREMENTAL_STATE",
        "uses interned data without SEQ_NEEDS_INCREMENTAL_STATE");
  }

  @Test
  void shouldRejectASequenceWhoseFirstPacketDoesNotClearState() {
    assertViolation(trace(track(1, "t"), begin(10, 1, "a"), end(20, 1)),
        "first packet of sequence 3 does not set SEQ_INCREMENTAL_STATE_CLEARED");
  }

  @Test
  void shouldRejectACounterValueOnANonCounterTrack() {
    assertViolation(trace(start(), track(1, "t"), packet().setTimestamp(10).setTrackEvent(
        TrackEvent.newBuilder().setType(TrackEvent.Type.TYPE_COUNTER).setTrackUuid(1)
            .setCounterValue(3)).build()), "which is not a counter track");
  }

  @Test
  void shouldModelExtraCounterValuesAsCounterValuesAtTheEventTimestamp() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PerfettoWriter w = new PerfettoWriter(out, SEQ)) {
      w.describe(Track.named(1, "lane"));
      w.describe(Track.counter(2, "in flight", Counter.plain()));
      w.beginSlice(1, 100, "a", EventArgs.builder().counterValue(2, 1).build());
      w.instant(1, 150, "mark", EventArgs.builder().counterValue(2, 5).build());
      w.endSlice(1, 200, EventArgs.builder().counterValue(2, 0).build());
    }
    CheckedTrace trace = TraceChecker.check(out.toByteArray());

    assertThat(trace.countersOn(2)).containsExactly(new CheckedCounter(2, 100, 1),
        new CheckedCounter(2, 150, 5), new CheckedCounter(2, 200, 0));
    assertThat(trace.sliceNamed("a").dur()).isEqualTo(100);
  }

  @Test
  void shouldSumValuesOfAnIncrementalCounterAndRestartFromZeroWhenStateIsCleared() {
    TracePacket counterTrack = packet().setTrackDescriptor(TrackDescriptor.newBuilder()
        .setUuid(2).setName("in flight")
        .setCounter(CounterDescriptor.newBuilder().setIsIncremental(true))).build();
    TracePacket plainTrack = packet().setTrackDescriptor(TrackDescriptor.newBuilder()
        .setUuid(4).setName("level").setCounter(CounterDescriptor.getDefaultInstance())).build();

    CheckedTrace trace = TraceChecker.check(trace(start(), track(1, "lane"), counterTrack,
        plainTrack,
        packet().setTimestamp(100).setTrackEvent(TrackEvent.newBuilder()
            .setType(TrackEvent.Type.TYPE_SLICE_BEGIN).setTrackUuid(1).setName("a")
            .addExtraCounterValues(1).addExtraCounterTrackUuids(2)
            .addExtraCounterValues(7).addExtraCounterTrackUuids(4)).build(),
        packet().setTimestamp(150).setTrackEvent(TrackEvent.newBuilder()
            .setType(TrackEvent.Type.TYPE_COUNTER).setTrackUuid(2).setCounterValue(2)).build(),
        packet().setTimestamp(200).setTrackEvent(TrackEvent.newBuilder()
            .setType(TrackEvent.Type.TYPE_SLICE_END).setTrackUuid(1)
            .addExtraCounterValues(-3).addExtraCounterTrackUuids(2)
            .addExtraCounterValues(7).addExtraCounterTrackUuids(4)).build(),
        start(),
        packet().setTimestamp(300).setTrackEvent(TrackEvent.newBuilder()
            .setType(TrackEvent.Type.TYPE_COUNTER).setTrackUuid(2).setCounterValue(1)).build()));

    assertThat(trace.countersOn(2)).extracting(CheckedCounter::ts, CheckedCounter::value)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(100L, 1.0),
            org.assertj.core.groups.Tuple.tuple(150L, 3.0),
            org.assertj.core.groups.Tuple.tuple(200L, 0.0),
            org.assertj.core.groups.Tuple.tuple(300L, 1.0));
    assertThat(trace.countersOn(4)).extracting(CheckedCounter::value).containsExactly(7.0, 7.0);
  }

  @Test
  void shouldModelInlineCallstackFramesWithFileAndLineAsInternedFramesShowThem() {
    TrackEvent.Callstack stack = TrackEvent.Callstack.newBuilder()
        .addFrames(TrackEvent.Callstack.Frame.newBuilder().setFunctionName("main"))
        .addFrames(TrackEvent.Callstack.Frame.newBuilder().setFunctionName("io.A.run")
            .setSourceFile("A.java"))
        .addFrames(TrackEvent.Callstack.Frame.newBuilder().setFunctionName("io.A.call")
            .setSourceFile("A.java").setLineNumber(42))
        .build();

    CheckedTrace trace = TraceChecker.check(trace(start(), track(1, "lane"),
        packet().setTimestamp(10).setTrackEvent(TrackEvent.newBuilder()
            .setType(TrackEvent.Type.TYPE_INSTANT).setTrackUuid(1).setName("boom")
            .setCallstack(stack)).build()));

    assertThat(trace.sliceNamed("boom").callstack())
        .containsExactly("main", "io.A.run (A.java)", "io.A.call (A.java:42)");
  }

  @Test
  void shouldRejectAnInlineFrameWithoutAFunctionName() {
    assertViolation(trace(start(), track(1, "lane"),
        packet().setTimestamp(10).setTrackEvent(TrackEvent.newBuilder()
            .setType(TrackEvent.Type.TYPE_INSTANT).setTrackUuid(1).setName("boom")
            .setCallstack(TrackEvent.Callstack.newBuilder().addFrames(
                TrackEvent.Callstack.Frame.newBuilder().setSourceFile("A.java")))).build()),
        "inline callstack frame without a function name");
  }

  @Test
  void shouldRejectAnExtraCounterValueForATrackThatIsNotACounter() {
    assertViolation(trace(start(), track(1, "t"), packet().setTimestamp(10).setTrackEvent(
        TrackEvent.newBuilder().setType(TrackEvent.Type.TYPE_INSTANT).setTrackUuid(1)
            .addExtraCounterValues(3).addExtraCounterTrackUuids(1)).build()),
        "extra counter value on track 1 which is not a described counter track");
  }

  @Test
  void shouldRejectMoreExtraCounterValuesThanTrackUuids() {
    assertViolation(trace(start(), track(1, "t"), packet().setTimestamp(10).setTrackEvent(
        TrackEvent.newBuilder().setType(TrackEvent.Type.TYPE_INSTANT).setTrackUuid(1)
            .addExtraCounterValues(3)).build()),
        "1 extra counter values for 0 track uuids");
  }

  @Test
  void shouldRejectASliceOnACounterTrack() {
    assertViolation(trace(start(), packet().setTrackDescriptor(TrackDescriptor.newBuilder()
        .setUuid(1).setName("c").setCounter(CounterDescriptor.getDefaultInstance())).build(),
        begin(10, 1, "a"), end(20, 1)), "TYPE_SLICE_BEGIN on counter track 1");
  }

  @Test
  void shouldRejectAFlowIdSeenOnlyOnce() {
    assertViolation(trace(start(), track(1, "t"), packet().setTimestamp(10).setTrackEvent(
        TrackEvent.newBuilder().setType(TrackEvent.Type.TYPE_INSTANT).setTrackUuid(1)
            .setName("a").addFlowIds(5)).build()), "flow id 5 seen only once");
  }

  @Test
  void shouldChainFlowsInTimeOrderAndReuseAnIdAfterItTerminates() {
    TracePacket[] packets = {start(), track(1, "t"),
        instant(40, 1, "d", 5, false), instant(10, 1, "a", 5, false),
        instant(20, 1, "b", 5, false), instant(30, 1, "c", 5, true), instant(50, 1, "e", 5, true)};

    CheckedTrace trace = TraceChecker.check(trace(packets));

    assertThat(trace.flows()).extracting(f -> f.from().name() + ">" + f.to().name())
        .containsExactly("a>b", "b>c", "d>e");
    assertViolation(trace(start(), track(1, "t"), instant(10, 1, "a", 5, false),
        instant(20, 1, "b", 5, true), instant(30, 1, "c", 5, false)), "flow id 5 seen only once");
  }

  private static TracePacket instant(long ts, long track, String name, long flow,
      boolean terminating) {
    TrackEvent.Builder e = TrackEvent.newBuilder().setType(TrackEvent.Type.TYPE_INSTANT)
        .setTrackUuid(track).setName(name);
    if (terminating) {
      e.addTerminatingFlowIds(flow);
    } else {
      e.addFlowIds(flow);
    }
    return packet().setTimestamp(ts).setTrackEvent(e).build();
  }

  @Test
  void shouldRejectATrackDescribedTwiceDifferently() {
    assertViolation(trace(start(), track(1, "t"), track(1, "other")),
        "track 1 described twice differently");
  }

  @Test
  void shouldRejectASliceThatNeverEnds() {
    assertViolation(trace(start(), track(1, "t"), begin(10, 1, "a")), "is never ended");
  }

  @Test
  void shouldRejectATimestampOnASequenceClockNoSnapshotDefines() {
    assertViolation(trace(start(), track(1, "t"), packet().setTimestamp(5).setTimestampClockId(64)
        .setTrackEvent(TrackEvent.newBuilder().setType(TrackEvent.Type.TYPE_INSTANT)
            .setTrackUuid(1).setName("a")).build()),
        "timestamp on clock 64 which no clock snapshot of sequence 3 defines");
  }

  @Test
  void shouldRejectATraceClockSnapshotThatGoesBackInTime() {
    TracePacket later = packet().setSequenceFlags(CLEARED).setClockSnapshot(
        io.traceroll.perfetto.proto.ClockSnapshot.newBuilder()
            .setPrimaryTraceClock(io.traceroll.perfetto.proto.BuiltinClock.BUILTIN_CLOCK_REALTIME)
            .addClocks(io.traceroll.perfetto.proto.ClockSnapshot.Clock.newBuilder()
                .setClockId(1).setTimestamp(500))).build();
    TracePacket earlier = packet().setSequenceFlags(CLEARED).setClockSnapshot(
        io.traceroll.perfetto.proto.ClockSnapshot.newBuilder()
            .addClocks(io.traceroll.perfetto.proto.ClockSnapshot.Clock.newBuilder()
                .setClockId(1).setTimestamp(100))).build();

    assertViolation(trace(later, earlier), "reads the trace clock at 100, before the previous "
        + "snapshot's 500: trace processor rejects the whole snapshot");
  }

  @Test
  void shouldReportEveryViolationAtOnce() {
    assertViolation(trace(track(1, "t"), begin(10, 9, "a"), end(20, 1)),
        "3 trace violation(s)", "does not set SEQ_INCREMENTAL_STATE_CLEARED",
        "not described", "without an open BEGIN");
  }

  @Test
  void shouldRejectBytesThatAreNotATrace() {
    assertThatThrownBy(() -> TraceChecker.check(new byte[] {0x0a, 0x7f, 0x01}))
        .isInstanceOf(AssertionError.class).hasMessageContaining("not a Perfetto trace");
  }
}
