package io.traceroll.perfetto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.traceroll.perfetto.proto.BuiltinClock;
import io.traceroll.perfetto.proto.ClockSnapshot;
import io.traceroll.perfetto.proto.CounterDescriptor;
import io.traceroll.perfetto.proto.DebugAnnotation;
import io.traceroll.perfetto.proto.DebugAnnotationName;
import io.traceroll.perfetto.proto.EventCategory;
import io.traceroll.perfetto.proto.EventName;
import io.traceroll.perfetto.proto.InternedData;
import io.traceroll.perfetto.proto.InternedString;
import io.traceroll.perfetto.proto.ProcessDescriptor;
import io.traceroll.perfetto.proto.ThreadDescriptor;
import io.traceroll.perfetto.proto.Trace;
import io.traceroll.perfetto.proto.TracePacket;
import io.traceroll.perfetto.proto.TrackDescriptor;
import io.traceroll.perfetto.proto.TrackEvent;
import io.traceroll.perfetto.check.TraceChecker;
import io.traceroll.span.Attribute;
import io.traceroll.span.AttributeValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hand-written wire code against the protobuf-generated classes: for every packet kind the
 * writer's bytes must equal {@code Trace.toByteArray()} of the same packets built with the
 * generated builders. Protobuf-java serialises known fields in field-number order, and so does
 * the writer, so no packet needs a parse-and-compare fallback.
 */
class PerfettoWriterInteropTest {

  private static final int SEQ = 7;
  private static final long T0 = 1_700_000_000_000_000_000L;

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PerfettoWriter writer = new PerfettoWriter(bytes, SEQ);

  private static TracePacket clockSnapshot() {
    return TracePacket.newBuilder()
        .setClockSnapshot(ClockSnapshot.newBuilder()
            .addClocks(ClockSnapshot.Clock.newBuilder()
                .setClockId(BuiltinClock.BUILTIN_CLOCK_BOOTTIME_VALUE).setTimestamp(0))
            .addClocks(ClockSnapshot.Clock.newBuilder()
                .setClockId(BuiltinClock.BUILTIN_CLOCK_REALTIME_VALUE).setTimestamp(0))
            .setPrimaryTraceClock(BuiltinClock.BUILTIN_CLOCK_REALTIME))
        .setTrustedPacketSequenceId(SEQ)
        .setSequenceFlags(TracePacket.SequenceFlags.SEQ_INCREMENTAL_STATE_CLEARED_VALUE)
        .setFirstPacketOnSequence(true)
        .build();
  }

  private static TracePacket.Builder packet() {
    return TracePacket.newBuilder().setTrustedPacketSequenceId(SEQ);
  }

  private static TracePacket descriptor(TrackDescriptor.Builder d) {
    return packet().setTrackDescriptor(d).build();
  }

  private byte[] written() throws IOException {
    writer.flush();
    return bytes.toByteArray();
  }

  private static byte[] expected(TracePacket... packets) {
    return WireOrder.trace(List.of(packets));
  }

  @Test
  void shouldStartEveryTraceWithAClockSnapshotThatClearsIncrementalState() throws IOException {
    writer.start();

    assertThat(written()).isEqualTo(expected(clockSnapshot()));
  }

  @Test
  void shouldPinTheClockSnapshotBytes() throws IOException {
    // Golden bytes: a change here changes every trace ever written; review it deliberately.
    PerfettoWriter small = new PerfettoWriter(bytes, 1);
    small.start();
    small.flush();

    assertThat(HexFormat.of().formatHex(bytes.toByteArray()))
        .isEqualTo("0a17" + "320e" + "0a0408061000" + "0a0408011000" + "1001"
            + "5001" + "6801" + "b80501");
  }

  @Test
  void shouldWriteATimestampedProcessTrack() throws IOException {
    writer.describe(Track.process(11, 4242, "checkout"), T0 + 5);

    assertThat(written()).isEqualTo(expected(clockSnapshot(), packet().setTimestamp(T0 + 5)
        .setTrackDescriptor(TrackDescriptor.newBuilder().setUuid(11)
            .setProcess(ProcessDescriptor.newBuilder().setPid(4242).setProcessName("checkout")))
        .build()));
  }

  @Test
  void shouldWriteAThreadTrackWithA64BitTid() throws IOException {
    writer.describe(Track.thread(12, 4242, 5_000_000_000L, "worker-1"), T0);

    assertThat(written()).isEqualTo(expected(clockSnapshot(), packet().setTimestamp(T0)
        .setTrackDescriptor(TrackDescriptor.newBuilder().setUuid(12)
            .setThread(ThreadDescriptor.newBuilder().setPid(4242).setTid(5_000_000_000L)
                .setThreadName("worker-1")))
        .build()));
  }

  @Test
  void shouldWriteCustomTracksWithEveryPresentationOption() throws IOException {
    writer.describe(Track.named(20, "requests").withDescription("one lane per request")
        .withChildOrdering(ChildOrdering.EXPLICIT));
    writer.describe(Track.named(21, "GET /cart").withParent(20).withSiblingOrderRank(-5)
        .withoutMerging());
    writer.describe(Track.named(22, "GET /cart").withParent(20).withMergeKey("conn-1"));
    writer.describe(Track.named(23, "by name").withParent(20).withMergeByName()
        .withChildOrdering(ChildOrdering.CHRONOLOGICAL));
    writer.describe(Track.named(24, "lex").withChildOrdering(ChildOrdering.LEXICOGRAPHIC));

    assertThat(written()).isEqualTo(expected(clockSnapshot(),
        descriptor(TrackDescriptor.newBuilder().setUuid(20).setName("requests")
            .setChildOrdering(TrackDescriptor.ChildTracksOrdering.EXPLICIT)
            .setDescription("one lane per request")),
        descriptor(TrackDescriptor.newBuilder().setUuid(21).setName("GET /cart").setParentUuid(20)
            .setSiblingOrderRank(-5)
            .setSiblingMergeBehavior(
                TrackDescriptor.SiblingMergeBehavior.SIBLING_MERGE_BEHAVIOR_NONE)),
        descriptor(TrackDescriptor.newBuilder().setUuid(22).setName("GET /cart").setParentUuid(20)
            .setSiblingMergeBehavior(
                TrackDescriptor.SiblingMergeBehavior.SIBLING_MERGE_BEHAVIOR_BY_SIBLING_MERGE_KEY)
            .setSiblingMergeKey("conn-1")),
        descriptor(TrackDescriptor.newBuilder().setUuid(23).setName("by name").setParentUuid(20)
            .setChildOrdering(TrackDescriptor.ChildTracksOrdering.CHRONOLOGICAL)
            .setSiblingMergeBehavior(
                TrackDescriptor.SiblingMergeBehavior.SIBLING_MERGE_BEHAVIOR_BY_TRACK_NAME)),
        descriptor(TrackDescriptor.newBuilder().setUuid(24).setName("lex")
            .setChildOrdering(TrackDescriptor.ChildTracksOrdering.LEXICOGRAPHIC))));
  }

  @Test
  void shouldWriteCounterTracksWithUnitsAndSharedAxes() throws IOException {
    writer.describe(Track.counter(30, "in flight", Counter.plain()));
    writer.describe(Track.counter(31, "latency", Counter.of(CounterUnit.TIME_NS)
        .withUnitMultiplier(1000).asIncremental().withYAxisShareKey("lat")));
    writer.describe(Track.counter(32, "pool", Counter.named("connections")));

    assertThat(written()).isEqualTo(expected(clockSnapshot(),
        descriptor(TrackDescriptor.newBuilder().setUuid(30).setName("in flight")
            .setCounter(CounterDescriptor.getDefaultInstance())),
        descriptor(TrackDescriptor.newBuilder().setUuid(31).setName("latency")
            .setCounter(CounterDescriptor.newBuilder()
                .setUnit(CounterDescriptor.Unit.UNIT_TIME_NS).setUnitMultiplier(1000)
                .setIsIncremental(true).setYAxisShareKey("lat"))),
        descriptor(TrackDescriptor.newBuilder().setUuid(32).setName("pool")
            .setCounter(CounterDescriptor.newBuilder().setUnitName("connections")))));
  }

  @Test
  void shouldInternNamesAndCategoriesInThePacketOfFirstUseOnly() throws IOException {
    writer.describe(Track.named(40, "lane"));
    EventArgs server = EventArgs.builder().category("server").build();
    writer.beginSlice(40, T0 + 1, "GET /cart", server);
    writer.endSlice(40, T0 + 2);
    writer.beginSlice(40, T0 + 3, "GET /cart", server);
    writer.endSlice(40, T0 + 4);

    int needs = TracePacket.SequenceFlags.SEQ_NEEDS_INCREMENTAL_STATE_VALUE;
    assertThat(written()).isEqualTo(expected(clockSnapshot(),
        descriptor(TrackDescriptor.newBuilder().setUuid(40).setName("lane")),
        packet().setTimestamp(T0 + 1)
            .setTrackEvent(TrackEvent.newBuilder().addCategoryIids(1)
                .setType(TrackEvent.Type.TYPE_SLICE_BEGIN).setNameIid(1).setTrackUuid(40))
            .setInternedData(InternedData.newBuilder()
                .addEventCategories(EventCategory.newBuilder().setIid(1).setName("server"))
                .addEventNames(EventName.newBuilder().setIid(1).setName("GET /cart")))
            .setSequenceFlags(needs).build(),
        packet().setTimestamp(T0 + 2)
            .setTrackEvent(TrackEvent.newBuilder().setType(TrackEvent.Type.TYPE_SLICE_END)
                .setTrackUuid(40)).build(),
        packet().setTimestamp(T0 + 3)
            .setTrackEvent(TrackEvent.newBuilder().addCategoryIids(1)
                .setType(TrackEvent.Type.TYPE_SLICE_BEGIN).setNameIid(1).setTrackUuid(40))
            .setSequenceFlags(needs).build(),
        packet().setTimestamp(T0 + 4)
            .setTrackEvent(TrackEvent.newBuilder().setType(TrackEvent.Type.TYPE_SLICE_END)
                .setTrackUuid(40)).build()));
  }

  @Test
  void shouldWriteTypedNestedAnnotationsFlowsAndCorrelation() throws IOException {
    writer.describe(Track.named(50, "lane"));
    EventArgs args = EventArgs.builder()
        .annotate(Annotation.of("s", "x"))
        .annotate(Annotation.interned("method", "GET"))
        .annotate(Annotation.of("i", -3L))
        .annotate(Annotation.ofUnsigned("u", -1L))
        .annotate(Annotation.of("d", 2.5))
        .annotate(Annotation.of("b", true))
        .annotate(Annotation.pointer("p", 0xdead))
        .annotate(Annotation.dict("attributes", List.of(
            Annotation.interned("method", "GET"),
            Annotation.array("tags", List.of(AnnotationValue.of("a"), AnnotationValue.of(7L))))))
        .flow(0xABCDL).flow(-2L).terminateFlow(99)
        .correlation(Correlation.id(42))
        .build();
    writer.beginSlice(50, T0, "op", args);

    DebugAnnotation.Builder attributes = DebugAnnotation.newBuilder().setNameIid(8)
        .addDictEntries(DebugAnnotation.newBuilder().setNameIid(2).setStringValueIid(1))
        .addDictEntries(DebugAnnotation.newBuilder().setNameIid(9)
            .addArrayValues(DebugAnnotation.newBuilder().setStringValue("a"))
            .addArrayValues(DebugAnnotation.newBuilder().setIntValue(7)));
    InternedData.Builder interned = InternedData.newBuilder()
        .addEventNames(EventName.newBuilder().setIid(1).setName("op"))
        .addDebugAnnotationStringValues(
            InternedString.newBuilder().setIid(1).setStr(ByteString.copyFromUtf8("GET")));
    String[] names = {"s", "method", "i", "u", "d", "b", "p", "attributes", "tags"};
    for (int i = 0; i < names.length; i++) {
      interned.addDebugAnnotationNames(
          DebugAnnotationName.newBuilder().setIid(i + 1).setName(names[i]));
    }
    assertThat(written()).isEqualTo(expected(clockSnapshot(),
        descriptor(TrackDescriptor.newBuilder().setUuid(50).setName("lane")),
        packet().setTimestamp(T0)
            .setTrackEvent(TrackEvent.newBuilder()
                .addDebugAnnotations(DebugAnnotation.newBuilder().setNameIid(1).setStringValue("x"))
                .addDebugAnnotations(DebugAnnotation.newBuilder().setNameIid(2)
                    .setStringValueIid(1))
                .addDebugAnnotations(DebugAnnotation.newBuilder().setNameIid(3).setIntValue(-3))
                .addDebugAnnotations(DebugAnnotation.newBuilder().setNameIid(4).setUintValue(-1L))
                .addDebugAnnotations(DebugAnnotation.newBuilder().setNameIid(5)
                    .setDoubleValue(2.5))
                .addDebugAnnotations(DebugAnnotation.newBuilder().setNameIid(6).setBoolValue(true))
                .addDebugAnnotations(DebugAnnotation.newBuilder().setNameIid(7)
                    .setPointerValue(0xdead))
                .addDebugAnnotations(attributes)
                .setType(TrackEvent.Type.TYPE_SLICE_BEGIN).setNameIid(1).setTrackUuid(50)
                // -2 needs the fixed64 form, so the whole list takes it; 99 alone is a varint
                .addFlowIds(0xABCDL).addFlowIds(-2L).addTerminatingFlowIdsOld(99)
                .setCorrelationId(42))
            .setInternedData(interned)
            .setSequenceFlags(TracePacket.SequenceFlags.SEQ_NEEDS_INCREMENTAL_STATE_VALUE)
            .build()));
  }

  @Test
  @SuppressWarnings("deprecation")
  void shouldWriteFlowIdsBelowTwoToTheFiftySixAsVarints() throws IOException {
    writer.describe(Track.named(55, "lane"));
    long largestVarint = (1L << 56) - 1;
    writer.instant(55, T0, "hop", EventArgs.builder()
        .flow(1).flow(300).terminateFlow(largestVarint).build());
    writer.instant(55, T0 + 1, "hop", EventArgs.builder()
        .flow(largestVarint + 1).terminateFlow(7).build());

    int needs = TracePacket.SequenceFlags.SEQ_NEEDS_INCREMENTAL_STATE_VALUE;
    assertThat(written()).isEqualTo(expected(clockSnapshot(),
        descriptor(TrackDescriptor.newBuilder().setUuid(55).setName("lane")),
        packet().setTimestamp(T0)
            .setTrackEvent(TrackEvent.newBuilder()
                .setType(TrackEvent.Type.TYPE_INSTANT).setNameIid(1).setTrackUuid(55)
                .addFlowIdsOld(1).addFlowIdsOld(300).addTerminatingFlowIdsOld(largestVarint))
            .setInternedData(InternedData.newBuilder()
                .addEventNames(EventName.newBuilder().setIid(1).setName("hop")))
            .setSequenceFlags(needs).build(),
        packet().setTimestamp(T0 + 1)
            .setTrackEvent(TrackEvent.newBuilder()
                .setType(TrackEvent.Type.TYPE_INSTANT).setNameIid(1).setTrackUuid(55)
                .addTerminatingFlowIdsOld(7).addFlowIds(largestVarint + 1))
            .setSequenceFlags(needs).build()));
  }

  @Test
  void shouldWriteInstantsWithInternedCallstacksAndStringCorrelations() throws IOException {
    writer.describe(Track.named(60, "lane"));
    Mapping lib = new Mapping("b1d", "/usr/lib/libshop.so", 0x1000, 0x9000, 0, 16);
    Callstack stack = Callstack.of(Frame.of("main"), new Frame("handle", lib, 0x42));
    writer.instant(60, T0, "retry", EventArgs.builder().callstack(stack)
        .correlation(Correlation.interned("trace-1")).build());
    writer.instant(60, T0 + 1, "retry", EventArgs.builder().callstack(stack)
        .correlation(Correlation.string("inline")).build());

    int needs = TracePacket.SequenceFlags.SEQ_NEEDS_INCREMENTAL_STATE_VALUE;
    assertThat(written()).isEqualTo(expected(clockSnapshot(),
        descriptor(TrackDescriptor.newBuilder().setUuid(60).setName("lane")),
        packet().setTimestamp(T0)
            .setTrackEvent(TrackEvent.newBuilder().setType(TrackEvent.Type.TYPE_INSTANT)
                .setNameIid(1).setTrackUuid(60).setCorrelationIdStrIid(1).setCallstackIid(1))
            .setInternedData(InternedData.newBuilder()
                .addEventNames(EventName.newBuilder().setIid(1).setName("retry"))
                .addFunctionNames(str(1, "main")).addFunctionNames(str(2, "handle"))
                .addFrames(io.traceroll.perfetto.proto.Frame.newBuilder().setIid(1)
                    .setFunctionNameId(1))
                .addFrames(io.traceroll.perfetto.proto.Frame.newBuilder().setIid(2)
                    .setFunctionNameId(2).setMappingId(1).setRelPc(0x42))
                .addCallstacks(io.traceroll.perfetto.proto.Callstack.newBuilder().setIid(1)
                    .addFrameIds(1).addFrameIds(2))
                .addBuildIds(str(1, "b1d"))
                .addMappingPaths(str(1, "usr")).addMappingPaths(str(2, "lib"))
                .addMappingPaths(str(3, "libshop.so"))
                .addMappings(io.traceroll.perfetto.proto.Mapping.newBuilder().setIid(1)
                    .setBuildId(1).setStart(0x1000).setEnd(0x9000).setLoadBias(16)
                    .addPathStringIds(1).addPathStringIds(2).addPathStringIds(3)
                    .setExactOffset(0))
                .addCorrelationIdStr(str(1, "trace-1")))
            .setSequenceFlags(needs).build(),
        packet().setTimestamp(T0 + 1)
            .setTrackEvent(TrackEvent.newBuilder().setType(TrackEvent.Type.TYPE_INSTANT)
                .setNameIid(1).setTrackUuid(60).setCorrelationIdStr("inline").setCallstackIid(1))
            .setSequenceFlags(needs).build()));
  }

  @Test
  void shouldWriteAnInlineCallstackWithFunctionFileAndLine() throws IOException {
    writer.describe(Track.named(61, "lane"));
    writer.instant(61, T0, "boom", EventArgs.builder().inlineCallstack(List.of(
        new InlineFrame("main", null, 0), new InlineFrame("io.A.run", "A.java", 0),
        new InlineFrame("io.A.call", "A.java", 300))).build());

    assertThat(written()).isEqualTo(expected(clockSnapshot(),
        descriptor(TrackDescriptor.newBuilder().setUuid(61).setName("lane")),
        packet().setTimestamp(T0)
            .setTrackEvent(TrackEvent.newBuilder().setType(TrackEvent.Type.TYPE_INSTANT)
                .setNameIid(1).setTrackUuid(61)
                .setCallstack(TrackEvent.Callstack.newBuilder()
                    .addFrames(TrackEvent.Callstack.Frame.newBuilder().setFunctionName("main"))
                    .addFrames(TrackEvent.Callstack.Frame.newBuilder().setFunctionName("io.A.run")
                        .setSourceFile("A.java"))
                    .addFrames(TrackEvent.Callstack.Frame.newBuilder()
                        .setFunctionName("io.A.call").setSourceFile("A.java")
                        .setLineNumber(300))))
            .setInternedData(InternedData.newBuilder()
                .addEventNames(EventName.newBuilder().setIid(1).setName("boom")))
            .setSequenceFlags(TracePacket.SequenceFlags.SEQ_NEEDS_INCREMENTAL_STATE_VALUE)
            .build()));
  }

  @Test
  void shouldWriteAnInlineCallstackGivenAsRegionsOfATextAsTheFramesWouldBe() throws IOException {
    String text = "x main y io.A.run A.java io.\u00e9.call A.java";
    int[] regions = {2, 6, -1, -1, 0, 9, 17, 18, 24, 0, 25, 34, 35, 41, 300};
    writer.describe(Track.named(61, "lane"));
    writer.instantEvent(61, T0, "boom").inlineCallstack(text, regions, 3).write();

    ByteArrayOutputStream viaFrames = new ByteArrayOutputStream();
    PerfettoWriter other = new PerfettoWriter(viaFrames, SEQ);
    other.describe(Track.named(61, "lane"));
    other.instant(61, T0, "boom", EventArgs.builder().inlineCallstack(List.of(
        new InlineFrame("main", null, 0), new InlineFrame("io.A.run", "A.java", 0),
        new InlineFrame("io.\u00e9.call", "A.java", 300))).build());
    other.flush();
    assertThat(written()).isEqualTo(viaFrames.toByteArray());
    assertThatThrownBy(() -> writer.instantEvent(61, T0, "boom")
        .inlineCallstack(text, new int[] {2, 99, -1, -1, 0}, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldWriteTheSameTraceAfterResetAsANewWriter() throws IOException {
    writer.describe(Track.named(65, "first"));
    writer.instantEvent(65, T0, "a").attributes("attributes",
        List.of(Attribute.of("k", "v"), Attribute.of("k", "v"))).write();
    writer.flush();

    ByteArrayOutputStream again = new ByteArrayOutputStream();
    writer.reset(again, SEQ + 1);
    writer.describe(Track.named(66, "second"));
    writer.instantEvent(66, T0 + 5, "b").attributes("attributes",
        List.of(Attribute.of("k", "v"), Attribute.of("n", 1L))).write();
    writer.flush();

    ByteArrayOutputStream fresh = new ByteArrayOutputStream();
    PerfettoWriter other = new PerfettoWriter(fresh, SEQ + 1);
    other.describe(Track.named(66, "second"));
    other.instantEvent(66, T0 + 5, "b").attributes("attributes",
        List.of(Attribute.of("k", "v"), Attribute.of("n", 1L))).write();
    other.flush();
    assertThat(again.toByteArray()).isEqualTo(fresh.toByteArray());
    assertThat(writer.isDescribed(65)).isFalse();
  }

  @Test
  void shouldEncodeSpanAttributesOfEveryTypeAsTheAnnotationTreeWouldBe() throws IOException {
    writer.describe(Track.named(62, "lane"));
    List<Attribute> attributes = List.of(Attribute.of("s", "x\u00e9"), Attribute.of("i", -5L),
        Attribute.of("d", 0.5), Attribute.of("b", false),
        new Attribute("bytes", new AttributeValue.BytesValue(new byte[] {0x0f, (byte) 0xa0})),
        new Attribute("arr", new AttributeValue.ArrayValue(List.of(
            new AttributeValue.LongValue(1), new AttributeValue.StringValue("two")))),
        new Attribute("map", new AttributeValue.MapValue(List.of(Attribute.of("k", true)))));
    writer.instantEvent(62, T0, "op").attributes("attributes", attributes).write();

    ByteArrayOutputStream viaTree = new ByteArrayOutputStream();
    PerfettoWriter other = new PerfettoWriter(viaTree, SEQ);
    other.describe(Track.named(62, "lane"));
    other.instant(62, T0, "op", EventArgs.builder()
        .annotate(Annotation.dict("attributes", Annotation.fromAttributes(attributes))).build());
    other.flush();
    // the same typed args as the tree; entries in wire order: the array first (nothing is
    // interned on a first occurrence), then the rest in list order
    assertThat(TraceChecker.check(written()).slices().get(0).args())
        .isEqualTo(TraceChecker.check(viaTree.toByteArray()).slices().get(0).args())
        .containsEntry("attributes.s", "x\u00e9").containsEntry("attributes.bytes", "0fa0")
        .containsEntry("attributes.i", -5L).containsEntry("attributes.arr[1]", "two")
        .containsEntry("attributes.map.k", true).hasSize(8);
    TracePacket packet = Trace.parseFrom(written()).getPacket(2);
    DebugAnnotation dict = packet.getTrackEvent().getDebugAnnotations(0);
    List<String> names = packet.getInternedData().getDebugAnnotationNamesList().stream()
        .map(DebugAnnotationName::getName).toList();
    assertThat(dict.getDictEntriesList())
        .extracting(e -> names.get((int) e.getNameIid() - 1))
        .containsExactly("arr", "s", "i", "d", "b", "bytes", "map");
  }

  @Test
  void shouldWriteInternedAttributeValuesBeforeTheOtherEntries() throws IOException {
    writer.describe(Track.named(64, "lane"));
    for (int i = 0; i < 2; i++) {
      writer.instantEvent(64, T0 + i, "e").attributes("attributes", List.of(
          Attribute.of("size", 10L + i), Attribute.of("id", "ord-" + i),
          Attribute.of("method", "GET"))).write();
    }

    List<TracePacket> packets = Trace.parseFrom(written()).getPacketList();
    List<DebugAnnotation> first = packets.get(2).getTrackEvent().getDebugAnnotations(0)
        .getDictEntriesList();
    List<DebugAnnotation> second = packets.get(3).getTrackEvent().getDebugAnnotations(0)
        .getDictEntriesList();
    // first occurrence of "GET": inline, list order; second: interned, so it moves first
    // key iids in list order: "attributes" 1, size 2, id 3, method 4
    assertThat(first).extracting(DebugAnnotation::getNameIid).containsExactly(2L, 3L, 4L);
    assertThat(first.get(2).getStringValue()).isEqualTo("GET");
    assertThat(second).extracting(DebugAnnotation::getNameIid).containsExactly(4L, 2L, 3L);
    assertThat(second.get(0).getStringValueIid()).isEqualTo(1);
    assertThat(second.get(1).getIntValue()).isEqualTo(11);
    assertThat(second.get(2).getStringValue()).isEqualTo("ord-1");
    assertThat(TraceChecker.check(written()).slices().get(1).args()).containsExactlyInAnyOrderEntriesOf(
        java.util.Map.of("attributes.size", 11L, "attributes.id", "ord-1",
            "attributes.method", "GET"));
  }

  @Test
  void shouldInternAStringValueOnItsSecondOccurrenceUnderAKeyOfFewValues() throws IOException {
    writer.describe(Track.named(63, "lane"));
    for (int i = 0; i < 3; i++) {
      writer.instantEvent(63, T0 + i, "e")
          .attributes("attributes", List.of(Attribute.of("m", "GET"))).write();
    }
    for (int i = 0; i <= PerfettoWriter.LOW_CARDINALITY + 1; i++) {
      writer.instantEvent(63, T0 + 10 + i, "e")
          .attributes("attributes", List.of(Attribute.of("id", "v" + i))).write();
    }
    writer.instantEvent(63, T0 + 30, "e")
        .attributes("attributes", List.of(Attribute.of("id", "v0"))).write();

    List<TracePacket> packets = Trace.parseFrom(written()).getPacketList();
    List<DebugAnnotation> values = packets.stream().filter(TracePacket::hasTrackEvent)
        .map(p -> p.getTrackEvent().getDebugAnnotations(0).getDictEntries(0)).toList();
    assertThat(values.get(0).hasStringValue()).isTrue();
    assertThat(values.get(1).getStringValueIid()).isEqualTo(1);
    assertThat(values.get(2).getStringValueIid()).isEqualTo(1);
    assertThat(packets.get(3).getInternedData().getDebugAnnotationStringValues(0).getStr()
        .toStringUtf8()).isEqualTo("GET");
    // "id" shows more distinct values than LOW_CARDINALITY: high cardinality, all inline
    assertThat(values.subList(3, values.size())).allMatch(DebugAnnotation::hasStringValue);
    assertThat(TraceChecker.check(written()).slices()).hasSize(values.size());
  }

  @Test
  void shouldWriteASharedAnnotationAsTheSameBytesEveryTime() throws IOException {
    writer.describe(Track.named(64, "lane"));
    Annotation resource = Annotation.dict("resource", List.of(
        Annotation.interned("service.name", "cart"), Annotation.of("pid", 7L)));
    writer.instantEvent(64, T0, "e").annotateShared(resource).write();
    writer.instantEvent(64, T0 + 1, "e").annotateShared(resource).write();

    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    PerfettoWriter other = new PerfettoWriter(plain, SEQ);
    other.describe(Track.named(64, "lane"));
    other.instant(64, T0, "e", EventArgs.builder().annotate(resource).build());
    other.instant(64, T0 + 1, "e", EventArgs.builder().annotate(resource).build());
    other.flush();
    assertThat(written()).isEqualTo(plain.toByteArray());
  }

  @Test
  void shouldWriteLengthPrefixesOfNestedMessagesOfOneTwoAndThreeBytes() throws IOException {
    writer.describe(Track.named(65, "lane"));
    String medium = "m".repeat(200);
    String large = "L".repeat(20_000);
    writer.instant(65, T0, "big", EventArgs.builder()
        .annotate(Annotation.dict("d", List.of(Annotation.of("a", medium),
            Annotation.of("b", large), Annotation.of("c", "small")))).build());

    assertThat(written()).isEqualTo(expected(clockSnapshot(),
        descriptor(TrackDescriptor.newBuilder().setUuid(65).setName("lane")),
        packet().setTimestamp(T0)
            .setTrackEvent(TrackEvent.newBuilder().setType(TrackEvent.Type.TYPE_INSTANT)
                .setNameIid(1).setTrackUuid(65)
                .addDebugAnnotations(DebugAnnotation.newBuilder().setNameIid(1)
                    .addDictEntries(DebugAnnotation.newBuilder().setNameIid(2)
                        .setStringValue(medium))
                    .addDictEntries(DebugAnnotation.newBuilder().setNameIid(3)
                        .setStringValue(large))
                    .addDictEntries(DebugAnnotation.newBuilder().setNameIid(4)
                        .setStringValue("small"))))
            .setInternedData(InternedData.newBuilder()
                .addEventNames(EventName.newBuilder().setIid(1).setName("big"))
                .addDebugAnnotationNames(DebugAnnotationName.newBuilder().setIid(1).setName("d"))
                .addDebugAnnotationNames(DebugAnnotationName.newBuilder().setIid(2).setName("a"))
                .addDebugAnnotationNames(DebugAnnotationName.newBuilder().setIid(3).setName("b"))
                .addDebugAnnotationNames(DebugAnnotationName.newBuilder().setIid(4).setName("c")))
            .setSequenceFlags(TracePacket.SequenceFlags.SEQ_NEEDS_INCREMENTAL_STATE_VALUE)
            .build()));
  }

  @Test
  void shouldWriteIntegerAndDoubleCounterValuesWithoutIncrementalState() throws IOException {
    writer.describe(Track.counter(70, "in flight", Counter.plain()));
    writer.counter(70, T0, -4L);
    writer.counter(70, T0 + 1, 0.25);

    assertThat(written()).isEqualTo(expected(clockSnapshot(),
        descriptor(TrackDescriptor.newBuilder().setUuid(70).setName("in flight")
            .setCounter(CounterDescriptor.getDefaultInstance())),
        packet().setTimestamp(T0).setTrackEvent(TrackEvent.newBuilder()
            .setType(TrackEvent.Type.TYPE_COUNTER).setTrackUuid(70).setCounterValue(-4))
            .build(),
        packet().setTimestamp(T0 + 1).setTrackEvent(TrackEvent.newBuilder()
            .setType(TrackEvent.Type.TYPE_COUNTER).setTrackUuid(70).setDoubleCounterValue(0.25))
            .build()));
  }

  @Test
  void shouldCarryCounterValuesInTheEventPacketAsExtraCounterValues() throws IOException {
    writer.describe(Track.named(75, "lane"));
    writer.describe(Track.counter(76, "in flight", Counter.plain()));
    writer.describe(Track.counter(77, "queued", Counter.plain()));
    writer.beginSlice(75, T0, "op", EventArgs.builder()
        .counterValue(76, 3).counterValue(77, -1).build());
    writer.endSlice(75, T0 + 2, EventArgs.builder().counterValue(76, 2).build());

    assertThat(written()).isEqualTo(expected(clockSnapshot(),
        descriptor(TrackDescriptor.newBuilder().setUuid(75).setName("lane")),
        descriptor(TrackDescriptor.newBuilder().setUuid(76).setName("in flight")
            .setCounter(CounterDescriptor.getDefaultInstance())),
        descriptor(TrackDescriptor.newBuilder().setUuid(77).setName("queued")
            .setCounter(CounterDescriptor.getDefaultInstance())),
        packet().setTimestamp(T0)
            .setTrackEvent(TrackEvent.newBuilder()
                .setType(TrackEvent.Type.TYPE_SLICE_BEGIN).setNameIid(1).setTrackUuid(75)
                .addExtraCounterValues(3).addExtraCounterValues(-1)
                .addExtraCounterTrackUuids(76).addExtraCounterTrackUuids(77))
            .setInternedData(InternedData.newBuilder()
                .addEventNames(EventName.newBuilder().setIid(1).setName("op")))
            .setSequenceFlags(TracePacket.SequenceFlags.SEQ_NEEDS_INCREMENTAL_STATE_VALUE)
            .build(),
        packet().setTimestamp(T0 + 2)
            .setTrackEvent(TrackEvent.newBuilder()
                .setType(TrackEvent.Type.TYPE_SLICE_END).setTrackUuid(75)
                .addExtraCounterValues(2).addExtraCounterTrackUuids(76))
            .build()));
  }

  @Test
  void shouldReplaceUnpairedSurrogatesByTheReplacementCharacter() throws IOException {
    writer.describe(Track.named(80, "bad \uD800 name"));
    writer.instant(80, T0, "x\uDC00y", EventArgs.builder()
        .annotate(Annotation.of("k", "\uD83D")).annotate(Annotation.of("ok", "\uD83D\uDE00"))
        .build());

    assertThat(written()).isEqualTo(expected(clockSnapshot(),
        descriptor(TrackDescriptor.newBuilder().setUuid(80).setName("bad \uFFFD name")),
        packet().setTimestamp(T0)
            .setTrackEvent(TrackEvent.newBuilder()
                .addDebugAnnotations(DebugAnnotation.newBuilder().setNameIid(1)
                    .setStringValue("\uFFFD"))
                .addDebugAnnotations(DebugAnnotation.newBuilder().setNameIid(2)
                    .setStringValue("\uD83D\uDE00"))
                .setType(TrackEvent.Type.TYPE_INSTANT).setNameIid(1).setTrackUuid(80))
            .setInternedData(InternedData.newBuilder()
                .addEventNames(EventName.newBuilder().setIid(1).setName("x\uFFFDy"))
                .addDebugAnnotationNames(DebugAnnotationName.newBuilder().setIid(1).setName("k"))
                .addDebugAnnotationNames(DebugAnnotationName.newBuilder().setIid(2).setName("ok")))
            .setSequenceFlags(TracePacket.SequenceFlags.SEQ_NEEDS_INCREMENTAL_STATE_VALUE)
            .build()));
  }

  @Test
  void shouldRejectMisuseBeforeWritingAnything() throws IOException {
    writer.describe(Track.named(90, "lane"));
    writer.describe(Track.counter(91, "c", Counter.plain()));
    long before = writer.bytesWritten();

    assertThatThrownBy(() -> writer.beginSlice(999, T0, "x"))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> writer.endSlice(90, T0)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> writer.counter(90, T0, 1L))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> writer.instant(91, T0, "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> writer.instant(90, T0, "x",
        EventArgs.builder().counterValue(90, 1).build()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> writer.instant(90, T0, "x",
        EventArgs.builder().counterValue(12345, 1).build()))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> writer.describe(Track.named(90, "other")))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> writer.describe(Track.named(92, "orphan").withParent(12345)))
        .isInstanceOf(IllegalStateException.class);
    assertThat(writer.bytesWritten()).isEqualTo(before);
  }

  @Test
  void shouldTreatAnIdenticalRedescriptionAsANoOp() throws IOException {
    writer.describe(Track.named(95, "lane"));
    long before = writer.bytesWritten();

    writer.describe(Track.named(95, "lane"));

    assertThat(writer.bytesWritten()).isEqualTo(before);
  }

  private static InternedString str(long iid, String value) {
    return InternedString.newBuilder().setIid(iid).setStr(ByteString.copyFromUtf8(value)).build();
  }
}
